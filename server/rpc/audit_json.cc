#include "server/rpc/audit_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include <cctype>
#include <unordered_map>

#include "core/audit/audit_parameters.h"

namespace coffer::server::rpc {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using Json = nlohmann::json;

std::string aws_name_from(const std::string& snake) {
  std::string name;
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

// The AWS name of a field, made once per field and thread (every audited request asks).
const std::string& aws_name_of(const FieldDescriptor* field) {
  thread_local std::unordered_map<const FieldDescriptor*, std::string> names;
  auto it = names.find(field);
  if (it == names.end()) it = names.emplace(field, aws_name_from(field->name())).first;
  return it->second;
}

Json scalar(const Message& message, const Reflection& r, const FieldDescriptor* field, int index) {
  const bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? r.GetRepeatedString(message, field, index) : r.GetString(message, field);
    case FieldDescriptor::CPPTYPE_INT32:
      return repeated ? r.GetRepeatedInt32(message, field, index) : r.GetInt32(message, field);
    case FieldDescriptor::CPPTYPE_INT64:
      return repeated ? r.GetRepeatedInt64(message, field, index) : r.GetInt64(message, field);
    case FieldDescriptor::CPPTYPE_UINT32:
      return repeated ? r.GetRepeatedUInt32(message, field, index) : r.GetUInt32(message, field);
    case FieldDescriptor::CPPTYPE_UINT64:
      return repeated ? r.GetRepeatedUInt64(message, field, index) : r.GetUInt64(message, field);
    case FieldDescriptor::CPPTYPE_BOOL:
      return repeated ? r.GetRepeatedBool(message, field, index) : r.GetBool(message, field);
    case FieldDescriptor::CPPTYPE_ENUM:
      return repeated ? r.GetRepeatedEnum(message, field, index)->name()
                      : r.GetEnum(message, field)->name();
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& inner =
          repeated ? r.GetRepeatedMessage(message, field, index) : r.GetMessage(message, field);
      if (inner.GetDescriptor() == google::protobuf::Timestamp::descriptor()) {
        return static_cast<const google::protobuf::Timestamp&>(inner).seconds();
      }
      return aws_members_of(inner);
    }
    default:
      return nullptr;
  }
}

// String fields that hold secrets: never copied, not even into a JSON value that the
// whitelist would drop afterwards.
bool secret_string(const std::string& name) {
  return name == "secret_string" || name == "random_password" || name == "api_key";
}

}  // namespace

Json aws_members_of(const Message& message) {
  Json out = Json::object();
  const Reflection& r = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->type() == FieldDescriptor::TYPE_BYTES || secret_string(field->name()))
      continue;  // never audited
    const std::string& name = aws_name_of(field);
    if (field->is_map()) {
      Json map = Json::object();
      for (int i = 0; i < r.FieldSize(message, field); ++i) {
        const Message& entry = r.GetRepeatedMessage(message, field, i);
        const auto* d = entry.GetDescriptor();
        const Reflection& er = *entry.GetReflection();
        const auto* key = d->FindFieldByNumber(1);
        const auto* value = d->FindFieldByNumber(2);
        if (key->cpp_type() != FieldDescriptor::CPPTYPE_STRING ||
            value->cpp_type() != FieldDescriptor::CPPTYPE_STRING)
          continue;
        map[er.GetString(entry, key)] = er.GetString(entry, value);
      }
      out[name] = std::move(map);
    } else if (field->is_repeated()) {
      Json list = Json::array();
      for (int i = 0; i < r.FieldSize(message, field); ++i)
        list.push_back(scalar(message, r, field, i));
      out[name] = std::move(list);
    } else {
      out[name] = scalar(message, r, field, -1);
    }
  }
  return out;
}

Json audit_members_of_response(std::string_view aws_name, const Message& response) {
  if (!core::audit::answer_is_data(aws_name)) return aws_members_of(response);
  // The key_id and arn fields of each response type, looked up once per type and thread.
  struct KeyFields {
    const FieldDescriptor* key_id;
    const FieldDescriptor* arn;
  };
  thread_local std::unordered_map<const google::protobuf::Descriptor*, KeyFields> known;
  const auto* descriptor = response.GetDescriptor();
  auto it = known.find(descriptor);
  if (it == known.end()) {
    const auto string_field = [&](const char* name) -> const FieldDescriptor* {
      const FieldDescriptor* field = descriptor->FindFieldByName(name);
      return field && !field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_STRING
                 ? field
                 : nullptr;
    };
    it = known.emplace(descriptor, KeyFields{string_field("key_id"), string_field("arn")}).first;
  }
  Json out = Json::object();
  const Reflection& r = *response.GetReflection();
  if (it->second.key_id) out["KeyId"] = r.GetString(response, it->second.key_id);
  if (it->second.arn) out["ARN"] = r.GetString(response, it->second.arn);
  return out;
}

}  // namespace coffer::server::rpc
