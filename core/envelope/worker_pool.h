// A fixed set of threads for data-parallel loops: run(n, f) calls f(0) .. f(n-1) spread over
// the workers and the calling thread, and returns when all are done (rethrowing the first
// exception). Segments of a stream are independent, so this is all the parallelism the
// envelope code needs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace coffer::core::envelope {

class WorkerPool {
 public:
  // `threads` in total, counting the caller of run(); 0 means one per core.
  explicit WorkerPool(std::size_t threads = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t threads() const { return workers_.size() + 1; }
  void run(std::size_t n, const std::function<void(std::size_t)>& f);

 private:
  void work();
  void drain();  // takes items of the current job until none are left

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t next_ = 0;
  std::size_t count_ = 0;
  std::size_t active_ = 0;
  std::atomic<std::size_t> generation_{0};
  std::exception_ptr error_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace coffer::core::envelope
