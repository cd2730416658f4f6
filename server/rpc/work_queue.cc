#include "server/rpc/work_queue.h"

#include <algorithm>

#include "common/log.h"

namespace coffer::server::rpc {

using net::Lane;

WorkQueue::WorkQueue(std::size_t threads, std::size_t capacity) : capacity_(capacity) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkQueue::~WorkQueue() { drain_and_stop(); }

std::size_t WorkQueue::lane_capacity(Lane lane) const {
  if (lane == Lane::kAdministrator) return std::max<std::size_t>(16, capacity_ / 8);
  return capacity_;
}

void WorkQueue::set_max_queue_time(std::chrono::microseconds limit) noexcept {
  max_queue_time_us_.store(std::max<std::int64_t>(0, limit.count()), std::memory_order_relaxed);
}

std::chrono::microseconds WorkQueue::max_queue_time() const noexcept {
  return std::chrono::microseconds(max_queue_time_us_.load(std::memory_order_relaxed));
}

bool WorkQueue::try_submit(std::function<void()> task) {
  return try_submit(net::WorkJob{std::move(task), {}, Lane::kGeneral});
}

bool WorkQueue::try_submit(net::WorkJob job) {
  const auto now = Clock::now();
  const auto limit = max_queue_time();
  if (limit.count() > 0 && job.shed) job.start_by = std::min(job.start_by, now + limit);
  {
    std::lock_guard lock(mutex_);
    auto& lane = lanes_[static_cast<std::size_t>(job.lane)];
    // A lane whose oldest job is already late makes every newcomer late: refuse it now,
    // while refusing is cheap, rather than after it waited.
    const bool late = limit.count() > 0 && !lane.empty() && now - lane.front().enqueued > limit;
    if (stopping_ || lane.size() >= lane_capacity(job.lane) || late) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    lane.push_back(Queued{std::move(job), now});
  }
  ready_.notify_one();
  return true;
}

void WorkQueue::drain_and_stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

std::size_t WorkQueue::queued() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& lane : lanes_) total += lane.size();
  return total;
}

WorkQueue::Queued WorkQueue::take_locked() {
  auto pop = [](std::deque<Queued>& lane) {
    Queued next = std::move(lane.front());
    lane.pop_front();
    return next;
  };
  auto& first = lanes_[static_cast<std::size_t>(Lane::kAdministrator)];
  if (!first.empty()) return pop(first);
  // The opening and general lanes take turns, so neither starves the other.
  constexpr std::array<Lane, 2> shared{Lane::kOpening, Lane::kGeneral};
  for (std::size_t i = 0; i < shared.size(); ++i) {
    auto& lane = lanes_[static_cast<std::size_t>(shared[(next_shared_lane_ + i) % 2])];
    if (lane.empty()) continue;
    next_shared_lane_ = (next_shared_lane_ + i + 1) % 2;
    return pop(lane);
  }
  return pop(first);  // unreachable: some lane is not empty
}

void WorkQueue::run() {
  for (;;) {
    Queued next;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] {
        return stopping_ ||
               std::any_of(lanes_.begin(), lanes_.end(), [](const auto& l) { return !l.empty(); });
      });
      if (std::all_of(lanes_.begin(), lanes_.end(), [](const auto& l) { return l.empty(); }))
        return;  // stopping and drained
      next = take_locked();
    }
    const bool late = next.job.shed && Clock::now() > next.job.start_by;
    if (late) shed_.fetch_add(1, std::memory_order_relaxed);
    // Jobs answer their own errors; anything that still escapes is logged here, because
    // an exception leaving a thread ends the whole process (and every client with it).
    try {
      late ? next.job.shed() : next.job.run();
    } catch (const std::exception& e) {
      log_event(LogLevel::kError, "task_failed", {{"message", e.what()}});
    } catch (...) {
      log_event(LogLevel::kError, "task_failed");
    }
  }
}

}  // namespace coffer::server::rpc
