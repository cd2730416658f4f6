// A bounded pool of logged-in read-write sessions on one token. A session serves one
// operation at a time; a Lease lends one out and returns it when it goes out of scope.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "pkcs11/module.h"
#include "pkcs11/pin_source.h"
#include "pkcs11/quirks.h"

namespace coffer::pkcs11 {

struct SessionPoolOptions {
  std::size_t max_sessions = 8;
  // How long acquire() waits for a free session before failing with ThrottlingException.
  std::chrono::milliseconds acquire_timeout{2000};
};

struct SessionPoolStats {
  std::size_t open = 0;      // sessions currently open
  std::size_t in_use = 0;    // sessions lent out
  std::size_t capacity = 0;  // configured size, or the token's cap once learned
  std::size_t reopened = 0;  // sessions replaced after the token lost them
  std::size_t timeouts = 0;  // acquire() calls that gave up
};

class SessionPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    CK_SESSION_HANDLE handle() const noexcept { return handle_; }
    // The token lost this session: close it instead of returning it to the pool.
    void discard() noexcept { discarded_ = true; }

   private:
    friend class SessionPool;
    // The clock is read only when someone observes lease times.
    Lease(SessionPool* pool, CK_SESSION_HANDLE handle)
        : pool_(pool),
          handle_(handle),
          leased_at_(pool->observer_ ? std::chrono::steady_clock::now()
                                     : std::chrono::steady_clock::time_point{}) {}
    SessionPool* pool_;
    CK_SESSION_HANDLE handle_;
    std::chrono::steady_clock::time_point leased_at_;
    bool discarded_ = false;
  };

  SessionPool(const Module& module, CK_SLOT_ID slot, PinSource pin, const TokenQuirks& quirks,
              SessionPoolOptions options);
  ~SessionPool();
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  // Waits up to the acquire timeout; throws ThrottlingException when none frees up.
  Lease acquire();
  SessionPoolStats stats() const;
  // Called with how long each lease was held: the latency of one token operation, for
  // metrics. Set before the pool is shared between threads.
  void set_lease_observer(std::function<void(double seconds)> observer) {
    observer_ = std::move(observer);
  }
  CK_SLOT_ID slot() const noexcept { return slot_; }

 private:
  void release(CK_SESSION_HANDLE handle, bool discarded,
               std::chrono::steady_clock::time_point leased_at) noexcept;
  // Opens and logs in a session outside the lock. Returns false if the token's session
  // cap was reached (the cap is then learned); throws on other failures.
  bool open_session(CK_SESSION_HANDLE* out);
  void close_session(CK_SESSION_HANDLE handle) noexcept;

  const CK_FUNCTION_LIST* functions_;
  const CK_SLOT_ID slot_;
  const PinSource pin_;
  const TokenQuirks quirks_;
  const SessionPoolOptions options_;
  std::function<void(double)> observer_;

  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<CK_SESSION_HANDLE> idle_;
  std::size_t open_ = 0;  // idle + lent + being opened
  std::size_t capacity_;
  std::size_t in_use_ = 0;
  std::size_t waiters_ = 0;  // callers blocked in acquire(): release signals only for them
  std::size_t reopened_ = 0;
  std::size_t timeouts_ = 0;
};

}  // namespace coffer::pkcs11
