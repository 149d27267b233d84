#include "stdio_session.h"

#include <unistd.h>

#include <array>
#include <cerrno>

namespace mailng::agent {
namespace {

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

bool answer(Dispatcher& dispatcher, const jsonrpc::LineSplitter::Line& line, int out_fd) {
    std::string response =
        line.too_long ? dispatcher.handle_too_long() : dispatcher.handle_line(line.text);
    return response.empty() || write_all(out_fd, response);
}

} // namespace

int run_stdio_session(Dispatcher& dispatcher, int in_fd, int out_fd) {
    jsonrpc::LineSplitter splitter;
    std::array<char, 64 * 1024> buffer{};
    for (;;) {
        ssize_t got = ::read(in_fd, buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        for (const auto& line : splitter.feed({buffer.data(), static_cast<std::size_t>(got)}))
            if (!answer(dispatcher, line, out_fd))
                return 1;
    }
    if (auto last = splitter.finish(); last && (last->too_long || !last->text.empty()))
        return answer(dispatcher, *last, out_fd) ? 0 : 1;
    return 0;
}

} // namespace mailng::agent
