#include "server/metrics/histogram.h"

#include <string>
#include <utility>

#include "common/error.h"

namespace coffer::server::metrics {
namespace {

std::vector<double> checked(std::vector<double> bounds) {
  check_bucket_bounds(bounds);
  return bounds;
}

}  // namespace

std::vector<double> latency_buckets() {
  return {10e-6, 25e-6, 50e-6,  100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3,
          25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1.0,    2.5,  5.0,    10.0};
}

void check_bucket_bounds(std::span<const double> bounds) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      throw Error(ErrorCode::kValidation, "histogram bounds must be finite (+Inf is implicit)");
    }
    if (i > 0 && !(bounds[i - 1] < bounds[i])) {
      throw Error(ErrorCode::kValidation, "histogram bounds must be strictly increasing");
    }
  }
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.reserve(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    s.count += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(s.count);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<double> bounds)
    : Family(std::move(name), std::move(help), "le"), bounds_(checked(std::move(bounds))) {}

}  // namespace coffer::server::metrics
