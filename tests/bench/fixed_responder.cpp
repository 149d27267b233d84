// policy-fixed-responder: the ceiling of the policy benchmark. An epoll server that
// answers "action=DUNNO\n\n" (or --action TEXT) to every complete request, i.e. to
// every empty line, without parsing anything else. Whatever a real policy server does
// on top of this costs throughput and latency; this is what the machine, the kernel's
// loopback and the load generator allow.
//
//   policy-fixed-responder --listen 127.0.0.1:10049 [--threads N] [--action TEXT]
//
// Runs until SIGINT or SIGTERM, then prints how many requests it answered.
#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench_net.h"

namespace {

using mailng::bench::errno_text;

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

struct Options {
    sockaddr_in listen{};
    unsigned threads = 1;
    std::string reply = "action=DUNNO\n\n";
};

[[noreturn]] void usage(const char* why) {
    std::cerr << "policy-fixed-responder: " << why << "\n"
              << "usage: policy-fixed-responder --listen A.B.C.D:PORT [--threads N] "
                 "[--action TEXT]\n";
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    Options options;
    bool have_listen = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc)
            usage("missing value");
        const std::string_view value = argv[++i];
        if (flag == "--listen") {
            auto endpoint = mailng::bench::parse_endpoint(value);
            if (!endpoint)
                usage("bad --listen");
            options.listen = *endpoint;
            have_listen = true;
        } else if (flag == "--threads") {
            options.threads = static_cast<unsigned>(std::strtoul(argv[i], nullptr, 10));
            if (options.threads == 0 || options.threads > 64)
                usage("bad --threads");
        } else if (flag == "--action") {
            if (value.empty() || value.find_first_of("\r\n") != std::string_view::npos)
                usage("bad --action");
            options.reply = "action=" + std::string(value) + "\n\n";
        } else {
            usage("unknown option");
        }
    }
    if (!have_listen)
        usage("--listen is required");
    return options;
}

// One listening socket per thread on the same port (SO_REUSEPORT): the kernel spreads
// connections over the threads, and no thread ever touches another's sockets.
int open_listener(const sockaddr_in& address) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    const int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
        bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        listen(fd, SOMAXCONN) != 0) {
        std::cerr << "policy-fixed-responder: listen: " << errno_text() << "\n";
        std::exit(1);
    }
    return fd;
}

/// Per-connection scanner state: whether the next byte starts a line. An empty line
/// (LF, or CR LF) at the start of a line ends a request. Starts true, as the codec
/// does: an empty line alone is a request without attributes.
struct Peer {
    bool at_line_start = true;
};

/// Counts the requests that `data` completes, carrying the line state across reads.
std::size_t count_requests(Peer& peer, const char* data, std::size_t size) {
    std::size_t done = 0;
    std::size_t pos = 0;
    while (pos < size) {
        const auto* newline = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
        const std::size_t end = newline ? static_cast<std::size_t>(newline - data) : size;
        const std::size_t length = end - pos;
        if (length > 1 || (length == 1 && data[pos] != '\r'))
            peer.at_line_start = false;
        if (!newline)
            break;
        done += peer.at_line_start ? 1 : 0;
        peer.at_line_start = true;
        pos = end + 1;
    }
    return done;
}

class Server {
public:
    Server(int listener, const std::string& reply) : listener_(listener), reply_(reply) {}

    void run() {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        watch(listener_);
        std::array<epoll_event, 256> events{};
        while (!g_stop.load(std::memory_order_relaxed)) {
            const int ready = epoll_wait(epoll_, events.data(), events.size(), 200);
            for (int i = 0; i < ready; ++i) {
                const int fd = events[static_cast<std::size_t>(i)].data.fd;
                fd == listener_ ? accept_all() : serve(fd);
            }
        }
    }

    std::uint64_t answered() const { return answered_; }

private:
    void watch(int fd) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = fd;
        epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    }

    void accept_all() {
        for (;;) {
            const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return;
            mailng::bench::set_nodelay(fd);
            if (static_cast<std::size_t>(fd) >= peers_.size())
                peers_.resize(static_cast<std::size_t>(fd) + 1);
            peers_[static_cast<std::size_t>(fd)] = Peer{};
            watch(fd);
        }
    }

    void drop(int fd) {
        epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
    }

    // One read, one write per request in the steady state. A client that pipelines
    // gets all its answers in one write; one whose socket is full is dropped (no
    // well-behaved policy client sends faster than it reads).
    void serve(int fd) {
        const ssize_t got = read(fd, buffer_.data(), buffer_.size());
        if (got <= 0) {
            if (got == 0 || (errno != EAGAIN && errno != EINTR))
                drop(fd);
            return;
        }
        const std::size_t requests =
            count_requests(peers_[static_cast<std::size_t>(fd)], buffer_.data(),
                           static_cast<std::size_t>(got));
        if (requests == 0)
            return;
        answered_ += requests;
        if (requests == 1)
            return write_all(fd, reply_);
        std::string batch;
        batch.reserve(reply_.size() * requests);
        for (std::size_t i = 0; i < requests; ++i)
            batch += reply_;
        write_all(fd, batch);
    }

    void write_all(int fd, const std::string& bytes) {
        const ssize_t sent = write(fd, bytes.data(), bytes.size());
        if (sent != static_cast<ssize_t>(bytes.size()))
            drop(fd);
    }

    int listener_;
    int epoll_ = -1;
    const std::string& reply_;
    std::vector<Peer> peers_;
    std::array<char, 16384> buffer_{};
    std::uint64_t answered_ = 0;
};

} // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    std::vector<Server> servers;
    servers.reserve(options.threads);
    for (unsigned i = 0; i < options.threads; ++i)
        servers.emplace_back(open_listener(options.listen), options.reply);
    std::vector<std::thread> threads;
    for (auto& server : servers)
        threads.emplace_back([&server] { server.run(); });
    for (auto& thread : threads)
        thread.join();

    std::uint64_t total = 0;
    for (const auto& server : servers)
        total += server.answered();
    std::cout << "policy-fixed-responder: answered " << total << " requests\n";
    return 0;
}
