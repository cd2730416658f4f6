#include "tools/coffer-load/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace coffer::tools::load {
namespace {

// 2^kSubBits values per power of two: buckets are at most 1/512 of their value wide.
constexpr int kSubBits = 10;
constexpr std::uint64_t kHalf = 1ull << (kSubBits - 1);
// Latencies are clamped at 2^44 ns (about 4.9 hours).
constexpr int kMaxBits = 44;
constexpr std::size_t kBuckets = (kMaxBits - kSubBits + 1) * kHalf + (1ull << kSubBits);

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0) {}

std::size_t LatencyHistogram::bucket_of(std::uint64_t ns) {
  ns = std::min<std::uint64_t>(ns, (1ull << kMaxBits) - 1);
  if (ns < (1ull << kSubBits)) return static_cast<std::size_t>(ns);
  const int shift = std::bit_width(ns) - kSubBits;  // >= 1
  // ns >> shift lies in [kHalf, 2 * kHalf): each power of two adds kHalf buckets.
  return static_cast<std::size_t>(shift * kHalf + (ns >> shift));
}

std::uint64_t LatencyHistogram::lowest_in(std::size_t bucket) {
  if (bucket < (1ull << kSubBits)) return bucket;
  const std::uint64_t shift = (bucket - kHalf) / kHalf;  // inverse of bucket_of
  return (bucket - shift * kHalf) << shift;
}

std::uint64_t LatencyHistogram::highest_in(std::size_t bucket) {
  if (bucket < (1ull << kSubBits)) return bucket;
  const std::uint64_t shift = (bucket - kHalf) / kHalf;
  return lowest_in(bucket) + (1ull << shift) - 1;
}

void LatencyHistogram::record(std::chrono::nanoseconds latency) {
  const std::uint64_t ns = latency.count() > 0 ? static_cast<std::uint64_t>(latency.count()) : 0;
  ++counts_[bucket_of(ns)];
  ++count_;
  sum_ += ns;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::chrono::nanoseconds LatencyHistogram::percentile(double quantile) const {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(quantile * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    // The bucket's top: a percentile is never reported lower than it was.
    if (seen >= rank) return std::chrono::nanoseconds(std::clamp(highest_in(i), min_, max_));
  }
  return std::chrono::nanoseconds(max_);
}

std::chrono::nanoseconds LatencyHistogram::mean() const noexcept {
  return std::chrono::nanoseconds(count_ ? sum_ / count_ : 0);
}

}  // namespace coffer::tools::load
