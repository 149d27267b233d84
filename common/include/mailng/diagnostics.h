// Collecting the problems of one input file (a cluster file, a daemon's config) so that
// all of them are reported at once, in file order, as `file:line:column: message`.
#pragma once

#include <string>
#include <vector>

#include "mailng/result.h"

namespace mailng {

/// Where in a file: 1-based line and column; line 0 means the whole file.
struct SourcePosition {
    int line = 0;
    int column = 0;
};

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}

    void report(SourcePosition where, std::string message);
    bool empty() const { return problems_.empty(); }

    /// The problems in file order (stable for one line), so that the admin can work
    /// through them from the top. Leaves this object empty.
    std::vector<Problem> take_sorted();

private:
    std::string file_;
    std::vector<Problem> problems_;
};

} // namespace mailng
