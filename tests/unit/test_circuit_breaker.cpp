// The circuit breaker's states: closed, open for open_for, one half-open trial.
#include <gtest/gtest.h>

#include "circuit_breaker.h"

namespace mailng::policyd {
namespace {

using std::chrono::seconds;
using State = CircuitBreaker::State;

TEST(CircuitBreaker, OpensAfterConsecutiveFailures) {
    CircuitBreaker breaker(3, seconds(30));
    const auto t0 = CircuitBreaker::Clock::now();
    breaker.record_failure(t0);
    breaker.record_failure(t0);
    EXPECT_TRUE(breaker.allow(t0));
    breaker.record_failure(t0);
    EXPECT_EQ(breaker.state(), State::open);
    EXPECT_FALSE(breaker.allow(t0 + seconds(29)));
}

TEST(CircuitBreaker, SuccessResetsTheCount) {
    CircuitBreaker breaker(2, seconds(30));
    const auto t0 = CircuitBreaker::Clock::now();
    breaker.record_failure(t0);
    breaker.record_success();
    breaker.record_failure(t0);
    EXPECT_EQ(breaker.state(), State::closed);
}

TEST(CircuitBreaker, HalfOpenAdmitsOneTrial) {
    CircuitBreaker breaker(1, seconds(30));
    const auto t0 = CircuitBreaker::Clock::now();
    breaker.record_failure(t0);
    EXPECT_TRUE(breaker.allow(t0 + seconds(30)));
    EXPECT_EQ(breaker.state(), State::half_open);
    EXPECT_FALSE(breaker.allow(t0 + seconds(31))) << "only one trial at a time";
    breaker.record_success();
    EXPECT_EQ(breaker.state(), State::closed);
    EXPECT_TRUE(breaker.allow(t0 + seconds(31)));
}

TEST(CircuitBreaker, FailedTrialReopensForTheWholeInterval) {
    CircuitBreaker breaker(5, seconds(30));
    const auto t0 = CircuitBreaker::Clock::now();
    for (int i = 0; i < 5; ++i) {
        breaker.record_failure(t0);
    }
    ASSERT_TRUE(breaker.allow(t0 + seconds(30)));
    breaker.record_failure(t0 + seconds(31));
    EXPECT_EQ(breaker.state(), State::open);
    EXPECT_FALSE(breaker.allow(t0 + seconds(60)));
    EXPECT_TRUE(breaker.allow(t0 + seconds(61)));
}

TEST(CircuitBreaker, LateFailuresDoNotExtendTheOpenInterval) {
    CircuitBreaker breaker(1, seconds(30));
    const auto t0 = CircuitBreaker::Clock::now();
    breaker.record_failure(t0);
    breaker.record_failure(t0 + seconds(20));
    EXPECT_TRUE(breaker.allow(t0 + seconds(30)));
}

TEST(CircuitBreaker, ALostTrialIsReplacedAfterTheInterval) {
    CircuitBreaker breaker(1, seconds(30));
    const auto t0 = CircuitBreaker::Clock::now();
    breaker.record_failure(t0);
    ASSERT_TRUE(breaker.allow(t0 + seconds(30)));
    EXPECT_FALSE(breaker.allow(t0 + seconds(59)));
    EXPECT_TRUE(breaker.allow(t0 + seconds(60)));
}

} // namespace
} // namespace mailng::policyd
