// A latency distribution over fixed buckets. observe() is the hot path: a binary search
// over the bounds and two relaxed atomic adds, no locks and no allocation.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "server/metrics/family.h"

namespace coffer::server::metrics {

// Upper bounds in seconds for latencies between 10 µs and 10 s, 1-2.5-5 per decade (19
// bounds; +Inf is implicit).
std::vector<double> latency_buckets();

// Throws Error(kValidation) unless the bounds are finite and strictly increasing.
void check_bucket_bounds(std::span<const double> bounds);

class Histogram {
 public:
  // `bounds` (checked by the caller) must outlive the histogram; families own them.
  explicit Histogram(std::span<const double> bounds);

  void observe(double seconds) noexcept {
    if (std::isnan(seconds)) return;  // would poison _sum for good
    // Bucket i counts observations <= bounds[i]; the last slot is +Inf.
    const auto slot = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
    counts_[static_cast<std::size_t>(slot)].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(seconds, std::memory_order_relaxed);
  }

  template <class Rep, class Period>
  void observe(std::chrono::duration<Rep, Period> elapsed) noexcept {
    observe(std::chrono::duration<double>(elapsed).count());
  }

  // What a scrape renders. `cumulative` has one entry per bound plus +Inf, and count equals
  // its last entry; sum may lag or lead by observations in flight.
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

  std::span<const double> bounds() const noexcept { return bounds_; }

 private:
  std::span<const double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0.0};
};

class HistogramFamily final : public Family<Histogram> {
 public:
  // Throws Error(kValidation) unless the bounds pass check_bucket_bounds.
  HistogramFamily(std::string name, std::string help, std::vector<double> bounds);

  std::span<const double> bounds() const noexcept { return bounds_; }

 private:
  std::unique_ptr<Histogram> make_series() const override {
    return std::make_unique<Histogram>(bounds_);
  }

  const std::vector<double> bounds_;  // shared by every series
};

}  // namespace coffer::server::metrics
