#include "tools/coffer-load/send_schedule.h"

#include <cmath>

namespace coffer::tools::load {

using Nanos = std::chrono::nanoseconds;

SendSchedule::SendSchedule(double rate, unsigned connections, unsigned index,
                           Clock::time_point start)
    : interval_ns_(1e9 * connections / rate) {
  first_ = start + std::chrono::duration_cast<Clock::duration>(
                       Nanos(std::llround(interval_ns_ * index / connections)));
}

SendSchedule::Clock::time_point SendSchedule::at(std::uint64_t n) const {
  // A double holds a day of nanoseconds (< 2^47) exactly enough.
  return first_ + std::chrono::duration_cast<Clock::duration>(
                      Nanos(std::llround(interval_ns_ * static_cast<double>(n))));
}

std::uint64_t SendSchedule::due_by(Clock::time_point t) const {
  if (t < first_) return 0;
  const double elapsed = static_cast<double>(Nanos(t - first_).count());
  auto n = static_cast<std::uint64_t>(elapsed / interval_ns_) + 1;
  // Rounding in the division may be one off either way; at() decides.
  while (n > 0 && at(n - 1) > t) --n;
  while (at(n) <= t) ++n;
  return n;
}

}  // namespace coffer::tools::load
