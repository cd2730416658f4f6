#include "core/envelope/worker_pool.h"

#include <algorithm>
#include <chrono>

namespace coffer::core::envelope {

WorkerPool::WorkerPool(std::size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void WorkerPool::drain() {
  std::unique_lock lock(mutex_);
  while (job_ != nullptr && next_ < count_) {
    const std::size_t i = next_++;
    const auto* job = job_;
    ++active_;
    lock.unlock();
    try {
      (*job)(i);
    } catch (...) {
      lock.lock();
      if (!error_) error_ = std::current_exception();
      next_ = count_;  // skip what is left: the result is lost anyway
      lock.unlock();
    }
    lock.lock();
    if (--active_ == 0 && next_ >= count_) done_.notify_all();
  }
}

void WorkerPool::work() {
  std::size_t seen = 0;
  for (;;) {
    // Spin a little before sleeping: a worker woken from sleep is often queued behind the
    // thread that woke it until the scheduler moves it, which costs milliseconds of
    // parallelism on every run; back-to-back runs find it still awake on its own core.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    while (generation_.load(std::memory_order_acquire) == seen &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::yield();
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    drain();
  }
}

void WorkerPool::run(std::size_t n, const std::function<void(std::size_t)>& f) {
  if (n == 0) return;
  {
    std::lock_guard lock(mutex_);
    job_ = &f;
    next_ = 0;
    count_ = n;
    error_ = nullptr;
    ++generation_;
  }
  if (n > 1) wake_.notify_all();
  drain();
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return next_ >= count_ && active_ == 0; });
  job_ = nullptr;
  if (error_) {
    auto e = error_;
    error_ = nullptr;
    std::rethrow_exception(e);
  }
}

}  // namespace coffer::core::envelope
