// A circuit breaker for one bridge, so that a dead bridge costs one connection attempt
// per open interval instead of one per RCPT.
//
//   closed    --(failures_to_open consecutive failures)-->  open
//   open      --(open_for elapsed, next allow())-->          half-open, one trial admitted
//   half-open --(trial succeeds)-->                          closed
//   half-open --(trial fails)-->                             open again for open_for
//
// A half-open trial that never reports (it should always report) is given up after
// open_for, and another trial is admitted. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace mailng::policyd {

class CircuitBreaker {
public:
    using Clock = std::chrono::steady_clock;
    enum class State { closed, open, half_open };

    CircuitBreaker(unsigned failures_to_open, Clock::duration open_for);

    /// Whether a request may go to this bridge now. In the open state after open_for,
    /// the first caller is admitted as the trial (and the breaker turns half-open);
    /// later callers are refused until the trial reports.
    bool allow(Clock::time_point now = Clock::now());

    /// The bridge answered: closes the breaker and resets the failure count.
    void record_success();

    /// The bridge failed (refused, reset, timed out, malformed reply): counts towards
    /// opening; a failed trial reopens at once.
    void record_failure(Clock::time_point now = Clock::now());

    /// New limits from a reloaded config; the current state and count are kept.
    void set_limits(unsigned failures_to_open, Clock::duration open_for);

    State state() const;
    unsigned consecutive_failures() const;

private:
    mutable std::mutex mutex_;
    unsigned failures_to_open_;
    Clock::duration open_for_;
    State state_ = State::closed;
    unsigned failures_ = 0;
    Clock::time_point opened_at_{};
    Clock::time_point trial_started_{};
};

} // namespace mailng::policyd
