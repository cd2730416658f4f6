#include "server/aws/json_fields.h"

#include "common/error.h"
#include "common/hex.h"
#include "common/secret_bytes.h"

namespace coffer::server::aws {
namespace {

// The validator has checked every member of the table; this guards members it does not
// describe (those inside a Tag) and keeps the readers safe on their own.
[[noreturn]] void wrong_type(const char* member) {
  throw Error(ErrorCode::kSerialization,
              "Unexpected value type for member '" + core::member_path(member) + "'");
}

const Json* member_of(const Json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return nullptr;
  return &*it;
}

// The size a blob decodes to. Text that is not base64 fails deserialization before any
// member is validated, as in AWS. The decoded bytes may be a plaintext: they are wiped.
std::size_t decoded_size(const char* member, const std::string& text) {
  auto bytes = from_base64(text);
  if (!bytes)
    throw Error(ErrorCode::kSerialization,
                "Base64 encoded value of '" + std::string(member) + "' is not valid");
  const std::size_t size = bytes->size();
  secure_zero(bytes->data(), bytes->size());
  return size;
}

}  // namespace

core::api::MemberValue member_value(const Json& request, const core::api::Member& member) {
  using Kind = core::api::MemberValue::Kind;
  using Type = core::api::MemberType;
  core::api::MemberValue v;
  auto it = request.find(member.name);  // transparent comparator: no copy of the name
  if (it == request.end() || it->is_null()) return v;
  const Json& value = *it;
  v.kind = Kind::kWrongType;
  switch (member.type) {
    case Type::kString:
      if (!value.is_string()) return v;
      v.kind = Kind::kString;
      v.text = value.get_ref<const std::string&>();
      v.size = v.text.size();
      return v;
    case Type::kBlob:
      if (!value.is_string()) return v;
      v.kind = Kind::kBlob;
      v.size = decoded_size(std::string(member.name).c_str(), value.get_ref<const std::string&>());
      return v;
    case Type::kInteger:
      if (!value.is_number_integer()) return v;
      v.kind = Kind::kInteger;
      v.number = value.get<std::int64_t>();
      return v;
    case Type::kBoolean:
      if (value.is_boolean()) v.kind = Kind::kBoolean;
      return v;
    case Type::kMap:
      if (!value.is_object()) return v;
      v.kind = Kind::kMap;
      v.size = value.size();
      return v;
    case Type::kList:
      if (!value.is_array()) return v;
      v.kind = Kind::kList;
      v.size = value.size();
      if (member.element_type == Type::kString) {
        for (const auto& element : value) {
          if (!element.is_string()) return core::api::MemberValue{Kind::kWrongType};
          v.elements.push_back(element.get_ref<const std::string&>());
        }
      }
      return v;
    case Type::kStructure:
      if (value.is_object()) v.kind = Kind::kStructure;
      return v;
    case Type::kTimestamp:
      if (value.is_number()) v.kind = Kind::kStructure;
      return v;
  }
  return v;
}

std::optional<std::string> optional_string(const Json& in, const char* member) {
  const Json* v = member_of(in, member);
  if (!v) return std::nullopt;
  if (!v->is_string()) wrong_type(member);
  return v->get<std::string>();
}

std::string required_string(const Json& in, const char* member) {
  auto s = optional_string(in, member);
  if (!s) core::throw_validation(core::null_violation(member));
  return *s;
}

std::optional<int> optional_int(const Json& in, const char* member) {
  const Json* v = member_of(in, member);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) wrong_type(member);
  const auto n = v->get<long long>();
  if (n < INT32_MIN || n > INT32_MAX) wrong_type(member);
  return static_cast<int>(n);
}

std::optional<bool> optional_bool(const Json& in, const char* member) {
  const Json* v = member_of(in, member);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) wrong_type(member);
  return v->get<bool>();
}

std::optional<std::vector<std::uint8_t>> optional_blob(const Json& in, const char* member) {
  const Json* v = member_of(in, member);
  if (!v) return std::nullopt;
  if (!v->is_string()) wrong_type(member);
  auto bytes = from_base64(v->get_ref<const std::string&>());
  if (!bytes)
    throw Error(ErrorCode::kSerialization,
                "Base64 encoded value of '" + std::string(member) + "' is not valid");
  return bytes;
}

std::vector<std::uint8_t> required_blob(const Json& in, const char* member) {
  auto b = optional_blob(in, member);
  if (!b) core::throw_validation(core::null_violation(member));
  return std::move(*b);
}

core::EncryptionContext context(const Json& in, const char* member) {
  core::EncryptionContext out;
  const Json* v = member_of(in, member);
  if (!v) return out;
  if (!v->is_object()) wrong_type(member);
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) wrong_type(member);
    out.emplace(k, value.get<std::string>());
  }
  return out;
}

std::vector<core::Tag> tags(const Json& in, const char* member) {
  std::vector<core::Tag> out;
  const Json* v = member_of(in, member);
  if (!v) return out;
  if (!v->is_array()) wrong_type(member);
  for (const auto& item : *v) {
    if (!item.is_object()) wrong_type(member);
    // Tag keys and values are checked by core's tag rules (AWS's TagException wording).
    out.push_back({required_string(item, "TagKey"), required_string(item, "TagValue")});
  }
  return out;
}

std::vector<std::string> string_list(const Json& in, const char* member) {
  std::vector<std::string> out;
  const Json* v = member_of(in, member);
  if (!v) return out;
  if (!v->is_array()) wrong_type(member);
  for (const auto& item : *v) {
    if (!item.is_string()) wrong_type(member);
    out.push_back(item.get<std::string>());
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
