// AWS's validation messages, written once. Every check of a request member, in the codecs'
// validator (core/api/validation.h) or in core's own rules, words its failure through these:
//   1 validation error detected: Value 'X' at 'keySpec' failed to satisfy constraint: Member
//   must satisfy enum value set: [RSA_2048, ...]
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::core {

// "keyId" for "KeyId": the path AWS names a member by in its messages.
std::string member_path(std::string_view member);

// One violation each, in AWS's words; `shown` is the value quoted in the message (absent for
// blobs and secrets, which AWS never echoes).
std::string null_violation(std::string_view member);
std::string length_violation(std::string_view member, std::optional<std::string_view> shown,
                             std::size_t length, std::int64_t min, std::int64_t max);
std::string range_violation(std::string_view member, std::int64_t value, std::int64_t min,
                            std::int64_t max);
std::string enum_violation(std::string_view member, std::string_view value,
                           std::span<const std::string_view> allowed);
std::string pattern_violation(std::string_view member, std::string_view value,
                              std::string_view pattern);

// ValidationException: "1 validation error detected: <v>" or "N validation errors detected:
// <v1>; <v2>".
[[noreturn]] void throw_validation(const std::vector<std::string>& violations);
[[noreturn]] void throw_validation(std::string violation);

}  // namespace coffer::core
