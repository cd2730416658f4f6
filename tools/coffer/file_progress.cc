#include "tools/coffer/file_progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace coffer::tools::cli {
namespace {

std::string human(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) bytes /= 1024, ++u;
  char out[32];
  std::snprintf(out, sizeof out, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return out;
}

}  // namespace

Progress::Progress(std::string label, std::optional<std::uint64_t> total, bool enabled)
    : label_(std::move(label)), total_(total) {
  if (!enabled || !::isatty(STDERR_FILENO)) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; }))
      draw(false);
  });
}

Progress::~Progress() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (drawn_) std::fputs("\r\033[K", stderr);  // clear an unfinished line (the error follows)
}

void Progress::complete() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  draw(true);
  std::fputc('\n', stderr);
}

void Progress::draw(bool final) {
  const double done = static_cast<double>(done_.load(std::memory_order_relaxed));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? done / seconds : 0;
  // Built with snprintf: GCC 12 warns falsely (-Wrestrict) on chains of std::string +.
  char bar[64] = "";
  char amount[64];
  if (total_ && *total_ > 0) {
    const double fraction = std::min(1.0, done / static_cast<double>(*total_));
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::snprintf(bar, sizeof bar, "[%.*s%*s] %3.0f%% ", filled, "##############################",
                  kWidth - filled, "", fraction * 100);
    std::snprintf(amount, sizeof amount, "%s / %s", human(done).c_str(),
                  human(static_cast<double>(*total_)).c_str());
  } else {
    std::snprintf(amount, sizeof amount, "%s", human(done).c_str());
  }
  std::fprintf(stderr, "\r%s %s%s  %s/s%s", label_.c_str(), bar, amount, human(rate).c_str(),
               final ? "" : "\033[K");
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace coffer::tools::cli
