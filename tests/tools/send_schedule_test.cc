// coffer-load's open-loop send times: the rate holds, connections interleave evenly, the
// schedule does not drift, and due_by agrees with at.
#include "tools/coffer-load/send_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <vector>

namespace coffer::tools::load {
namespace {

using Clock = SendSchedule::Clock;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

const Clock::time_point kStart{seconds(1000)};

long long ns_after_start(Clock::time_point t) { return nanoseconds(t - kStart).count(); }

TEST(SendSchedule, OneConnectionSendsAtTheRate) {
  const SendSchedule s(1000, 1, 0, kStart);
  EXPECT_EQ(s.at(0), kStart);
  EXPECT_EQ(s.at(1), kStart + milliseconds(1));
  EXPECT_EQ(s.at(1000), kStart + seconds(1));
  EXPECT_EQ(s.due_by(kStart - nanoseconds(1)), 0u);
  EXPECT_EQ(s.due_by(kStart), 1u);
  EXPECT_EQ(s.due_by(kStart + milliseconds(1) - nanoseconds(1)), 1u);
  EXPECT_EQ(s.due_by(kStart + milliseconds(1)), 2u);
}

TEST(SendSchedule, ConnectionsInterleaveEvenly) {
  // 4 connections at 1000/s each: together one send every 250 µs, not four at once.
  std::vector<long long> times;
  for (unsigned c = 0; c < 4; ++c) {
    const SendSchedule s(4000, 4, c, kStart);
    for (std::uint64_t n = 0; n < 1000; ++n) times.push_back(ns_after_start(s.at(n)));
  }
  std::sort(times.begin(), times.end());
  for (std::size_t i = 0; i < times.size(); ++i)
    ASSERT_EQ(times[i], static_cast<long long>(i) * 250'000) << i;
}

TEST(SendSchedule, RateHoldsWhenItDoesNotDivideEvenly) {
  // 7 connections sharing 1000/s for 10 s: 10,000 sends, give or take one per connection.
  std::uint64_t sends = 0;
  for (unsigned c = 0; c < 7; ++c)
    sends += SendSchedule(1000, 7, c, kStart).due_by(kStart + seconds(10) - nanoseconds(1));
  EXPECT_GE(sends, 10'000u - 7);
  EXPECT_LE(sends, 10'000u + 7);
}

TEST(SendSchedule, NoDriftOverADay) {
  // A third of a second apart: adding rounded intervals up would be off by a day's rounding.
  const SendSchedule s(3, 1, 0, kStart);
  EXPECT_LE(std::abs(ns_after_start(s.at(3 * 86'400)) - 86'400'000'000'000LL), 1);
}

TEST(SendSchedule, DueByAgreesWithAt) {
  std::mt19937_64 rng(5);
  for (const double rate : {1.0, 333.0, 12'345.0, 1'000'000.0}) {
    const SendSchedule s(rate, 3, 2, kStart);
    for (int i = 0; i < 10'000; ++i) {
      const auto t = kStart + nanoseconds(rng() % 60'000'000'000ull);
      const std::uint64_t due = s.due_by(t);
      ASSERT_GT(s.at(due), t) << rate;
      if (due > 0) {
        ASSERT_LE(s.at(due - 1), t) << rate;
      }
    }
  }
}

}  // namespace
}  // namespace coffer::tools::load
