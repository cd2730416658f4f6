// Reading AWS JSON request members with the checks botocore's model states (type, length,
// range), and writing response members (blobs as base64, timestamps as epoch seconds).
// A member of the wrong type or out of bounds is a ValidationException naming it the way
// AWS does ("Value at 'keyId' failed to satisfy constraint: ..."); a blob that is not
// base64 is a SerializationException.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/encryption_context.h"
#include "core/records.h"

namespace coffer::server::aws {

using Json = nlohmann::json;

struct Length {
  std::size_t min = 0;
  std::size_t max = SIZE_MAX;
};

std::optional<std::string> optional_string(const Json& in, const char* member, Length length = {});
std::string required_string(const Json& in, const char* member, Length length = {});
std::optional<int> optional_int(const Json& in, const char* member, int min, int max);
std::optional<bool> optional_bool(const Json& in, const char* member);
// Decoded base64 (not secret: ciphertexts). Plaintexts use the same call and the caller
// wipes the result.
std::optional<std::vector<std::uint8_t>> optional_blob(const Json& in, const char* member,
                                                       Length length);
std::vector<std::uint8_t> required_blob(const Json& in, const char* member, Length length);
core::EncryptionContext context(const Json& in, const char* member);
std::vector<core::Tag> tags(const Json& in, const char* member);
std::vector<std::string> string_list(const Json& in, const char* member, Length items, Length each);

// AWS limits shared by many operations.
inline constexpr Length kKeyIdLength{1, 2048};
inline constexpr Length kMarkerLength{1, 1024};
inline constexpr Length kAliasNameLength{1, 256};

// Epoch seconds, fractional when the time has milliseconds.
Json epoch_seconds(core::Timestamp t);
Json base64(std::span<const std::uint8_t> bytes);

}  // namespace coffer::server::aws
