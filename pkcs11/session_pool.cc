#include "pkcs11/session_pool.h"

#include <optional>
#include <string>

namespace coffer::pkcs11 {
SessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      handle_(other.handle_),
      leased_at_(other.leased_at_),
      discarded_(other.discarded_) {
  other.pool_ = nullptr;
}

SessionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(handle_, discarded_, leased_at_);
}

SessionPool::SessionPool(const Module& module, CK_SLOT_ID slot, PinSource pin,
                         const TokenQuirks& quirks, SessionPoolOptions options)
    : functions_(module.functions()),
      slot_(slot),
      pin_(std::move(pin)),
      quirks_(quirks),
      options_(options),
      capacity_(options.max_sessions == 0 ? 1 : options.max_sessions) {
  // Open one session now so that a wrong PIN or a missing token fails at start-up.
  CK_SESSION_HANDLE first = CK_INVALID_HANDLE;
  {
    std::lock_guard lock(mutex_);
    ++open_;
  }
  try {
    if (!open_session(&first)) throw_ckr("C_OpenSession", CKR_SESSION_COUNT);
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    throw;
  }
  std::lock_guard lock(mutex_);
  idle_.push_back(first);
}

SessionPool::~SessionPool() {
  std::unique_lock lock(mutex_);
  for (CK_SESSION_HANDLE handle : idle_) close_session(handle);
  idle_.clear();
}

SessionPool::Lease SessionPool::acquire() {
  std::optional<std::chrono::steady_clock::time_point> deadline;  // read the clock only to wait
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      CK_SESSION_HANDLE handle = idle_.back();
      idle_.pop_back();
      ++in_use_;
      return Lease(this, handle);
    }
    if (open_ < capacity_) {
      ++open_;
      ++in_use_;
      lock.unlock();
      CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
      bool opened = false;
      try {
        opened = open_session(&handle);
      } catch (...) {
        lock.lock();
        --open_;
        --in_use_;
        freed_.notify_one();
        throw;
      }
      lock.lock();
      if (opened) return Lease(this, handle);
      // The token said CKR_SESSION_COUNT: it holds no more than we have now.
      --open_;
      --in_use_;
      capacity_ = open_ == 0 ? 1 : open_;
      if (open_ == 0) {
        throw Error(ErrorCode::kThrottling, "token " + quirks_.name + " refuses every new session",
                    "C_OpenSession", CKR_SESSION_COUNT);
      }
      continue;
    }
    if (!deadline) deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    ++waiters_;
    const auto waited = freed_.wait_until(lock, *deadline);
    --waiters_;
    if (waited == std::cv_status::timeout && idle_.empty() && open_ >= capacity_) {
      ++timeouts_;
      throw Error(ErrorCode::kThrottling,
                  "all " + std::to_string(capacity_) + " token sessions are busy (waited " +
                      std::to_string(options_.acquire_timeout.count()) + " ms)");
    }
  }
}

void SessionPool::release(CK_SESSION_HANDLE handle, bool discarded,
                          std::chrono::steady_clock::time_point leased_at) noexcept {
  if (observer_ && leased_at.time_since_epoch().count() != 0) {
    observer_(std::chrono::duration<double>(std::chrono::steady_clock::now() - leased_at).count());
  }
  if (discarded) close_session(handle);
  bool someone_waits = false;
  {
    std::lock_guard lock(mutex_);
    if (discarded) {
      --open_;
      ++reopened_;
    } else {
      idle_.push_back(handle);
    }
    --in_use_;
    someone_waits = waiters_ > 0;
  }
  if (someone_waits) freed_.notify_one();
}

bool SessionPool::open_session(CK_SESSION_HANDLE* out) {
  // The PIN is read before the session is opened: a PIN source that fails (a rotated file
  // not yet in place) must not leave behind an open session that nobody counts or closes.
  SecretBytes pin = pin_.read();
  // No Notify callback: Coffer never needs one and some tokens (CloudHSM) reject it.
  CK_RV rv = P11(functions_, C_OpenSession, slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                 nullptr, out);
  if (rv == CKR_SESSION_COUNT) return false;
  require_ok("C_OpenSession", rv);
  // Login state is per application: the first session logs in, later ones see
  // CKR_USER_ALREADY_LOGGED_IN. After the token forgets (all sessions lost), we log in again.
  rv = P11(functions_, C_Login, *out, CKU_USER, pin.data(), static_cast<CK_ULONG>(pin.size()));
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    P11(functions_, C_CloseSession, *out);
    throw_ckr("C_Login", rv);
  }
  return true;
}

void SessionPool::close_session(CK_SESSION_HANDLE handle) noexcept {
  P11(functions_, C_CloseSession, handle);
}

SessionPoolStats SessionPool::stats() const {
  std::lock_guard lock(mutex_);
  return {open_, in_use_, capacity_, reopened_, timeouts_};
}

}  // namespace coffer::pkcs11
