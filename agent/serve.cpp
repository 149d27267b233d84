#include "serve.h"

#include <fcntl.h>
#include <poll.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "host_status.h"
#include "metrics_store.h"

namespace mailng::agent {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kSampleToolTimeout{10'000};

// The signal handler's only channel: a flag and a self-pipe that wakes poll().
volatile std::sig_atomic_t g_stop_requested = 0;
int g_wake_fd = -1;

extern "C" void on_stop_signal(int) {
    g_stop_requested = 1;
    int saved = errno;
    if (g_wake_fd >= 0) {
        ssize_t ignored = ::write(g_wake_fd, "x", 1); // full pipe: already woken
        (void)ignored;
    }
    errno = saved;
}

/// Syslog (facility mail, like Postfix) or stderr in the foreground.
class Log {
public:
    explicit Log(bool foreground) : foreground_(foreground) {
        if (!foreground_)
            ::openlog("mailng-agent", LOG_PID, LOG_MAIL);
    }

    void write(int priority, const std::string& line) const {
        if (foreground_)
            std::cerr << "mailng-agent: " << line << std::endl;
        else
            ::syslog(priority, "%s", line.c_str());
    }

private:
    bool foreground_;
};

/// SIGTERM/SIGINT handlers for the lifetime of the object, the previous ones restored.
class StopSignals {
public:
    bool install() {
        if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0)
            return false;
        g_stop_requested = 0;
        g_wake_fd = fds_[1];
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGTERM, &action, &previous_term_);
        ::sigaction(SIGINT, &action, &previous_int_);
        installed_ = true;
        return true;
    }

    ~StopSignals() {
        if (installed_) {
            ::sigaction(SIGTERM, &previous_term_, nullptr);
            ::sigaction(SIGINT, &previous_int_, nullptr);
            g_wake_fd = -1;
        }
        for (int fd : fds_)
            if (fd >= 0)
                ::close(fd);
    }

    /// Sleeps until `deadline` or a stop signal; true when stopping.
    bool wait_until(Clock::time_point deadline) const {
        while (!g_stop_requested) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0)
                break;
            pollfd wake{fds_[0], POLLIN, 0};
            ::poll(&wake, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
        }
        return g_stop_requested != 0;
    }

private:
    int fds_[2] = {-1, -1};
    bool installed_ = false;
    struct sigaction previous_term_ {};
    struct sigaction previous_int_ {};
};

/// Takes one sample per tick; keeps the store open between ticks.
class Sampler {
public:
    Sampler(const AgentConfig& config, const Log& log) : config_(config), log_(log) {
        config_.command_timeout = std::min(config_.command_timeout, kSampleToolTimeout);
    }

    void tick(std::int64_t now) {
        nlohmann::json status = collect_host_status(config_, now);
        report_changes(status["unavailable"]);
        if (!open_store())
            return;
        if (auto failed = store(to_metrics_sample(status), now)) {
            log_.write(LOG_ERR, "metrics sample not recorded: " + *failed);
            store_.reset(); // reopened next time: the file may have been replaced
        }
    }

private:
    bool open_store() {
        if (store_)
            return true;
        auto opened =
            MetricsStore::open(config_.metrics_db(), MetricsStore::Mode::create, config_.metrics);
        if (!opened) {
            log_.write(LOG_ERR, "metrics sample not recorded: " + opened.error().message);
            return false;
        }
        store_ = std::move(*opened);
        return true;
    }

    /// Records the sample and prunes; the error, if any.
    std::optional<std::string> store(const MetricsSample& sample, std::int64_t now) {
        auto recorded = store_->record(sample);
        if (!recorded)
            return recorded.error();
        auto pruned = store_->prune(now);
        if (!pruned)
            return pruned.error();
        return std::nullopt;
    }

    /// Logs each part of host.status whose availability changed since the last tick.
    void report_changes(const nlohmann::json& unavailable) {
        for (const auto& [part, why] : unavailable.items())
            if (!unavailable_.contains(part) || unavailable_[part] != why)
                log_.write(LOG_WARNING,
                           "host status: " + part + " unavailable: " + why.get<std::string>());
        for (const auto& [part, why] : unavailable_.items())
            if (!unavailable.contains(part))
                log_.write(LOG_INFO, "host status: " + part + " available again");
        unavailable_ = unavailable;
    }

    AgentConfig config_;
    const Log& log_;
    std::unique_ptr<MetricsStore> store_;
    nlohmann::json unavailable_ = nlohmann::json::object();
};

std::int64_t epoch_now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

/// The tick after `previous` that is still ahead; ticks missed by a slow sample are
/// skipped rather than run back to back.
Clock::time_point next_tick(Clock::time_point previous, Clock::duration interval) {
    auto next = previous + interval;
    auto now = Clock::now();
    while (next <= now)
        next += interval;
    return next;
}

void sample_once(Sampler& sampler, const Log& log) {
    try {
        sampler.tick(epoch_now());
    } catch (const std::exception& error) {
        log.write(LOG_ERR, std::string("metrics sample failed: ") + error.what());
    }
}

int serve_loop(const AgentConfig& config, const Log& log) {
    StopSignals signals;
    if (!signals.install()) {
        log.write(LOG_ERR, std::string("serve: cannot create a pipe: ") + std::strerror(errno));
        return 1;
    }
    auto interval = std::max<Clock::duration>(config.metrics.interval, std::chrono::seconds(1));
    log.write(LOG_INFO,
              "serve: sampling every " +
                  std::to_string(std::chrono::ceil<std::chrono::seconds>(interval).count()) +
                  " s into " + config.metrics_db());
    Sampler sampler(config, log);
    auto tick = Clock::now();
    do {
        sample_once(sampler, log);
        tick = next_tick(tick, interval);
    } while (!signals.wait_until(tick));
    log.write(LOG_INFO, "serve: stopped");
    return 0;
}

} // namespace

int run_serve(const AgentConfig& config, bool foreground) {
    Log log(foreground);
    try {
        return serve_loop(config, log);
    } catch (const std::exception& error) {
        log.write(LOG_ERR, std::string("serve: ") + error.what());
        return 1;
    }
}

} // namespace mailng::agent
