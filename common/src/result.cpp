#include "mailng/result.h"

namespace mailng {

std::string Problem::to_string() const {
    if (line <= 0) {
        return file + ": " + message;
    }
    std::string where = file + ":" + std::to_string(line);
    if (column > 0) {
        where += ":" + std::to_string(column);
    }
    return where + ": " + message;
}

} // namespace mailng
