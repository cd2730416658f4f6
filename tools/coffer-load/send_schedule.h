// Open-loop (--rate) send times of one connection. Each of the run's connections sends
// rate / connections requests per second at evenly spaced times, and the connections are
// staggered by a fraction of that interval, so that together they send evenly too rather
// than all at once. A send's time is computed from its index, never by adding intervals
// up, so the schedule does not drift over a long run.
#pragma once

#include <chrono>
#include <cstdint>

namespace coffer::tools::load {

class SendSchedule {
 public:
  using Clock = std::chrono::steady_clock;

  // Connection `index` of `connections` (0-based), `rate` requests per second above 0 for
  // the whole run, the first send of connection 0 at `start`.
  SendSchedule(double rate, unsigned connections, unsigned index, Clock::time_point start);

  // When send `n` (0-based) is due.
  Clock::time_point at(std::uint64_t n) const;
  // The sends due at or before `t`, i.e. the index of the first one due after it.
  std::uint64_t due_by(Clock::time_point t) const;

 private:
  Clock::time_point first_;  // start plus this connection's stagger
  double interval_ns_;       // between two sends of this connection
};

}  // namespace coffer::tools::load
