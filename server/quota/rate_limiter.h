// One request rate: a token bucket holding `burst` tokens, refilled at `rate` per second,
// kept as a single number (GCRA, the generic cell rate algorithm): the time at which the
// bucket would next be full, advanced by 1/rate for each request let through. One atomic
// compare-and-swap per request, no lock, no background refill.
#pragma once

#include <atomic>
#include <cstdint>

namespace coffer::server::quota {

class RateLimiter {
 public:
  RateLimiter() = default;  // no limit
  // rate <= 0: no limit. burst < 1 is taken as 1.
  RateLimiter(double rate_per_second, double burst);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes a token at `now_ns` (any monotonic clock in nanoseconds); false when none is left.
  bool try_acquire(std::int64_t now_ns) noexcept;
  // True when the bucket is full at `now_ns`: nothing would change if it were recreated.
  bool idle(std::int64_t now_ns) const noexcept;

  bool limited() const noexcept { return interval_ns_ > 0; }
  double rate() const noexcept { return rate_; }
  double burst() const noexcept { return burst_; }

 private:
  double rate_ = 0, burst_ = 0;
  std::int64_t interval_ns_ = 0;   // 1 / rate
  std::int64_t tolerance_ns_ = 0;  // (burst - 1) / rate: how far ahead of now TAT may run
  // The theoretical arrival time: when the next request would be on schedule.
  std::atomic<std::int64_t> tat_ns_{INT64_MIN / 2};
};

}  // namespace coffer::server::quota
