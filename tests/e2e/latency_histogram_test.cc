// coffer-load's latency histogram: bucket layout and percentiles against exact ones.
#include "tools/coffer-load/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace coffer::tools::load {
namespace {

TEST(LatencyHistogram, BucketsCoverEveryValueWithBoundedError) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t v = rng() >> (20 + rng() % 40);
    const auto b = LatencyHistogram::bucket_of(v);
    ASSERT_LE(LatencyHistogram::lowest_in(b), v);
    ASSERT_GE(LatencyHistogram::highest_in(b), v);
    const auto width = LatencyHistogram::highest_in(b) - LatencyHistogram::lowest_in(b) + 1;
    ASSERT_LE(static_cast<double>(width), std::max(1.0, static_cast<double>(v) / 500.0)) << v;
  }
  for (std::uint64_t v = 0; v < 5000; ++v) {  // and the buckets are contiguous
    ASSERT_LE(LatencyHistogram::bucket_of(v), LatencyHistogram::bucket_of(v + 1));
    ASSERT_LE(LatencyHistogram::bucket_of(v + 1) - LatencyHistogram::bucket_of(v), 1u);
  }
}

TEST(LatencyHistogram, PercentilesMatchSortedSamples) {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> latency_us(6.0, 0.8);  // around 400 µs, long tail
  std::vector<std::int64_t> samples;
  LatencyHistogram a, b;
  for (int i = 0; i < 200000; ++i) {
    const auto ns = static_cast<std::int64_t>(latency_us(rng) * 1000);
    samples.push_back(ns);
    (i % 2 ? a : b).record(std::chrono::nanoseconds(ns));
  }
  a.merge(b);
  std::sort(samples.begin(), samples.end());
  EXPECT_EQ(a.count(), samples.size());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto exact = samples[static_cast<std::size_t>(std::ceil(q * samples.size())) - 1];
    const auto got = a.percentile(q).count();
    EXPECT_GE(got, exact) << q;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * 1.002 + 1) << q;
  }
  EXPECT_EQ(a.max().count(), samples.back());
  EXPECT_EQ(a.min().count(), samples.front());
}

TEST(LatencyHistogram, EmptyAndSingle) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile(0.99).count(), 0);
  h.record(std::chrono::microseconds(1500));
  EXPECT_EQ(h.percentile(0.5), std::chrono::microseconds(1500));
  EXPECT_EQ(h.percentile(0.999), std::chrono::microseconds(1500));
  EXPECT_EQ(h.mean(), std::chrono::microseconds(1500));
}

}  // namespace
}  // namespace coffer::tools::load
