#include "circuit_breaker.h"

#include <algorithm>

namespace mailng::policyd {

CircuitBreaker::CircuitBreaker(unsigned failures_to_open, Clock::duration open_for)
    : failures_to_open_(std::max(1u, failures_to_open)), open_for_(open_for) {}

bool CircuitBreaker::allow(Clock::time_point now) {
    const std::scoped_lock lock(mutex_);
    switch (state_) {
    case State::closed:
        return true;
    case State::open:
        if (now - opened_at_ < open_for_) {
            return false;
        }
        state_ = State::half_open;
        trial_started_ = now;
        return true;
    case State::half_open:
        // A lost trial must not keep the bridge out forever.
        if (now - trial_started_ < open_for_) {
            return false;
        }
        trial_started_ = now;
        return true;
    }
    return false;
}

void CircuitBreaker::record_success() {
    const std::scoped_lock lock(mutex_);
    state_ = State::closed;
    failures_ = 0;
}

void CircuitBreaker::record_failure(Clock::time_point now) {
    const std::scoped_lock lock(mutex_);
    ++failures_;
    // Late failures of requests sent before the breaker opened do not extend it.
    if (state_ == State::open) {
        return;
    }
    if (state_ == State::half_open || failures_ >= failures_to_open_) {
        state_ = State::open;
        opened_at_ = now;
    }
}

void CircuitBreaker::set_limits(unsigned failures_to_open, Clock::duration open_for) {
    const std::scoped_lock lock(mutex_);
    failures_to_open_ = std::max(1u, failures_to_open);
    open_for_ = open_for;
}

CircuitBreaker::State CircuitBreaker::state() const {
    const std::scoped_lock lock(mutex_);
    return state_;
}

unsigned CircuitBreaker::consecutive_failures() const {
    const std::scoped_lock lock(mutex_);
    return failures_;
}

} // namespace mailng::policyd
