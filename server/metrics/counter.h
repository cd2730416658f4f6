// A monotonic count, e.g. coffer_requests_total{method="Encrypt",code="OK"}. Incrementing
// is one relaxed atomic add: a scrape needs no ordering with other memory.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "server/metrics/family.h"

namespace coffer::server::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class CounterFamily final : public Family<Counter> {
 public:
  using Family::Family;

 private:
  std::unique_ptr<Counter> make_series() const override { return std::make_unique<Counter>(); }
};

}  // namespace coffer::server::metrics
