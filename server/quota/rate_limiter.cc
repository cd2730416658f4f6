#include "server/quota/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace coffer::server::quota {

RateLimiter::RateLimiter(double rate_per_second, double burst) {
  if (!(rate_per_second > 0)) return;
  rate_ = rate_per_second;
  burst_ = std::max(1.0, std::floor(burst));
  interval_ns_ = std::max<std::int64_t>(1, std::llround(1e9 / rate_per_second));
  tolerance_ns_ = static_cast<std::int64_t>((burst_ - 1) * static_cast<double>(interval_ns_));
}

bool RateLimiter::try_acquire(std::int64_t now_ns) noexcept {
  if (interval_ns_ == 0) return true;
  std::int64_t tat = tat_ns_.load(std::memory_order_relaxed);
  for (;;) {
    const std::int64_t start = std::max(tat, now_ns);
    if (start - now_ns > tolerance_ns_) return false;
    if (tat_ns_.compare_exchange_weak(tat, start + interval_ns_, std::memory_order_relaxed))
      return true;
  }
}

bool RateLimiter::idle(std::int64_t now_ns) const noexcept {
  return tat_ns_.load(std::memory_order_relaxed) <= now_ns;
}

}  // namespace coffer::server::quota
