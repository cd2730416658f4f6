#include "core/envelope/segment_cipher.h"

#include <openssl/evp.h>

#include <climits>

#include "common/error.h"
#include "core/envelope/stream_header.h"

namespace coffer::core::envelope {
namespace {

const EVP_CIPHER* aes_256_gcm() {
  // Fetched once: an implicit fetch on every init would cost more than a small segment.
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (cipher == nullptr) throw Error(ErrorCode::kInternal, "OpenSSL has no AES-256-GCM");
  return cipher;
}

[[noreturn]] void openssl_failed(const char* what) {
  throw Error(ErrorCode::kInternal, std::string("AES-256-GCM ") + what + " failed");
}

}  // namespace

class SegmentCipher::Lease {
 public:
  explicit Lease(const SegmentCipher& owner) : owner_(owner), ctx_(owner.acquire()) {}
  ~Lease() { owner_.release(ctx_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  EVP_CIPHER_CTX* get() const { return ctx_; }

 private:
  const SegmentCipher& owner_;
  EVP_CIPHER_CTX* ctx_;
};

SegmentCipher::SegmentCipher(const ChunkedKeys& keys, std::size_t segment_size)
    : key_(keys.key), base_nonce_(keys.base_nonce), segment_size_(segment_size) {
  if (key_.size() != kDataKeySize)
    throw Error(ErrorCode::kInternal, "segment key must be 32 bytes");
  if (segment_size_ == 0 || segment_size_ > (std::size_t{1} << kMaxSegmentShift))
    throw Error(ErrorCode::kInternal, "bad segment size");
}

SegmentCipher::~SegmentCipher() {
  for (auto* ctx : idle_) EVP_CIPHER_CTX_free(ctx);  // cleanses the key schedule
}

EVP_CIPHER_CTX* SegmentCipher::acquire() const {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto* ctx = idle_.back();
      idle_.pop_back();
      return ctx;
    }
  }
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr ||
      EVP_CipherInit_ex(ctx, aes_256_gcm(), nullptr, key_.data(), nullptr, 1) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    openssl_failed("key set-up");
  }
  return ctx;
}

void SegmentCipher::release(EVP_CIPHER_CTX* ctx) const {
  std::lock_guard lock(mutex_);
  idle_.push_back(ctx);
}

void SegmentCipher::nonce_for(std::uint64_t index, std::uint8_t* nonce) const {
  if (index >= kMaxSegments)
    throw Error(ErrorCode::kValidation, "message longer than 2^38 segments");
  std::copy(base_nonce_.begin(), base_nonce_.end(), nonce);
  for (int i = 0; i < 8; ++i)
    nonce[kNonceSize - 1 - i] ^= static_cast<std::uint8_t>(index >> (8 * i));
}

void SegmentCipher::seal(std::uint64_t index, std::span<const std::uint8_t> plaintext,
                         std::uint8_t* out) const {
  if (plaintext.size() > segment_size_)
    throw Error(ErrorCode::kInternal, "segment larger than the segment size");
  std::uint8_t nonce[kNonceSize];
  nonce_for(index, nonce);
  Lease lease(*this);
  EVP_CIPHER_CTX* ctx = lease.get();
  int n = 0;
  int tail = 0;
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce, 1) != 1) openssl_failed("IV set-up");
  if (!plaintext.empty() &&
      EVP_CipherUpdate(ctx, out, &n, plaintext.data(), static_cast<int>(plaintext.size())) != 1)
    openssl_failed("encryption");
  if (EVP_CipherFinal_ex(ctx, out + n, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagSize, out + plaintext.size()) != 1)
    openssl_failed("tag");
}

bool SegmentCipher::open(std::uint64_t index, std::span<const std::uint8_t> sealed,
                         std::uint8_t* out) const {
  if (sealed.size() < kTagSize || sealed.size() > segment_size_ + kTagSize) return false;
  const std::size_t size = sealed.size() - kTagSize;
  std::uint8_t nonce[kNonceSize];
  nonce_for(index, nonce);
  Lease lease(*this);
  EVP_CIPHER_CTX* ctx = lease.get();
  int n = 0;
  int tail = 0;
  // The tag is set first: an in-place decrypt (out == sealed) must not be read after it.
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce, 0) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagSize,
                          const_cast<std::uint8_t*>(sealed.data() + size)) != 1)
    openssl_failed("IV set-up");
  if (size > 0 && EVP_CipherUpdate(ctx, out, &n, sealed.data(), static_cast<int>(size)) != 1)
    openssl_failed("decryption");
  if (EVP_CipherFinal_ex(ctx, out + n, &tail) != 1) {
    secure_zero(out, size);
    return false;
  }
  return true;
}

}  // namespace coffer::core::envelope
