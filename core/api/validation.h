// The one validator of request members against the operation table, and the one place where
// AWS's validation messages are written:
//   1 validation error detected: Value 'X' at 'keySpec' failed to satisfy constraint: Member
//   must satisfy enum value set: [RSA_2048, ...]
// Both codecs (AWS JSON, rpc protobuf) describe each member's value as a MemberValue and call
// validate_request(); core's own checks throw through the same message builders.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/operations.h"
#include "core/model/validation_message.h"

namespace coffer::core::api {

// A member's value as a codec sees it (views into the request; nothing is copied).
struct MemberValue {
  enum class Kind : std::uint8_t {
    kAbsent,
    kString,
    kBlob,
    kInteger,
    kBoolean,
    kList,
    kMap,
    kStructure,
    kWrongType
  };
  Kind kind = Kind::kAbsent;
  std::string_view text;                   // kString
  std::size_t size = 0;                    // kString and kBlob: bytes; kList and kMap: entries
  std::int64_t number = 0;                 // kInteger
  std::vector<std::string_view> elements;  // kList of strings
};
using MemberLookup = std::function<MemberValue(const Member&)>;

// Checks every member of `spec`: presence of required members, type, length, value range,
// enum set and pattern. Throws SerializationException for a value of the wrong type, else
// ValidationException listing every violation ("2 validation errors detected: ...; ...").
void validate_request(const OperationSpec& spec, const MemberLookup& lookup);

// True when `value` matches a botocore pattern of the form the KMS model uses: one character
// class (ranges, \uXXXX escapes, \w) with + or *, optionally anchored by ^ and $.
[[nodiscard]] bool matches_pattern(std::string_view value, std::string_view pattern);
// False for a pattern matches_pattern() cannot read (it then constrains nothing).
[[nodiscard]] bool understood_pattern(std::string_view pattern);

}  // namespace coffer::core::api
