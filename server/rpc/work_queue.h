// A fixed pool of worker threads behind bounded queues, one per lane (server/net/work_job.h).
// Network threads hand token work here and go on. The queues are bounded by length and by
// time: a job that has waited longer than max_queue_time (or past its own start_by) is shed
// (answered ThrottlingException) instead of run, and while a lane's oldest job is that late
// try_submit refuses at once, so under overload the surplus is answered fast and the
// admitted requests keep their latency. Jobs already running always finish.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "server/net/work_job.h"

namespace coffer::server::rpc {

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // `capacity` jobs may wait in each lane (the administrator's lane: an eighth, at least 16).
  WorkQueue(std::size_t threads, std::size_t capacity);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // False when the job's lane is full, or its oldest job has waited past the maximum.
  bool try_submit(net::WorkJob job);
  // A job of the general lane that is never shed.
  bool try_submit(std::function<void()> task);
  // Finishes every queued job, then joins the threads.
  void drain_and_stop();

  // 0: jobs wait as long as the queue holds them. Takes effect for jobs submitted after.
  void set_max_queue_time(std::chrono::microseconds limit) noexcept;
  std::chrono::microseconds max_queue_time() const noexcept;

  std::size_t queued() const;
  std::size_t capacity() const { return capacity_; }
  // Jobs answered ThrottlingException because they waited too long (since start).
  std::uint64_t shed_count() const noexcept { return shed_.load(std::memory_order_relaxed); }
  // Submissions refused at once (a full lane or a late queue).
  std::uint64_t refused_count() const noexcept { return refused_.load(std::memory_order_relaxed); }

 private:
  struct Queued {
    net::WorkJob job;
    Clock::time_point enqueued;
  };
  void run();
  // The next job, by lane priority: the administrator's first, then the other two in turn.
  // Caller holds mutex_; some lane is not empty.
  Queued take_locked();
  std::size_t lane_capacity(net::Lane lane) const;

  const std::size_t capacity_;
  std::atomic<std::int64_t> max_queue_time_us_{0};
  std::atomic<std::uint64_t> shed_{0}, refused_{0};
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::array<std::deque<Queued>, net::kLaneCount> lanes_;
  std::size_t next_shared_lane_ = 0;  // which of kOpening / kGeneral goes next
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace coffer::server::rpc
