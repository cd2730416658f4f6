// A fixed pool of worker threads behind a bounded queue. Network threads hand token work
// here and go on; when the queue is full, try_submit refuses at once so the caller can
// answer ThrottlingException instead of letting latency grow without bound.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace coffer::server::rpc {

class WorkQueue {
 public:
  WorkQueue(std::size_t threads, std::size_t capacity);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // False when `capacity` tasks are already waiting.
  bool try_submit(std::function<void()> task);
  // Finishes every queued task, then joins the threads.
  void drain_and_stop();
  std::size_t queued() const;
  std::size_t capacity() const { return capacity_; }

 private:
  void run();
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace coffer::server::rpc
