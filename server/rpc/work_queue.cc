#include "server/rpc/work_queue.h"

#include "common/log.h"

namespace coffer::server::rpc {

WorkQueue::WorkQueue(std::size_t threads, std::size_t capacity) : capacity_(capacity) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkQueue::~WorkQueue() { drain_and_stop(); }

bool WorkQueue::try_submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || tasks_.size() >= capacity_) return false;
    tasks_.push_back(std::move(task));
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
  return tasks_.size();
}

void WorkQueue::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    // Tasks answer their own errors; anything that still escapes is logged here, because
    // an exception leaving a thread ends the whole process (and every client with it).
    try {
      task();
    } catch (const std::exception& e) {
      log_event(LogLevel::kError, "task_failed", {{"message", e.what()}});
    } catch (...) {
      log_event(LogLevel::kError, "task_failed");
    }
  }
}

}  // namespace coffer::server::rpc
