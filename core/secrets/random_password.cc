#include "core/secrets/random_password.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "core/model/validation_message.h"

namespace coffer::core {
namespace {

constexpr std::int64_t kDefaultLength = 32;
constexpr std::int64_t kMinLength = 1;
constexpr std::int64_t kMaxLength = 4096;

constexpr std::string_view kUppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kLowercase = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kDigits = "0123456789";
// GetRandomPassword's ExcludePunctuation list: the 32 printable ASCII marks.
constexpr std::string_view kPunctuation = R"p(!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~)p";

// Uniform integers from RAND_bytes. Rejection sampling, never a bare modulo, so every value
// below `n` is exactly equally likely. The buffer held key-grade randomness: wiped on the way out.
class UniformSource {
 public:
  UniformSource() = default;
  UniformSource(const UniformSource&) = delete;
  UniformSource& operator=(const UniformSource&) = delete;
  ~UniformSource() { OPENSSL_cleanse(buffer_.data(), buffer_.size()); }

  // A value in [0, n), n >= 1.
  std::uint32_t below(std::uint32_t n) {
    // The largest multiple of n that fits in 32 bits: draws at or above it are thrown away.
    const std::uint64_t limit = ((std::uint64_t{1} << 32) / n) * n;
    for (;;) {
      std::uint32_t draw = next32();
      if (draw < limit) return draw % n;
    }
  }

 private:
  std::uint32_t next32() {
    if (used_ + sizeof(std::uint32_t) > buffer_.size()) refill();
    std::uint32_t value;
    std::memcpy(&value, buffer_.data() + used_, sizeof value);
    OPENSSL_cleanse(buffer_.data() + used_, sizeof value);  // each draw is used once
    used_ += sizeof value;
    return value;
  }

  void refill() {
    if (RAND_bytes(buffer_.data(), static_cast<int>(buffer_.size())) != 1)
      throw Error(ErrorCode::kInternalServiceError, "The random number generator failed.");
    used_ = 0;
  }

  std::array<std::uint8_t, 256> buffer_{};
  std::size_t used_ = buffer_.size();
};

std::string without(std::string_view characters, std::string_view excluded) {
  std::string kept;
  for (char c : characters)
    if (excluded.find(c) == std::string_view::npos) kept += c;
  return kept;
}

// What a request allows: the pool to draw from, and the classes that must each appear.
struct CharacterChoice {
  std::string pool;
  std::vector<std::string> required;
};

CharacterChoice choose_characters(const RandomPasswordRequest& request) {
  const std::pair<std::string_view, bool> classes[] = {
      {kUppercase, request.exclude_uppercase},
      {kLowercase, request.exclude_lowercase},
      {kDigits, request.exclude_numbers},
      {kPunctuation, request.exclude_punctuation},
  };
  CharacterChoice choice;
  for (auto [characters, switched_off] : classes) {
    if (switched_off) continue;
    std::string kept = without(characters, request.exclude_characters);
    // Switching a class off is how a caller says "none of these"; emptying one through
    // ExcludeCharacters while also requiring it cannot be met.
    if (kept.empty() && request.require_each_included_type)
      throw Error(ErrorCode::kInvalidParameter,
                  "All characters of the desired type have been excluded.");
    choice.pool += kept;
    if (request.require_each_included_type) choice.required.push_back(std::move(kept));
  }
  if (request.include_space) choice.pool += without(" ", request.exclude_characters);
  if (choice.pool.empty())
    throw Error(ErrorCode::kInvalidParameter, "All characters have been excluded from selection.");
  return choice;
}

}  // namespace

SecretBytes random_password(const RandomPasswordRequest& request) {
  const std::int64_t length = request.password_length.value_or(kDefaultLength);
  if (length < kMinLength || length > kMaxLength)
    throw_validation(range_violation("PasswordLength", length, kMinLength, kMaxLength));

  const CharacterChoice choice = choose_characters(request);
  if (static_cast<std::int64_t>(choice.required.size()) > length) {
    throw Error(ErrorCode::kInvalidParameter,
                "Password length is too short based on the required types.");
  }

  UniformSource random;
  SecretBytes password(static_cast<std::size_t>(length));
  std::size_t filled = 0;
  auto pick = [&random](std::string_view from) {
    return static_cast<std::uint8_t>(from[random.below(static_cast<std::uint32_t>(from.size()))]);
  };
  // One of each required class, the rest from the whole pool...
  for (const std::string& required : choice.required) password[filled++] = pick(required);
  while (filled < password.size()) password[filled++] = pick(choice.pool);
  // ...then a uniform Fisher-Yates shuffle, so the required characters are not always first.
  for (std::size_t i = password.size() - 1; i > 0; --i) {
    std::size_t j = random.below(static_cast<std::uint32_t>(i + 1));
    std::swap(password[i], password[j]);
  }
  return password;
}

}  // namespace coffer::core
