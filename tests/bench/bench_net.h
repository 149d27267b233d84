// Small socket helpers shared by policy-load and policy-fixed-responder. Header-only:
// two executables, no library of their own. IPv4 numeric addresses only: the bench
// runs on loopback inside a private network namespace.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace mailng::bench {

/// "A.B.C.D:PORT" -> sockaddr_in; nullopt when it is not exactly that.
inline std::optional<sockaddr_in> parse_endpoint(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    unsigned port = 0;
    const auto port_text = text.substr(colon + 1);
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
        return std::nullopt;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    const std::string host(text.substr(0, colon));
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1)
        return std::nullopt;
    return address;
}

inline bool set_nonblocking(int fd) {
    const int flags = fcntl(fd, F_GETFL, 0);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

// Requests and answers are written whole in one write(); Nagle would only matter for a
// second small segment, but smtpd and policy servers do not wait for it either.
inline void set_nodelay(int fd) {
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/// A blocking connect (loopback: it completes at once), then non-blocking for epoll.
/// Returns the fd, or -1 with errno set.
inline int connect_to(const sockaddr_in& peer, const std::optional<sockaddr_in>& source) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const auto* peer_address = reinterpret_cast<const sockaddr*>(&peer);
    const bool bound = !source || bind(fd, reinterpret_cast<const sockaddr*>(&*source),
                                       sizeof *source) == 0;
    if (!bound || connect(fd, peer_address, sizeof peer) != 0 || !set_nonblocking(fd)) {
        const int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    set_nodelay(fd);
    return fd;
}

inline std::string errno_text() { return std::strerror(errno); }

} // namespace mailng::bench
