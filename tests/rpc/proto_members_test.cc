// The rpc codec reads its requests through the operation table: every coffer.v1 request
// message is the table's member list in snake_case, with types the validator accepts, so that
// an rpc request is bounded by the same schema as the AWS one.
#include <gtest/gtest.h>

#include <google/protobuf/descriptor.h>

#include <set>
#include <string>

#include "coffer/v1/crypto.pb.h"
#include "coffer/v1/keys.pb.h"
#include "coffer/v1/principals.pb.h"
#include "coffer/v1/quotas.pb.h"
#include "coffer/v1/secrets.pb.h"
#include "common/error.h"
#include "core/api/operations.h"
#include "server/rpc/proto_members.h"

namespace coffer::server::rpc {
namespace {

using core::api::MemberType;
using google::protobuf::FieldDescriptor;

bool compatible(MemberType type, const FieldDescriptor& field) {
  switch (type) {
    case MemberType::kString:
      return field.type() == FieldDescriptor::TYPE_STRING && !field.is_repeated();
    case MemberType::kBlob:
      return field.type() == FieldDescriptor::TYPE_BYTES && !field.is_repeated();
    case MemberType::kInteger:
      return (field.cpp_type() == FieldDescriptor::CPPTYPE_INT32 ||
              field.cpp_type() == FieldDescriptor::CPPTYPE_INT64) &&
             !field.is_repeated();
    case MemberType::kBoolean:
      return field.cpp_type() == FieldDescriptor::CPPTYPE_BOOL;
    case MemberType::kMap:
      return field.is_map();
    case MemberType::kList:
      return field.is_repeated() && !field.is_map();
    case MemberType::kStructure:
    case MemberType::kTimestamp:
      return field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
  }
  return false;
}

TEST(ProtoMembers, FieldNamesAreSnakeCase) {
  EXPECT_EQ(proto_field_name("KeyId"), "key_id");
  EXPECT_EQ(proto_field_name("GrantTokens"), "grant_tokens");
  EXPECT_EQ(proto_field_name("Plaintext"), "plaintext");
  // A run of capitals is one word.
  EXPECT_EQ(proto_field_name("RotationLambdaARN"), "rotation_lambda_arn");
  EXPECT_EQ(proto_field_name("ARNSuffix"), "arn_suffix");
  EXPECT_EQ(proto_field_name("SecretIdList"), "secret_id_list");
}

// The package of an operation's messages: Secrets Manager's reuse KMS's names (TagResource).
std::string message_package(const core::api::OperationSpec& op) {
  return op.service == core::api::Service::kSecretsManager ? "coffer.v1.secrets." : "coffer.v1.";
}

TEST(ProtoMembers, EveryRpcRequestFieldIsATableMemberOfTheRightType) {
  // Linking the generated code registers the messages with the pool.
  coffer::v1::EncryptRequest crypto_linked;
  coffer::v1::CreateKeyRequest keys_linked;
  coffer::v1::secrets::CreateSecretRequest secrets_linked;
  coffer::v1::PutPrincipalPolicyRequest principals_linked;
  coffer::v1::ListServiceQuotasRequest quotas_linked;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int checked = 0;
  for (const auto& op : core::api::all_operations()) {
    if (op.rpc_method.empty()) continue;
    const auto* message =
        pool->FindMessageTypeByName(message_package(op) + std::string(op.aws_name) + "Request");
    ASSERT_NE(message, nullptr) << op.aws_name;
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor& field = *message->field(i);
      const core::api::Member* member = nullptr;
      for (const auto& m : op.members)
        if (proto_field_name(m.name) == field.name()) member = &m;
      ASSERT_NE(member, nullptr) << op.aws_name << "." << field.name() << " is not in the table";
      EXPECT_TRUE(compatible(member->type, field)) << op.aws_name << "." << field.name();
      ++checked;
    }
  }
  EXPECT_GT(checked, 120);
}

// Every Secrets Manager member is offered over rpc, but for those Coffer does not implement
// (replication, external rotation); a member forgotten in secrets.proto would be silently
// unreachable.
TEST(ProtoMembers, EverySecretsMemberHasAField) {
  const std::set<std::string> not_offered = {"CreateSecret.AddReplicaRegions",
                                             "CreateSecret.ForceOverwriteReplicaSecret",
                                             "PutSecretValue.RotationToken",
                                             "UpdateSecret.Type",
                                             "RotateSecret.ExternalSecretRotationMetadata",
                                             "RotateSecret.ExternalSecretRotationRoleArn"};
  coffer::v1::secrets::CreateSecretRequest linked;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int operations = 0;
  for (const auto& op : core::api::all_operations()) {
    if (op.service != core::api::Service::kSecretsManager) continue;
    ++operations;
    const auto* message =
        pool->FindMessageTypeByName(message_package(op) + std::string(op.aws_name) + "Request");
    ASSERT_NE(message, nullptr) << op.aws_name;
    for (const auto& m : op.members) {
      const std::string name = std::string(op.aws_name) + "." + std::string(m.name);
      EXPECT_EQ(message->FindFieldByName(proto_field_name(m.name)) != nullptr,
                not_offered.count(name) == 0)
          << name;
    }
  }
  EXPECT_EQ(operations, 20);
}

// coffer.v1.Principals offers every member of its operations.
TEST(ProtoMembers, EveryPrincipalsMemberHasAField) {
  coffer::v1::PutPrincipalPolicyRequest linked;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int operations = 0;
  for (const auto& op : core::api::all_operations()) {
    if (op.service != core::api::Service::kIam && op.service != core::api::Service::kSts) continue;
    ++operations;
    EXPECT_TRUE(op.rpc_method.starts_with("coffer.v1.Principals/")) << op.rpc_method;
    const auto* message =
        pool->FindMessageTypeByName(message_package(op) + std::string(op.aws_name) + "Request");
    ASSERT_NE(message, nullptr) << op.aws_name;
    for (const auto& m : op.members)
      EXPECT_NE(message->FindFieldByName(proto_field_name(m.name)), nullptr)
          << op.aws_name << "." << m.name;
  }
  EXPECT_EQ(operations, 5);
}

// proto3 cannot tell an empty list from none: an optional list with a minimum length
// (VersionStages: 1..20) is bounded only when it has elements; a required one is present.
TEST(ProtoMembers, AnEmptyOptionalListIsAbsent) {
  const auto validate = [](const auto& request, core::api::Operation op) {
    core::api::validate_request(
        core::api::spec(op), [&](const core::api::Member& m) { return member_value(request, m); });
  };
  coffer::v1::secrets::PutSecretValueRequest put;
  put.set_secret_id("s");
  put.set_secret_string("value");
  EXPECT_NO_THROW(validate(put, core::api::Operation::kPutSecretValue));
  coffer::v1::secrets::BatchGetSecretValueRequest batch;
  batch.add_filters()->set_key("name");
  EXPECT_NO_THROW(validate(batch, core::api::Operation::kBatchGetSecretValue));
  coffer::v1::secrets::UntagResourceRequest untag;
  untag.set_secret_id("s");
  EXPECT_EQ(
      member_value(untag,
                   *core::api::spec(core::api::Operation::kSecretsUntagResource).member("TagKeys"))
          .kind,
      core::api::MemberValue::Kind::kList);
}

TEST(ProtoMembers, SecretsValidationOverRpcGivesTheAwsMessage) {
  coffer::v1::secrets::PutSecretValueRequest request;
  request.set_secret_id("s");
  request.set_client_request_token("short");
  request.set_secret_string("value");
  try {
    core::api::validate_request(
        core::api::spec(core::api::Operation::kPutSecretValue),
        [&](const core::api::Member& m) { return member_value(request, m); });
    FAIL() << "accepted";
  } catch (const coffer::Error& e) {
    EXPECT_EQ(e.code(), coffer::ErrorCode::kValidation);
    EXPECT_STREQ(e.what(),
                 "1 validation error detected: Value 'short' at 'clientRequestToken' failed to "
                 "satisfy constraint: Member must have length greater than or equal to 32");
  }
}

TEST(ProtoMembers, ValidationOverRpcGivesTheAwsMessage) {
  coffer::v1::EncryptRequest request;
  request.set_key_id("k");
  request.set_plaintext(std::string(4097, 'x'));
  try {
    core::api::validate_request(
        core::api::spec(core::api::Operation::kEncrypt),
        [&](const core::api::Member& m) { return member_value(request, m); });
    FAIL() << "accepted";
  } catch (const coffer::Error& e) {
    EXPECT_EQ(e.code(), coffer::ErrorCode::kValidation);
    EXPECT_STREQ(e.what(),
                 "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
                 "Member must "
                 "have length less than or equal to 4096");
  }
}

}  // namespace
}  // namespace coffer::server::rpc
