// The rpc codec's view of a request member for core/api's validator: the protobuf field whose
// name is the member's in snake_case ("KeyId" -> key_id), read through reflection, so that
// one schema (botocore's) bounds both front ends with the same messages.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/api/validation.h"

namespace coffer::server::rpc {

// "KeyId" -> "key_id", "GrantTokens" -> "grant_tokens".
std::string proto_field_name(std::string_view member);

// The field of each of the operation's members in `message` (nullptr where it has none), in
// member order.
std::vector<const google::protobuf::FieldDescriptor*> member_fields(
    const core::api::OperationSpec& spec, const google::protobuf::Descriptor& message);

// A member whose field is nullptr is absent. Fields without presence (proto3 scalars) are
// always present with their value: an empty KeyId is "too short", as over AWS JSON.
core::api::MemberValue member_value(const google::protobuf::Message& request,
                                    const google::protobuf::FieldDescriptor* field);
core::api::MemberValue member_value(const google::protobuf::Message& request,
                                    const core::api::Member& member);

}  // namespace coffer::server::rpc
