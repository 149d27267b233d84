#include "mailng/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace mailng {

void Diagnostics::report(SourcePosition where, std::string message) {
    problems_.push_back({file_, where.line, where.column, std::move(message)});
}

std::vector<Problem> Diagnostics::take_sorted() {
    std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return std::move(problems_);
}

} // namespace mailng
