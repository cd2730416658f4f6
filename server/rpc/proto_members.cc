#include "server/rpc/proto_members.h"

#include <google/protobuf/descriptor.h>

#include <cctype>

namespace coffer::server::rpc {

std::string proto_field_name(std::string_view member) {
  std::string name;
  const auto at = [&](std::size_t i) {
    return i < member.size() ? static_cast<unsigned char>(member[i]) : 0;
  };
  for (std::size_t i = 0; i < member.size(); ++i) {
    const auto c = at(i);
    if (std::isupper(c)) {
      // A run of capitals is one word ("RotationLambdaARN" -> rotation_lambda_arn), whose
      // last capital starts the next word when a lower-case letter follows ("ARNName").
      const bool word_start = i > 0 && (!std::isupper(at(i - 1)) || std::islower(at(i + 1)));
      if (word_start) name += '_';
      name += static_cast<char>(std::tolower(c));
    } else {
      name += static_cast<char>(c);
    }
  }
  return name;
}

std::vector<const google::protobuf::FieldDescriptor*> member_fields(
    const core::api::OperationSpec& spec, const google::protobuf::Descriptor& message) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  for (const auto& member : spec.members)
    fields.push_back(message.FindFieldByName(proto_field_name(member.name)));
  return fields;
}

core::api::MemberValue member_value(const google::protobuf::Message& request,
                                    const core::api::Member& member) {
  return member_value(request,
                      request.GetDescriptor()->FindFieldByName(proto_field_name(member.name)),
                      member.required);
}

core::api::MemberValue member_value(const google::protobuf::Message& request,
                                    const google::protobuf::FieldDescriptor* field, bool required) {
  using google::protobuf::FieldDescriptor;
  using Kind = core::api::MemberValue::Kind;
  core::api::MemberValue v;
  if (!field) return v;
  const auto* reflection = request.GetReflection();
  if (field->is_repeated()) {
    if (!required && reflection->FieldSize(request, field) == 0) return v;
    v.kind = field->is_map() ? Kind::kMap : Kind::kList;
    v.size = static_cast<std::size_t>(reflection->FieldSize(request, field));
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      for (int i = 0; i < reflection->FieldSize(request, field); ++i) {
        // A view into the message: GetRepeatedStringReference's scratch copy is not kept.
        v.elements.push_back(reflection->GetRepeatedStringReference(request, field, i, nullptr));
      }
    }
    return v;
  }
  if (field->has_presence() && !reflection->HasField(request, field)) return v;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string& text = reflection->GetStringReference(request, field, nullptr);
      v.kind = field->type() == FieldDescriptor::TYPE_BYTES ? Kind::kBlob : Kind::kString;
      v.text = text;
      v.size = text.size();
      return v;
    }
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
      v.kind = Kind::kInteger;
      v.number = field->cpp_type() == FieldDescriptor::CPPTYPE_INT32
                     ? reflection->GetInt32(request, field)
                 : field->cpp_type() == FieldDescriptor::CPPTYPE_INT64
                     ? reflection->GetInt64(request, field)
                     : std::int64_t{reflection->GetUInt32(request, field)};
      return v;
    case FieldDescriptor::CPPTYPE_BOOL:
      v.kind = Kind::kBoolean;
      return v;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      v.kind = Kind::kStructure;
      return v;
    default:
      v.kind = Kind::kWrongType;
      return v;
  }
}

}  // namespace coffer::server::rpc
