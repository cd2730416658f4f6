#include "core/auth/access_keys.h"

#include <openssl/rand.h>

#include "common/error.h"
#include "common/hex.h"

namespace coffer::core {
namespace {

constexpr char kIdAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string random_text(std::size_t n, const char* alphabet, std::size_t alphabet_size) {
  std::vector<std::uint8_t> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1)
    throw Error(ErrorCode::kInternal, "random failed");
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = alphabet[bytes[i] % alphabet_size];
  return out;
}

}  // namespace

AccessKeys::AccessKeys(pkcs11::Token& token, MetadataStore& store, const Clock& clock)
    : token_(token), store_(store), clock_(clock) {}

void AccessKeys::ensure_wrapping_key() {
  if (!token_.exists(kWrappingKeyId)) token_.generate_aes256(kWrappingKeyId);
}

NewAccessKey AccessKeys::create(const std::string& principal) {
  if (principal.empty() || principal.size() > 256) {
    throw Error(ErrorCode::kValidation, "principal must be 1 to 256 characters");
  }
  std::lock_guard lock(mutex_);
  ensure_wrapping_key();
  NewAccessKey made;
  made.access_key_id = "AKCF" + random_text(16, kIdAlphabet, 32);
  // 40 characters from a 64-letter alphabet: 240 bits, like an AWS secret access key.
  static constexpr char kSecretAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  made.secret = random_text(40, kSecretAlphabet, 64);
  made.principal = principal;
  auto sealed =
      token_.gcm_encrypt(kWrappingKeyId, as_bytes(made.access_key_id), as_bytes(made.secret));
  AccessKeyRecord record;
  record.access_key_id = made.access_key_id;
  record.principal = principal;
  record.secret_ciphertext.assign(sealed.iv.begin(), sealed.iv.end());
  record.secret_ciphertext.insert(record.secret_ciphertext.end(), sealed.ciphertext.begin(),
                                  sealed.ciphertext.end());
  record.created_at = clock_.now();
  store_.put_access_key(record);
  return made;
}

void AccessKeys::deactivate(const std::string& access_key_id) {
  std::lock_guard lock(mutex_);
  auto record = store_.get_access_key(access_key_id);
  if (!record) throw Error(ErrorCode::kNotFound, "no access key " + access_key_id);
  record->active = false;
  store_.put_access_key(*record);
  cache_.erase(access_key_id);
  refused_[access_key_id] = std::chrono::steady_clock::now();
}

std::vector<AccessKeyRecord> AccessKeys::list() { return store_.list_access_keys(); }

bool AccessKeys::plausible_id(std::string_view id) {
  if (id.size() != 20 || !id.starts_with("AKCF")) return false;
  for (char c : id.substr(4)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

AccessKeys::Peek AccessKeys::peek(const std::string& access_key_id) {
  if (!plausible_id(access_key_id)) return {Known::kInvalid, std::nullopt};
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (auto it = cache_.find(access_key_id);
      it != cache_.end() && now - it->second.checked_at < kRecheckAfter) {
    return {Known::kValid, it->second.secret};
  }
  if (auto it = refused_.find(access_key_id);
      it != refused_.end() && now - it->second < kRecheckAfter) {
    return {Known::kInvalid, std::nullopt};
  }
  return {};
}

std::optional<AccessKeys::Secret> AccessKeys::secret_of(const std::string& access_key_id) {
  if (!plausible_id(access_key_id)) return std::nullopt;
  std::optional<Secret> cached;  // reused when the store still says the key is active
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    auto it = cache_.find(access_key_id);
    if (it != cache_.end() && now - it->second.checked_at < kRecheckAfter) return it->second.secret;
    if (auto r = refused_.find(access_key_id);
        r != refused_.end() && now - r->second < kRecheckAfter) {
      return std::nullopt;
    }
    if (it != cache_.end()) cached = it->second.secret;
  }
  // The store read and the token decrypt run without the lock, so network threads asking
  // the cache (peek) never wait behind them. A revocation racing with this read is seen at
  // the next recheck, within kRecheckAfter.
  auto record = store_.get_access_key(access_key_id);
  const auto now = std::chrono::steady_clock::now();
  if (!record || !record->active || record->secret_ciphertext.size() < 12 + 16) {
    std::lock_guard lock(mutex_);
    cache_.erase(access_key_id);
    if (refused_.size() >= kMaxRefused) refused_.clear();
    refused_[access_key_id] = now;
    return std::nullopt;
  }
  if (!cached) {
    std::span<const std::uint8_t> blob(record->secret_ciphertext);
    cached =
        Secret{record->principal, token_.gcm_decrypt(kWrappingKeyId, blob.first(12),
                                                     as_bytes(access_key_id), blob.subspan(12))};
  }
  std::lock_guard lock(mutex_);
  refused_.erase(access_key_id);
  cache_.insert_or_assign(access_key_id, Cached{*cached, now});
  return cached;
}

std::optional<std::string> AccessKeys::authenticate(std::string_view api_key) {
  const auto colon = api_key.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  auto secret = secret_of(std::string(api_key.substr(0, colon)));
  if (!secret) return std::nullopt;
  if (!constant_time_equal(secret->secret.span(), as_bytes(api_key.substr(colon + 1))))
    return std::nullopt;
  return secret->principal;
}

AccessKeys::CachedPrincipal AccessKeys::authenticate_cached(std::string_view api_key) {
  const auto colon = api_key.find(':');
  if (colon == std::string_view::npos || colon == 0) return {Known::kInvalid, {}};
  auto peeked = peek(std::string(api_key.substr(0, colon)));
  if (peeked.known != Known::kValid) return {peeked.known, {}};
  if (!constant_time_equal(peeked.secret->secret.span(), as_bytes(api_key.substr(colon + 1)))) {
    return {Known::kInvalid, {}};
  }
  return {Known::kValid, peeked.secret->principal};
}

}  // namespace coffer::core
