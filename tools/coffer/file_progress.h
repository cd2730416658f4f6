// A progress line on stderr for long file operations, only when stderr is a terminal:
// bytes done (of the total when known), percent and rate, redrawn a few times a second by
// a thread of its own so the workers only bump a counter.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace coffer::tools::cli {

class Progress {
 public:
  Progress(std::string label, std::optional<std::uint64_t> total, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void add(std::uint64_t bytes) { done_.fetch_add(bytes, std::memory_order_relaxed); }
  // The last line, ended with a newline (only on success: a failure prints its error).
  void complete();

 private:
  void draw(bool final);

  std::string label_;
  std::optional<std::uint64_t> total_;
  std::atomic<std::uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace coffer::tools::cli
