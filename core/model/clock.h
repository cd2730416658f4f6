// Time as the service sees it. Rotation and deletion deadlines read this clock, so tests
// can move time forward by years without waiting.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace coffer::core {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t to_millis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp from_millis(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }
inline constexpr std::chrono::milliseconds days(std::int64_t n) {
  return std::chrono::hours(24 * n);
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_ms_(to_millis(start)) {}
  Timestamp now() const override { return from_millis(now_ms_.load()); }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }
  void set(Timestamp t) { now_ms_ = to_millis(t); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace coffer::core
