#include "core/audit/random_uuid.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "common/error.h"

namespace coffer::core::audit {

namespace {

// Counts forks, so that a child never hands out ids its parent drew too (getpid() is a system
// call; this is a load).
std::atomic<unsigned> g_fork_generation{0};

unsigned fork_generation() {
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, [] { g_fork_generation.fetch_add(1); });
    return true;
  }();
  static_cast<void>(registered);
  return g_fork_generation.load(std::memory_order_relaxed);
}

// RAND_bytes costs about 2 us a call, as much as writing the whole audit record: each
// thread draws random bytes for 256 ids at a time.
class RandomPool {
 public:
  std::array<std::uint8_t, 16> next() {
    if (used_ == sizeof bytes_ || generation_ != fork_generation()) refill();
    std::array<std::uint8_t, 16> out;
    std::memcpy(out.data(), bytes_ + used_, out.size());
    used_ += out.size();
    return out;
  }

 private:
  void refill() {
    if (RAND_bytes(bytes_, sizeof bytes_) != 1)
      throw Error(ErrorCode::kInternal, "RAND_bytes failed for an audit event id");
    used_ = 0;
    generation_ = fork_generation();
  }

  std::uint8_t bytes_[16 * 256];
  std::size_t used_ = sizeof bytes_;
  unsigned generation_ = 0;
};

}  // namespace

std::string random_uuid_v4() {
  std::string out;
  random_uuid_v4(out);
  return out;
}

void random_uuid_v4(std::string& out) {
  thread_local RandomPool pool;
  std::array<std::uint8_t, 16> b = pool.next();
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC variant
  static constexpr char kHex[] = "0123456789abcdef";
  out.clear();
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
}

}  // namespace coffer::core::audit
