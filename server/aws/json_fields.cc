#include "server/aws/json_fields.h"

#include <cctype>

#include "common/error.h"
#include "common/hex.h"
#include "common/secret_bytes.h"

namespace coffer::server::aws {
namespace {

// AWS names members in validation messages with a lower-case first letter.
std::string wire_name(const char* member) {
  std::string name(member);
  if (!name.empty()) name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  return name;
}

[[noreturn]] void invalid(const char* member, const std::string& constraint) {
  throw Error(ErrorCode::kValidation, "1 validation error detected: Value at '" +
                                          wire_name(member) +
                                          "' failed to satisfy constraint: " + constraint);
}

void check_length(const char* member, std::size_t size, Length length) {
  if (size < length.min) {
    invalid(member,
            "Member must have length greater than or equal to " + std::to_string(length.min));
  }
  if (size > length.max) {
    invalid(member, "Member must have length less than or equal to " + std::to_string(length.max));
  }
}

const Json* member_of(const Json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

std::optional<std::string> optional_string(const Json& in, const char* member, Length length) {
  const Json* v = member_of(in, member);
  if (!v) return std::nullopt;
  if (!v->is_string()) invalid(member, "Member must be a string");
  auto s = v->get<std::string>();
  check_length(member, s.size(), length);
  return s;
}

std::string required_string(const Json& in, const char* member, Length length) {
  auto s = optional_string(in, member, length);
  if (!s) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value null at '" + wire_name(member) +
                    "' failed to satisfy constraint: Member must not be null");
  }
  return *s;
}

std::optional<int> optional_int(const Json& in, const char* member, int min, int max) {
  const Json* v = member_of(in, member);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) invalid(member, "Member must be an integer");
  const auto n = v->get<long long>();
  if (n < min)
    invalid(member, "Member must have value greater than or equal to " + std::to_string(min));
  if (n > max)
    invalid(member, "Member must have value less than or equal to " + std::to_string(max));
  return static_cast<int>(n);
}

std::optional<bool> optional_bool(const Json& in, const char* member) {
  const Json* v = member_of(in, member);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) invalid(member, "Member must be a boolean");
  return v->get<bool>();
}

std::optional<std::vector<std::uint8_t>> optional_blob(const Json& in, const char* member,
                                                       Length length) {
  const Json* v = member_of(in, member);
  if (!v) return std::nullopt;
  if (!v->is_string()) invalid(member, "Member must be a base64-encoded binary string");
  const auto& text = v->get_ref<const std::string&>();
  auto bytes = from_base64(text);
  if (!bytes)
    throw Error(ErrorCode::kSerialization,
                "Base64 encoded value of '" + std::string(member) + "' is not valid");
  if (bytes->size() < length.min || bytes->size() > length.max) {
    const std::size_t size = bytes->size();
    secure_zero(bytes->data(), bytes->size());
    check_length(member, size, length);
  }
  return bytes;
}

std::vector<std::uint8_t> required_blob(const Json& in, const char* member, Length length) {
  auto b = optional_blob(in, member, length);
  if (!b) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value null at '" + wire_name(member) +
                    "' failed to satisfy constraint: Member must not be null");
  }
  return std::move(*b);
}

core::EncryptionContext context(const Json& in, const char* member) {
  core::EncryptionContext out;
  const Json* v = member_of(in, member);
  if (!v) return out;
  if (!v->is_object()) invalid(member, "Member must be a map of strings");
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) invalid(member, "Map value must be a string");
    out.emplace(k, value.get<std::string>());
  }
  return out;
}

std::vector<core::Tag> tags(const Json& in, const char* member) {
  std::vector<core::Tag> out;
  const Json* v = member_of(in, member);
  if (!v) return out;
  if (!v->is_array()) invalid(member, "Member must be a list");
  for (const auto& item : *v) {
    if (!item.is_object()) invalid(member, "Member must be a list of Tag structures");
    out.push_back(
        {required_string(item, "TagKey", {1, 128}), required_string(item, "TagValue", {0, 256})});
  }
  return out;
}

std::vector<std::string> string_list(const Json& in, const char* member, Length items,
                                     Length each) {
  std::vector<std::string> out;
  const Json* v = member_of(in, member);
  if (!v) return out;
  if (!v->is_array()) invalid(member, "Member must be a list");
  check_length(member, v->size(), items);
  for (const auto& item : *v) {
    if (!item.is_string()) invalid(member, "Member must be a list of strings");
    out.push_back(item.get<std::string>());
    check_length(member, out.back().size(), each);
  }
  return out;
}

Json epoch_seconds(core::Timestamp t) {
  const auto ms = core::to_millis(t);
  if (ms % 1000 == 0) return ms / 1000;
  return static_cast<double>(ms) / 1000.0;
}

Json base64(std::span<const std::uint8_t> bytes) { return to_base64(bytes); }

}  // namespace coffer::server::aws
