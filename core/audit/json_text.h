// Writing JSON text by hand, for the one hot path that cannot afford building a
// nlohmann::json tree per request: the audit record of every Encrypt and Decrypt.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace coffer::core::audit {

// Appends `raw` as a JSON string literal. Bytes that are not well-formed UTF-8 become U+FFFD:
// fields such as the user agent come from the network, and one bad byte must not make the
// whole record unreadable.
void append_json_string(std::string& out, std::string_view raw);

void append_json_uint(std::string& out, std::uint64_t value);

// Appends `value` as compact JSON text, strings as append_json_string writes them (bad UTF-8
// replaced, never thrown on): what nlohmann's dump does, without its allocations per call.
void append_json_value(std::string& out, const nlohmann::json& value);

}  // namespace coffer::core::audit
