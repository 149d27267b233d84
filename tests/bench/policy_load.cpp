// policy-load: a load generator for Postfix policy servers, as smtpd uses them.
//
// N persistent TCP connections, each sending one RCPT-stage request (the attribute set
// of Postfix 3.7, tests/data/postfix-policy-request-rcpt.txt) and waiting for the whole
// answer (up to the empty line) before sending the next: closed-loop, like N smtpd
// processes. Recipients are drawn from a weighted mix of classes (existing users,
// unknown, aliases, a foreign domain...). The run is bounded by a duration and,
// optionally, a request count. Reports requests/s, latency percentiles from a
// microsecond histogram, answers by kind, errors, and the server's VmRSS/VmHWM.
//
// Threads: each owns a share of the connections and its own epoll set; nothing is
// shared on the hot path but one atomic request budget (only with --requests).
//
// The last line of the output is machine-readable for run-policy-bench:
//   RESULT requests=... seconds=... rps=... p50_us=... p99_us=... errors=... rss_kb=...
#include <sys/epoll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <latch>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_net.h"

namespace {

using Clock = std::chrono::steady_clock;
using mailng::bench::errno_text;

// ---------------------------------------------------------------------------------
// Options

struct RecipientClass {
    std::string name;
    double weight = 0;
    std::vector<std::string> addresses; // drawn uniformly; empty for a sequence
    std::string seq_local;              // seq: "<seq_local><n>@<seq_domain>", never repeated
    std::string seq_domain;
};

struct Options {
    sockaddr_in peer{};
    std::string peer_text;
    std::optional<sockaddr_in> source;
    unsigned connections = 100;
    unsigned threads = 2;
    double duration_s = 10;
    std::uint64_t max_requests = 0; // 0: bounded by the duration only
    std::chrono::milliseconds timeout{5000};
    std::string template_file;
    std::string size = "0";
    std::vector<RecipientClass> classes;
    std::vector<int> server_pids;
    std::string label;
    bool sweep = false; // every listed address once, in order, then stop
};

[[noreturn]] void usage(const std::string& why) {
    std::cerr
        << "policy-load: " << why << "\n"
        << "usage: policy-load --connect A.B.C.D:PORT --class NAME=WEIGHT:SOURCE [...]\n"
           "  --connections N     persistent connections (default 100)\n"
           "  --threads N         generator threads (default 2)\n"
           "  --duration S        seconds to run (default 10; always a bound)\n"
           "  --requests N        stop after N requests (still bounded by --duration)\n"
           "  --timeout-ms MS     an answer slower than this is an error (default 5000)\n"
           "  --class NAME=WEIGHT:SOURCE   SOURCE is file:PATH (one address a line),\n"
           "                      list:a@x,b@y, or seq:PREFIX@DOMAIN (PREFIX<n>@DOMAIN,\n"
           "                      a new address for every request)\n"
           "  --mix-file PATH     more --class values, one a line (# comments)\n"
           "  --template PATH     request to send (recipient= and size= are replaced;\n"
           "                      default: the built-in Postfix 3.7 RCPT request)\n"
           "  --size BYTES        size= of every request (default 0: no SIZE=)\n"
           "  --sweep             send every file:/list: address once, in order, and stop\n"
           "                      (fills a cache; weights and seq: classes are ignored)\n"
           "  --bind A.B.C.D      source address\n"
           "  --server-pid PID    report VmRSS/VmHWM of PID after the run (repeatable)\n"
           "  --label TEXT        shown in the report\n";
    std::exit(2);
}

std::uint64_t parse_count(const std::string& text, const char* what) {
    char* end = nullptr;
    const auto value = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0')
        usage(std::string("bad ") + what + ": " + text);
    return value;
}

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        usage("cannot read " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (!line.empty() && line.front() != '#')
            lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, separator);)
        if (!part.empty())
            parts.push_back(part);
    return parts;
}

RecipientClass parse_class(const std::string& spec) {
    const auto equals = spec.find('=');
    const auto colon = spec.find(':', equals == std::string::npos ? 0 : equals);
    if (equals == std::string::npos || colon == std::string::npos)
        usage("bad --class " + spec);
    RecipientClass result;
    result.name = spec.substr(0, equals);
    result.weight = std::strtod(spec.substr(equals + 1, colon - equals - 1).c_str(), nullptr);
    const std::string source = spec.substr(colon + 1);
    if (source.starts_with("file:")) {
        result.addresses = read_lines(source.substr(5));
    } else if (source.starts_with("list:")) {
        result.addresses = split(source.substr(5), ',');
    } else if (source.starts_with("seq:")) {
        const auto at = source.rfind('@');
        if (at == std::string::npos || at < 4)
            usage("seq: needs PREFIX@DOMAIN: " + spec);
        result.seq_local = source.substr(4, at - 4);
        result.seq_domain = source.substr(at + 1);
    } else {
        usage("unknown source in --class " + spec);
    }
    const bool seq = !result.seq_domain.empty();
    if (result.weight <= 0 || (!seq && result.addresses.empty()))
        usage("empty class or weight <= 0: " + spec);
    return result;
}

void parse_option(Options& options, const std::string& flag, const std::string& value) {
    if (flag == "--connect") {
        auto endpoint = mailng::bench::parse_endpoint(value);
        if (!endpoint)
            usage("bad --connect " + value);
        options.peer = *endpoint;
        options.peer_text = value;
    } else if (flag == "--bind") {
        auto endpoint = mailng::bench::parse_endpoint(value + ":1");
        if (!endpoint)
            usage("bad --bind " + value);
        endpoint->sin_port = 0;
        options.source = endpoint;
    } else if (flag == "--connections") {
        options.connections = static_cast<unsigned>(parse_count(value, "--connections"));
    } else if (flag == "--threads") {
        options.threads = static_cast<unsigned>(parse_count(value, "--threads"));
    } else if (flag == "--duration") {
        options.duration_s = std::strtod(value.c_str(), nullptr);
    } else if (flag == "--requests") {
        options.max_requests = parse_count(value, "--requests");
    } else if (flag == "--timeout-ms") {
        options.timeout = std::chrono::milliseconds(parse_count(value, "--timeout-ms"));
    } else if (flag == "--class") {
        options.classes.push_back(parse_class(value));
    } else if (flag == "--mix-file") {
        for (const auto& line : read_lines(value))
            options.classes.push_back(parse_class(line));
    } else if (flag == "--template") {
        options.template_file = value;
    } else if (flag == "--size") {
        options.size = std::to_string(parse_count(value, "--size"));
    } else if (flag == "--server-pid") {
        options.server_pids.push_back(static_cast<int>(parse_count(value, "--server-pid")));
    } else if (flag == "--label") {
        options.label = value;
    } else {
        usage("unknown option " + flag);
    }
}

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--sweep") {
            options.sweep = true;
            continue;
        }
        if (i + 1 >= argc)
            usage(std::string("missing value for ") + argv[i]);
        parse_option(options, argv[i], argv[i + 1]);
        ++i;
    }
    if (options.peer_text.empty())
        usage("--connect is required");
    if (options.classes.empty())
        usage("at least one --class is required");
    if (options.connections == 0 || options.threads == 0 || options.duration_s <= 0 ||
        options.duration_s > 3600)
        usage("--connections and --threads must be > 0, --duration in (0, 3600]");
    options.threads = std::min(options.threads, options.connections);
    return options;
}

// ---------------------------------------------------------------------------------
// The request

// tests/data/postfix-policy-request-rcpt.txt: what Postfix 3.7 smtpd sends at RCPT.
constexpr std::string_view kDefaultRequest =
    "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
    "client_address=127.0.0.1\nclient_name=unknown\nclient_port=42362\n"
    "reverse_client_name=unknown\nserver_address=127.0.0.1\nserver_port=2525\n"
    "helo_name=client.test\nsender=sender@client.test\nrecipient=full@example.test\n"
    "recipient_count=0\nqueue_id=\ninstance=5a5b.6b074723.9c758.0\nsize=0\netrn_domain=\n"
    "stress=\nsasl_method=\nsasl_username=\nsasl_sender=\nccert_subject=\nccert_issuer=\n"
    "ccert_fingerprint=\nccert_pubkey_fingerprint=\nencryption_protocol=\n"
    "encryption_cipher=\nencryption_keysize=0\npolicy_context=\n\n";

/// The request split around the recipient's value: prefix + recipient + suffix.
struct RequestShape {
    std::string prefix;
    std::string suffix;
};

RequestShape shape_request(const Options& options) {
    std::vector<std::string> lines;
    if (options.template_file.empty())
        lines = split(std::string(kDefaultRequest), '\n');
    else
        lines = read_lines(options.template_file);
    RequestShape shape;
    bool seen_recipient = false;
    for (const auto& line : lines) {
        if (line.starts_with("recipient=")) {
            shape.prefix += "recipient=";
            seen_recipient = true;
            shape.suffix += "\n";
            continue;
        }
        const std::string text = line.starts_with("size=") ? "size=" + options.size : line;
        (seen_recipient ? shape.suffix : shape.prefix) += text + "\n";
    }
    if (!seen_recipient)
        usage("the template has no recipient= line");
    shape.suffix += "\n";
    return shape;
}

// ---------------------------------------------------------------------------------
// Latency histogram: log-linear, 1 µs exact up to 2048 µs, then 1024 sub-buckets per
// power of two (< 0.1 % error). Fixed size, no allocation while recording.

class Histogram {
public:
    static constexpr unsigned kSubBits = 10;
    static constexpr std::uint64_t kSub = 1u << kSubBits;
    static constexpr std::size_t kBuckets = 2 * kSub + 40 * kSub;

    Histogram() : counts_(kBuckets, 0) {}

    void record(std::uint64_t micros) {
        ++counts_[index(micros)];
        ++total_;
        max_ = std::max(max_, micros);
    }

    void merge(const Histogram& other) {
        for (std::size_t i = 0; i < kBuckets; ++i)
            counts_[i] += other.counts_[i];
        total_ += other.total_;
        max_ = std::max(max_, other.max_);
    }

    std::uint64_t total() const { return total_; }
    std::uint64_t max() const { return max_; }

    /// The smallest value v such that at least q of the samples are <= v.
    std::uint64_t percentile(double q) const {
        if (total_ == 0)
            return 0;
        const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_)));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < kBuckets; ++i) {
            seen += counts_[i];
            if (seen >= std::max<std::uint64_t>(rank, 1))
                return std::min(upper(i), max_);
        }
        return max_;
    }

private:
    static std::size_t index(std::uint64_t v) {
        if (v < 2 * kSub)
            return static_cast<std::size_t>(v);
        const unsigned msb = 63 - static_cast<unsigned>(std::countl_zero(v));
        const unsigned shift = msb - kSubBits;
        const std::size_t i = 2 * kSub + (msb - kSubBits - 1) * kSub + ((v >> shift) - kSub);
        return std::min(i, kBuckets - 1);
    }

    // The largest value that falls into bucket i.
    static std::uint64_t upper(std::size_t i) {
        if (i < 2 * kSub)
            return i;
        const std::size_t octave = (i - 2 * kSub) / kSub;
        const std::uint64_t sub = (i - 2 * kSub) % kSub + kSub;
        const unsigned shift = static_cast<unsigned>(octave) + 1;
        return ((sub + 1) << shift) - 1;
    }

    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
    std::uint64_t max_ = 0;
};

// ---------------------------------------------------------------------------------
// Answers

enum class AnswerKind { dunno, reject, defer, other };

/// Classifies the action of one complete answer; nullopt when it has no action= line.
std::optional<AnswerKind> classify(std::string_view answer) {
    std::size_t at = answer.starts_with("action=") ? 0 : answer.find("\naction=");
    if (at == std::string_view::npos)
        return std::nullopt;
    const std::string_view action = answer.substr(at == 0 ? 7 : at + 8);
    if (action.starts_with("DUNNO") || action.starts_with("dunno"))
        return AnswerKind::dunno;
    if (action.starts_with('5') || action.starts_with("REJECT") || action.starts_with("reject"))
        return AnswerKind::reject;
    if (action.starts_with('4') || action.starts_with("DEFER") || action.starts_with("defer"))
        return AnswerKind::defer;
    return AnswerKind::other;
}

struct Counters {
    std::array<std::uint64_t, 4> answers{}; // by AnswerKind
    std::uint64_t errors = 0;               // closed, reset, bad answer, timeout
    std::uint64_t timeouts = 0;
    std::uint64_t retries = 0;              // closed before answering, retried as smtpd does
    std::uint64_t in_flight_at_end = 0;
    std::string first_error;

    void merge(const Counters& other) {
        for (std::size_t i = 0; i < answers.size(); ++i)
            answers[i] += other.answers[i];
        errors += other.errors;
        timeouts += other.timeouts;
        retries += other.retries;
        in_flight_at_end += other.in_flight_at_end;
        if (first_error.empty())
            first_error = other.first_error;
    }
};

// ---------------------------------------------------------------------------------
// Workers

/// xorshift64*: the generator must not spend its time in the RNG.
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed | 1) {}
    std::uint64_t next() {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545F4914F6CDD1DULL;
    }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    std::uint64_t state_;
};

struct Shared {
    const Options& options;
    const RequestShape& shape;
    std::vector<double> cumulative; // of class weights, normalised to 1
    std::atomic<std::uint64_t> budget{0};
    std::vector<const std::string*> sweep_list; // --sweep: every listed address
    std::atomic<std::size_t> sweep_next{0};
    std::latch ready;
    Clock::time_point start{};
    Clock::time_point deadline{};

    Shared(const Options& o, const RequestShape& s, unsigned threads)
        : options(o), shape(s), ready(static_cast<std::ptrdiff_t>(threads) + 1) {
        double sum = 0;
        for (const auto& c : o.classes)
            sum += c.weight;
        double running = 0;
        for (const auto& c : o.classes)
            cumulative.push_back((running += c.weight) / sum);
        if (o.sweep)
            for (const auto& c : o.classes)
                for (const auto& address : c.addresses)
                    sweep_list.push_back(&address);
    }

    /// The next address of a sweep; nullptr when all have been sent.
    const std::string* take_sweep() {
        const auto i = sweep_next.fetch_add(1, std::memory_order_relaxed);
        return i < sweep_list.size() ? sweep_list[i] : nullptr;
    }

    /// Takes one request from the --requests budget; always true without one.
    bool take_request() {
        if (options.max_requests == 0)
            return true;
        return budget.fetch_add(1, std::memory_order_relaxed) < options.max_requests;
    }
};

struct Connection {
    int fd = -1;
    bool waiting = false;       // a request is out, its answer not complete
    bool retried = false;       // the request out now is already a second attempt
    Clock::time_point sent_at{};
    std::string request;        // reused buffer
    std::string answer;         // bytes of the current answer so far
};

class Worker {
public:
    Worker(Shared& shared, unsigned index, unsigned connections)
        : shared_(shared), index_(index), random_(0x9E3779B97F4A7C15ULL * (index + 1)),
          connections_(connections) {}

    /// Connects before the clock starts, so that setup is not measured.
    bool connect_all() {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        for (auto& connection : connections_)
            if (!open(connection))
                return false;
        return true;
    }

    void run() {
        shared_.ready.arrive_and_wait();
        last_completion_ = shared_.start;
        for (auto& connection : connections_)
            send_next(connection);
        loop();
        for (const auto& connection : connections_)
            counters_.in_flight_at_end += connection.waiting ? 1 : 0;
    }

    const Histogram& histogram() const { return histogram_; }
    const Counters& counters() const { return counters_; }
    Clock::time_point last_completion() const { return last_completion_; }

private:
    bool open(Connection& connection) {
        connection.fd = mailng::bench::connect_to(shared_.options.peer, shared_.options.source);
        if (connection.fd < 0) {
            note_error("connect " + shared_.options.peer_text + ": " + errno_text());
            return false;
        }
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = &connection;
        epoll_ctl(epoll_, EPOLL_CTL_ADD, connection.fd, &event);
        connection.waiting = false;
        connection.answer.clear();
        return true;
    }

    void note_error(const std::string& what) {
        ++counters_.errors;
        if (counters_.first_error.empty())
            counters_.first_error = what;
    }

    // An error costs the connection, as it would cost smtpd its policy client: close it
    // and open a new one, unless the run is over.
    void fail(Connection& connection, const std::string& what) {
        note_error(what);
        close(connection.fd);
        connection.fd = -1;
        connection.waiting = false;
        if (Clock::now() < shared_.deadline && open(connection))
            send_next(connection);
    }

    const std::string& pick_class_address(const RecipientClass& c) {
        return c.addresses[random_.next() % c.addresses.size()];
    }

    void append_recipient(std::string& out) {
        const double u = random_.unit();
        std::size_t i = 0;
        while (i + 1 < shared_.cumulative.size() && u >= shared_.cumulative[i])
            ++i;
        const RecipientClass& c = shared_.options.classes[i];
        if (c.seq_domain.empty()) {
            out += pick_class_address(c);
            return;
        }
        // Distinct across threads: the thread index is part of the local part.
        out += c.seq_local;
        out += std::to_string(index_);
        out += 'x';
        out += std::to_string(sequence_++);
        out += '@';
        out += c.seq_domain;
    }

    void send_next(Connection& connection) {
        if (Clock::now() >= shared_.deadline || !shared_.take_request())
            return;
        const std::string* swept = nullptr;
        if (shared_.options.sweep && !(swept = shared_.take_sweep()))
            return;
        auto& out = connection.request;
        out.assign(shared_.shape.prefix);
        swept ? void(out += *swept) : append_recipient(out);
        out += shared_.shape.suffix;
        connection.sent_at = Clock::now();
        connection.waiting = true;
        connection.retried = false;
        // The socket is empty in both directions (we waited for the last answer), so
        // a request of a few hundred bytes always goes out whole.
        const ssize_t sent = write(connection.fd, out.data(), out.size());
        if (sent != static_cast<ssize_t>(out.size()))
            fail(connection, "write: " + (sent < 0 ? errno_text() : std::string("short write")));
    }

    void loop() {
        std::array<epoll_event, 256> events{};
        auto next_timeout_check = Clock::now() + std::chrono::milliseconds(100);
        while (true) {
            const auto now = Clock::now();
            if (now >= shared_.deadline || idle())
                return;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                shared_.deadline - now);
            const int wait_ms = static_cast<int>(std::min<std::int64_t>(left.count() + 1, 100));
            const int ready = epoll_wait(epoll_, events.data(), events.size(), wait_ms);
            for (int i = 0; i < ready; ++i)
                on_readable(*static_cast<Connection*>(events[static_cast<std::size_t>(i)].data.ptr));
            if (Clock::now() >= next_timeout_check) {
                check_timeouts();
                next_timeout_check = Clock::now() + std::chrono::milliseconds(100);
            }
        }
    }

    // With --requests, a thread is done when its share of the budget is answered.
    bool idle() const {
        return std::none_of(connections_.begin(), connections_.end(),
                            [](const Connection& c) { return c.waiting; });
    }

    // smtpd's policy client (attr_clnt) sends a request a second time on a new
    // connection when the first attempt fails: servers that close a connection after
    // so many requests (postfwd2's children) or when idle cost a reconnect, not an error.
    bool may_retry(const Connection& connection) const {
        return connection.waiting && !connection.retried && connection.answer.empty();
    }

    void retry(Connection& connection) {
        ++counters_.retries;
        epoll_ctl(epoll_, EPOLL_CTL_DEL, connection.fd, nullptr);
        close(connection.fd);
        const auto sent_at = connection.sent_at; // the answer's latency includes the retry
        if (!open(connection)) {
            connection.waiting = false;
            return;
        }
        connection.retried = true;
        connection.waiting = true;
        connection.sent_at = sent_at;
        const auto& out = connection.request;
        const ssize_t sent = write(connection.fd, out.data(), out.size());
        if (sent != static_cast<ssize_t>(out.size()))
            fail(connection, "write after reconnect: " + (sent < 0 ? errno_text() : "short write"));
    }

    void check_timeouts() {
        const auto now = Clock::now();
        for (auto& connection : connections_)
            if (connection.waiting && now - connection.sent_at > shared_.options.timeout) {
                ++counters_.timeouts;
                fail(connection, "no answer within --timeout-ms");
            }
    }

    void on_readable(Connection& connection) {
        if (connection.fd < 0)
            return;
        char buffer[4096];
        const ssize_t got = read(connection.fd, buffer, sizeof buffer);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (got <= 0) {
            const std::string why = got == 0 ? "server closed the connection" : "read: " + errno_text();
            return may_retry(connection) ? retry(connection) : fail(connection, why);
        }
        if (!connection.waiting)
            return fail(connection, "bytes without a request");
        const std::size_t scan_from = connection.answer.empty() ? 0 : connection.answer.size() - 1;
        connection.answer.append(buffer, static_cast<std::size_t>(got));
        const auto end = connection.answer.find("\n\n", scan_from);
        if (end == std::string::npos)
            return;
        if (end + 2 != connection.answer.size())
            return fail(connection, "bytes after the answer");
        complete(connection);
    }

    void complete(Connection& connection) {
        const auto now = Clock::now();
        const auto kind = classify(connection.answer);
        connection.waiting = false;
        if (!kind)
            return fail(connection, "answer without action=");
        if (now < shared_.deadline) {
            const auto micros =
                std::chrono::duration_cast<std::chrono::microseconds>(now - connection.sent_at);
            histogram_.record(static_cast<std::uint64_t>(micros.count()));
            ++counters_.answers[static_cast<std::size_t>(*kind)];
            last_completion_ = now;
        }
        connection.answer.clear();
        send_next(connection);
    }

    Shared& shared_;
    unsigned index_;
    Random random_;
    std::vector<Connection> connections_;
    int epoll_ = -1;
    std::uint64_t sequence_ = 0;
    Histogram histogram_;
    Counters counters_;
    Clock::time_point last_completion_{};
};

// ---------------------------------------------------------------------------------
// Report

struct Memory {
    long rss_kb = -1;
    long hwm_kb = -1;
};

Memory read_memory(int pid) {
    Memory memory;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:"))
            memory.rss_kb = std::strtol(line.c_str() + 6, nullptr, 10);
        else if (line.starts_with("VmHWM:"))
            memory.hwm_kb = std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return memory;
}

void report(const Options& options, const Histogram& h, const Counters& c, double seconds) {
    const double rps = seconds > 0 ? static_cast<double>(h.total()) / seconds : 0;
    std::ostringstream kv;
    kv << std::fixed << std::setprecision(3);
    std::cout << "policy-load " << (options.label.empty() ? "" : options.label + " ") << "-> "
              << options.peer_text << ": " << options.connections << " connections, "
              << options.threads << " threads, " << std::fixed << std::setprecision(2)
              << seconds << " s\n"
              << "  answered   " << h.total() << " (" << std::setprecision(0) << rps
              << " req/s); errors " << c.errors << " (timeouts " << c.timeouts
              << "), retried on a new connection " << c.retries << "; in flight at the end "
              << c.in_flight_at_end << "\n"
              << "  answers    dunno " << c.answers[0] << ", reject " << c.answers[1]
              << ", defer " << c.answers[2] << ", other " << c.answers[3] << "\n"
              << "  latency us p50 " << h.percentile(0.50) << ", p90 " << h.percentile(0.90)
              << ", p99 " << h.percentile(0.99) << ", p99.9 " << h.percentile(0.999) << ", max "
              << h.max() << "\n";
    if (!c.first_error.empty())
        std::cout << "  first error: " << c.first_error << "\n";
    kv << "RESULT requests=" << h.total() << " seconds=" << seconds << " rps=" << std::setprecision(0)
       << rps << " p50_us=" << h.percentile(0.50) << " p90_us=" << h.percentile(0.90)
       << " p99_us=" << h.percentile(0.99) << " p999_us=" << h.percentile(0.999)
       << " max_us=" << h.max() << " errors=" << c.errors << " timeouts=" << c.timeouts << " retries=" << c.retries
       << " dunno=" << c.answers[0] << " reject=" << c.answers[1] << " defer=" << c.answers[2]
       << " other=" << c.answers[3];
    std::string rss, hwm;
    for (const int pid : options.server_pids) {
        const Memory m = read_memory(pid);
        std::cout << "  server pid " << pid << ": VmRSS " << m.rss_kb << " kB, VmHWM " << m.hwm_kb
                  << " kB\n";
        rss += (rss.empty() ? "" : ",") + std::to_string(m.rss_kb);
        hwm += (hwm.empty() ? "" : ",") + std::to_string(m.hwm_kb);
    }
    if (!rss.empty())
        kv << " rss_kb=" << rss << " hwm_kb=" << hwm;
    std::cout << kv.str() << std::endl;
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    const RequestShape shape = shape_request(options);
    Shared shared(options, shape, options.threads);

    std::vector<std::unique_ptr<Worker>> workers;
    for (unsigned t = 0; t < options.threads; ++t) {
        // Connections spread evenly; the first threads take the remainder.
        const unsigned share = options.connections / options.threads +
                               (t < options.connections % options.threads ? 1 : 0);
        workers.push_back(std::make_unique<Worker>(shared, t, share));
        if (!workers.back()->connect_all()) {
            std::cerr << "policy-load: " << workers.back()->counters().first_error << "\n";
            return 1;
        }
    }
    shared.start = Clock::now();
    shared.deadline = shared.start + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(options.duration_s));
    std::vector<std::thread> threads;
    for (auto& worker : workers)
        threads.emplace_back([&worker] { worker->run(); });
    shared.ready.arrive_and_wait();
    for (auto& thread : threads)
        thread.join();

    Histogram histogram;
    Counters counters;
    auto end = shared.start;
    for (const auto& worker : workers) {
        histogram.merge(worker->histogram());
        counters.merge(worker->counters());
        end = std::max(end, worker->last_completion());
    }
    // A run that ended by the budget lasted until its last answer, not the deadline.
    const bool by_budget = (options.max_requests > 0 || options.sweep) && counters.in_flight_at_end == 0 &&
                           Clock::now() < shared.deadline;
    const auto finished = by_budget ? end : shared.deadline;
    report(options, histogram, counters,
           std::chrono::duration<double>(finished - shared.start).count());
    return histogram.total() == 0 ? 1 : 0;
}
