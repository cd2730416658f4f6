// A DataKeyService in memory, for format tests that need no token: data keys are random,
// an "encrypted" key is "<key id>#<n>" and decrypting looks it up (checking the context).
// Counts calls, and can be told to fail for a key id.
#pragma once

#include <openssl/rand.h>

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "common/error.h"
#include "core/envelope/data_key_service.h"

namespace coffer::testing {

class FakeKeyService final : public core::envelope::DataKeyService {
 public:
  core::envelope::DataKey generate_data_key(const std::string& key_id,
                                            const core::EncryptionContext& context) override {
    SecretBytes key(32);
    RAND_bytes(key.data(), 32);
    core::envelope::DataKey out{key, encrypt_locked(key_id, key, context)};
    std::lock_guard lock(mutex_);
    ++generate_calls;
    return out;
  }
  core::Bytes encrypt(const std::string& key_id, std::span<const std::uint8_t> plaintext,
                      const core::EncryptionContext& context) override {
    auto out = encrypt_locked(key_id, SecretBytes(plaintext), context);
    std::lock_guard lock(mutex_);
    ++encrypt_calls;
    return out;
  }
  SecretBytes decrypt(std::span<const std::uint8_t> blob, const core::EncryptionContext& context,
                      const std::optional<std::string>& key_id) override {
    std::lock_guard lock(mutex_);
    ++decrypt_calls;
    auto it = sealed_.find(std::string(blob.begin(), blob.end()));
    if (it == sealed_.end()) throw Error(ErrorCode::kInvalidCiphertext, "unknown blob");
    const auto& [owner, key, bound] = it->second;
    if (unavailable.count(owner))
      throw Error(ErrorCode::kNotFound, "key " + owner + " is not in this region");
    if (key_id && *key_id != owner) throw Error(ErrorCode::kIncorrectKey, "not under " + *key_id);
    if (bound != context) throw Error(ErrorCode::kInvalidCiphertext, "wrong context");
    return key;
  }

  int calls() {
    std::lock_guard lock(mutex_);
    return generate_calls + encrypt_calls + decrypt_calls;
  }

  int generate_calls = 0;
  int encrypt_calls = 0;
  int decrypt_calls = 0;
  std::set<std::string> unavailable;  // key ids whose blobs fail to decrypt (another region)

 private:
  core::Bytes encrypt_locked(const std::string& key_id, SecretBytes key,
                             const core::EncryptionContext& context) {
    std::lock_guard lock(mutex_);
    const std::string blob = key_id + "#" + std::to_string(sealed_.size());
    sealed_.emplace(blob, std::make_tuple(key_id, std::move(key), context));
    return core::Bytes(blob.begin(), blob.end());
  }

  std::mutex mutex_;
  std::map<std::string, std::tuple<std::string, SecretBytes, core::EncryptionContext>> sealed_;
};

}  // namespace coffer::testing
