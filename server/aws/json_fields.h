// Reading AWS JSON request members and writing response members (blobs as base64,
// timestamps as epoch seconds). Types, bounds and enum sets are checked once, before a
// handler runs, by core/api's validator against the operation table; these readers only
// convert. A blob that is not base64 is a SerializationException.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/api/validation.h"
#include "core/model/clock.h"
#include "core/model/encryption_context.h"
#include "core/model/records.h"

namespace coffer::server::aws {

using Json = nlohmann::json;

std::optional<std::string> optional_string(const Json& in, const char* member);
std::string required_string(const Json& in, const char* member);
std::optional<int> optional_int(const Json& in, const char* member);
std::optional<bool> optional_bool(const Json& in, const char* member);
// Decoded base64 (not secret: ciphertexts). Plaintexts use the same call and the caller
// wipes the result.
std::optional<std::vector<std::uint8_t>> optional_blob(const Json& in, const char* member);
std::vector<std::uint8_t> required_blob(const Json& in, const char* member);
core::EncryptionContext context(const Json& in, const char* member);
std::vector<core::Tag> tags(const Json& in, const char* member);
std::vector<std::string> string_list(const Json& in, const char* member);

// The value of one member of a JSON request, as core/api's validator sees it.
core::api::MemberValue member_value(const Json& request, const core::api::Member& member);

// Epoch seconds, fractional when the time has milliseconds.
Json epoch_seconds(core::Timestamp t);
Json base64(std::span<const std::uint8_t> bytes);

}  // namespace coffer::server::aws
