// The hot path: bucket choice at the bounds, and exact totals under contention.
#include "server/metrics/histogram.h"

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "server/metrics/registry.h"

namespace coffer::server::metrics {
namespace {

TEST(Histogram, BoundsAreInclusive) {
  const std::vector<double> bounds = {0.001, 0.01};
  Histogram h(bounds);
  h.observe(-1.0);   // first bucket
  h.observe(0.001);  // le="0.001" includes the bound itself
  h.observe(0.0011);
  h.observe(0.01);
  h.observe(100.0);         // +Inf
  h.observe(std::nan(""));  // ignored
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 4, 5}));
  EXPECT_EQ(s.count, 5u);
  EXPECT_DOUBLE_EQ(s.sum, -1.0 + 0.001 + 0.0011 + 0.01 + 100.0);
}

TEST(Histogram, ObservesDurations) {
  const std::vector<double> bounds = latency_buckets();
  Histogram h(bounds);
  h.observe(std::chrono::microseconds(250));
  h.observe(std::chrono::milliseconds(2));
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_DOUBLE_EQ(s.sum, 0.00225);
  EXPECT_EQ(s.cumulative[4], 1u);  // le="0.00025"
  EXPECT_EQ(s.cumulative[7], 2u);  // le="0.0025"
}

TEST(Histogram, LatencyBucketsSpan10MicrosecondsTo10Seconds) {
  const std::vector<double> bounds = latency_buckets();
  EXPECT_LE(bounds.size(), 20u);
  EXPECT_DOUBLE_EQ(bounds.front(), 10e-6);
  EXPECT_DOUBLE_EQ(bounds.back(), 10.0);
  EXPECT_NO_THROW(check_bucket_bounds(bounds));
}

TEST(Histogram, ConcurrentObservationsSumExactly) {
  Registry registry;
  Histogram& h =
      registry.histogram("c_seconds", "C.", {0.25, 0.5, 1}).series({{"method", "Encrypt"}});
  constexpr int kThreads = 8;
  constexpr int kRounds = 50'000;
  // Multiples of 1/8 add exactly in a double, whatever the interleaving.
  const double values[] = {0.125, 0.25, 0.375, 0.5, 0.75, 2.0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        for (double v : values) h.observe(v);
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::uint64_t per_value = std::uint64_t{kThreads} * kRounds;
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2 * per_value, 4 * per_value, 5 * per_value,
                                                      6 * per_value}));
  EXPECT_EQ(s.count, 6 * per_value);
  EXPECT_EQ(s.sum, 4.0 * static_cast<double>(per_value));
}

}  // namespace
}  // namespace coffer::server::metrics
