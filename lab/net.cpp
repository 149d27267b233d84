#include "net.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace mailng::lab {
namespace {

using Clock = std::chrono::steady_clock;

sockaddr_in ipv4(const std::string& address, int port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    return sa;
}

class Socket {
public:
    Socket() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
    ~Socket() {
        if (fd_ >= 0)
            close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

bool first_line_starts_with(int fd, const std::string& prefix) {
    std::string line;
    char c;
    while (line.size() < prefix.size()) {
        pollfd pfd{fd, POLLIN, 0};
        if (poll(&pfd, 1, 10000) <= 0 || read(fd, &c, 1) != 1)
            return false;
        line.push_back(c);
    }
    return line == prefix;
}

bool answers(const std::string& address, int port, const std::string& banner_prefix) {
    Socket s;
    auto sa = ipv4(address, port);
    if (connect(s.fd(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
        return false;
    return banner_prefix.empty() || first_line_starts_with(s.fd(), banner_prefix);
}

} // namespace

bool port_is_free(const std::string& address, int port) {
    Socket s;
    int yes = 1;
    setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    auto sa = ipv4(address, port);
    return bind(s.fd(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
}

bool address_is_local(const std::string& address) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0)
        return false;
    bool found = false;
    char text[INET6_ADDRSTRLEN];
    for (ifaddrs* entry = list; entry && !found; entry = entry->ifa_next) {
        if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET)
            continue;
        auto* sa = reinterpret_cast<sockaddr_in*>(entry->ifa_addr);
        found = inet_ntop(AF_INET, &sa->sin_addr, text, sizeof text) && address == text;
    }
    freeifaddrs(list);
    return found;
}

bool wait_until_answering(const std::string& address, int port, const std::string& banner_prefix,
                          std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (answers(address, port, banner_prefix))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

} // namespace mailng::lab
