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

// "KeyId" -> "key_id", "GrantTokens" -> "grant_tokens", "RotationLambdaARN" ->
// "rotation_lambda_arn".
std::string proto_field_name(std::string_view member);

// The field of each of the operation's members in `message` (nullptr where it has none), in
// member order.
std::vector<const google::protobuf::FieldDescriptor*> member_fields(
    const core::api::OperationSpec& spec, const google::protobuf::Descriptor& message);

// A member whose field is nullptr is absent. Fields without presence (proto3 scalars) are
// always present with their value: an empty KeyId is "too short", as over AWS JSON.
// A repeated field with no element is absent unless the member is required: proto3 cannot
// tell an empty list from none, and an optional list's minimum length (PutSecretValue's
// VersionStages: 1) bounds only a list that was given.
core::api::MemberValue member_value(const google::protobuf::Message& request,
                                    const google::protobuf::FieldDescriptor* field, bool required);
core::api::MemberValue member_value(const google::protobuf::Message& request,
                                    const core::api::Member& member);

}  // namespace coffer::server::rpc
