#include "quota_dovecot.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mailng::bridge {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view first_word(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return text.substr(0, text.find_first_of(" \t"));
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

/// Milliseconds left until `deadline` for poll(), at least 0.
int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, 1'000'000));
}

/// Waits for `events` on `fd`; an empty string when ready, else why not.
std::string wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd entry{fd, events, 0};
        int ready = ::poll(&entry, 1, remaining_ms(deadline));
        if (ready > 0) return {};
        if (ready == 0) return "timeout";
        if (errno != EINTR) return std::strerror(errno);
    }
}

/// A non-blocking socket connected to one of `host`'s addresses, or -1 with `why`.
int connect_one(const addrinfo& candidate, Clock::time_point deadline, std::string& why) {
    int fd = ::socket(candidate.ai_family, candidate.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                      candidate.ai_protocol);
    if (fd < 0) {
        why = std::strerror(errno);
        return -1;
    }
    if (::connect(fd, candidate.ai_addr, candidate.ai_addrlen) == 0) return fd;
    if (errno == EINPROGRESS) why = wait_for(fd, POLLOUT, deadline);
    else why = std::strerror(errno);
    int error = 0;
    socklen_t length = sizeof error;
    if (why.empty() && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error != 0)
        why = std::strerror(error);
    if (why.empty()) return fd;
    ::close(fd);
    return -1;
}

int connect_to(const HostPort& target, Clock::time_point deadline, std::string& why) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (int error = ::getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found); error != 0) {
        why = ::gai_strerror(error);
        return -1;
    }
    int fd = -1;
    for (addrinfo* candidate = found; candidate != nullptr && fd < 0; candidate = candidate->ai_next)
        fd = connect_one(*candidate, deadline, why);
    ::freeaddrinfo(found);
    return fd;
}

bool closed_by_peer(int error) { return error == EPIPE || error == ECONNRESET; }

} // namespace

Result<std::string, TryAgain> quota_status_request(std::string_view mailbox_address, std::uint64_t size) {
    if (mailbox_address.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        return unexpected(TryAgain{"quota-status: mailbox address contains a line break or NUL"});
    return "request=" + std::string(kSmtpdAccessPolicy) + "\nprotocol_state=RCPT\nrecipient=" +
           std::string(mailbox_address) + "\nsize=" + std::to_string(size) + "\n\n";
}

Result<Room, TryAgain> classify_quota_status_action(std::string_view action) {
    std::string_view word = first_word(action);
    if (equals_ignoring_case(word, "DUNNO") || equals_ignoring_case(word, "OK")) return Room::fits;
    bool permanent = (word.size() == 3 && word[0] == '5') || equals_ignoring_case(word, "REJECT");
    if (word == "552" || (permanent && action.find("5.2.2") != std::string_view::npos)) return Room::full;
    return unexpected(TryAgain{"quota-status answered \"" + std::string(action.substr(0, 80)) + "\""});
}

std::optional<HostPort> split_host_port(std::string_view address) {
    auto colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size()) return std::nullopt;
    std::string_view host = address.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return std::nullopt;
        host = host.substr(1, host.size() - 2);
    }
    std::string_view port = address.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return HostPort{std::string(host), std::string(port)};
}

DovecotQuotaStatus::DovecotQuotaStatus(std::string address, std::chrono::milliseconds timeout)
    : address_(std::move(address)), timeout_(timeout) {}

DovecotQuotaStatus::~DovecotQuotaStatus() { disconnect(); }

void DovecotQuotaStatus::disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    reader_ = PolicyRequestReader{};
}

DovecotQuotaStatus::Failure DovecotQuotaStatus::fail(Failure failure) {
    disconnect();
    failure.reason = "quota-status " + address_ + ": " + failure.reason;
    return failure;
}

Result<Room, TryAgain> DovecotQuotaStatus::check(const QuotaQuery& query, std::uint64_t size) {
    auto request = quota_status_request(query.mailbox_address, size);
    if (!request) return unexpected(request.error());
    auto deadline = Clock::now() + timeout_;
    bool reused = fd_ >= 0;
    auto action = exchange(*request, deadline);
    // Dovecot closes idle connections (idle_kill) and restarts: a kept connection
    // may be dead without our knowing until we use it. One fresh attempt then.
    if (!action && reused && action.error().peer_closed_early) action = exchange(*request, deadline);
    if (!action) return unexpected(TryAgain{action.error().reason});
    return classify_quota_status_action(*action);
}

Result<std::string, DovecotQuotaStatus::Failure> DovecotQuotaStatus::exchange(const std::string& request,
                                                                              Deadline deadline) {
    if (auto failure = ensure_connected(deadline)) return unexpected(*failure);
    if (auto failure = send_all(request, deadline)) return unexpected(*failure);
    return receive_action(deadline);
}

std::optional<DovecotQuotaStatus::Failure> DovecotQuotaStatus::ensure_connected(Deadline deadline) {
    if (fd_ >= 0) return std::nullopt;
    auto target = split_host_port(address_);
    if (!target) return fail({"not a host:port address", false});
    std::string why;
    fd_ = connect_to(*target, deadline, why);
    if (fd_ < 0) return fail({"connect: " + why, false});
    return std::nullopt;
}

std::optional<DovecotQuotaStatus::Failure> DovecotQuotaStatus::send_all(std::string_view bytes,
                                                                        Deadline deadline) {
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return fail({std::string("send: ") + std::strerror(errno), closed_by_peer(errno)});
        if (auto why = wait_for(fd_, POLLOUT, deadline); !why.empty()) return fail({"send: " + why, false});
    }
    return std::nullopt;
}

Result<std::size_t, DovecotQuotaStatus::Failure> DovecotQuotaStatus::receive_some(char* buffer, std::size_t capacity,
                                                                                bool nothing_yet,
                                                                                Deadline deadline) {
    for (;;) {
        ssize_t got = ::recv(fd_, buffer, capacity, 0);
        if (got > 0) return static_cast<std::size_t>(got);
        if (got == 0 || closed_by_peer(errno))
            return unexpected(fail({"connection closed before the reply", nothing_yet}));
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return unexpected(fail({std::string("recv: ") + std::strerror(errno), false}));
        if (auto why = wait_for(fd_, POLLIN, deadline); !why.empty())
            return unexpected(fail({"reply: " + why, false}));
    }
}

Result<std::string, DovecotQuotaStatus::Failure> DovecotQuotaStatus::receive_action(Deadline deadline) {
    char buffer[1024];
    for (bool nothing_yet = true;; nothing_yet = false) {
        auto got = receive_some(buffer, sizeof buffer, nothing_yet, deadline);
        if (!got) return unexpected(got.error());
        auto fed = reader_.feed(std::string_view(buffer, *got));
        if (fed.error) return unexpected(fail({"malformed reply: " + fed.error->to_string(), false}));
        if (fed.requests.empty()) continue;
        // quota-status answers once per request: anything more is a peer out of step.
        if (fed.requests.size() > 1 || reader_.mid_request())
            return unexpected(fail({"more than one reply", false}));
        auto action = fed.requests.front().value("action");
        if (!action) return unexpected(fail({"reply without action=", false}));
        return std::string(*action);
    }
}

} // namespace mailng::bridge
