// The operation table (core/api) and its validator: the table is consistent, every pattern in
// it is one the validator can read, and the validator words AWS's messages.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/error.h"
#include "core/api/key_state_rules.h"
#include "core/api/operations.h"
#include "core/api/validation.h"

namespace coffer::core::api {
namespace {

using Kind = MemberValue::Kind;

std::string message_of(const OperationSpec& spec, const MemberLookup& lookup) {
  try {
    validate_request(spec, lookup);
  } catch (const Error& e) {
    return std::string(e.name()) + ": " + e.what();
  }
  return "ok";
}

MemberValue text(std::string_view s) { return {Kind::kString, s, s.size()}; }
MemberValue number(std::int64_t n) { return {Kind::kInteger, {}, 0, n}; }

TEST(OperationTable, NamesAndMethodsAreUniqueAndFindable) {
  std::set<std::pair<Service, std::string_view>> names;
  std::set<std::string_view> methods;
  for (const auto& op : all_operations()) {
    EXPECT_TRUE(names.insert({op.service, op.aws_name}).second) << op.aws_name;
    EXPECT_EQ(find_aws(op.service, op.aws_name), &op);
    EXPECT_EQ(&spec(op.operation), &op);
    if (op.rpc_method.empty()) continue;
    EXPECT_TRUE(methods.insert(op.rpc_method).second) << op.rpc_method;
    EXPECT_EQ(find_rpc(op.rpc_method), &op);
    EXPECT_TRUE(op.rpc_method.ends_with("/" + std::string(op.aws_name))) << op.rpc_method;
  }
  EXPECT_EQ(names.size(), kOperationCount);
  EXPECT_EQ(find_aws(Service::kKms, "NoSuchOperation"), nullptr);
  // The same name in two services is two operations.
  EXPECT_EQ(find_aws(Service::kKms, "TagResource")->operation, Operation::kTagResource);
  EXPECT_EQ(find_aws(Service::kSecretsManager, "TagResource")->operation,
            Operation::kSecretsTagResource);
  EXPECT_EQ(find_aws(Service::kKms, "CreateSecret"), nullptr);
  EXPECT_EQ(find_rpc(""), nullptr);
}

TEST(OperationTable, OnlyKeyVersionAndGrantCreationIsNotIdempotent) {
  // Secrets Manager's creations carry a ClientRequestToken, which makes a re-send safe; a
  // CreateGrant without a Name makes a second grant.
  for (const auto& op : all_operations()) {
    const bool creates = op.operation == Operation::kCreateKey ||
                         op.operation == Operation::kRotateKeyOnDemand ||
                         op.operation == Operation::kCreateGrant;
    EXPECT_EQ(op.idempotent, !creates) << op.aws_name;
  }
  EXPECT_TRUE(spec(Operation::kScheduleKeyDeletion).mutates);
  EXPECT_FALSE(spec(Operation::kEncrypt).mutates);
}

TEST(OperationTable, PlaintextsAreSensitiveAndBoundedAsBotocoreSays) {
  const Member* plaintext = spec(Operation::kEncrypt).member("Plaintext");
  ASSERT_NE(plaintext, nullptr);
  EXPECT_TRUE(plaintext->sensitive);
  EXPECT_EQ(plaintext->max, 4096);
  EXPECT_TRUE(plaintext->required);
  EXPECT_EQ(spec(Operation::kEncrypt).member("KeyId")->key_id_forms, KeyIdForms::kAny);
  EXPECT_EQ(spec(Operation::kEnableKeyRotation).member("KeyId")->key_id_forms,
            KeyIdForms::kKeyIdOrArn);
  EXPECT_EQ(spec(Operation::kCreateAlias).member("TargetKeyId")->key_id_forms,
            KeyIdForms::kKeyIdOrArn);
}

TEST(OperationTable, EveryPatternIsOneTheValidatorReads) {
  for (const auto& op : all_operations()) {
    for (const auto& m : op.members) {
      if (!m.pattern.empty()) {
        EXPECT_TRUE(understood_pattern(m.pattern)) << op.aws_name << "." << m.name;
      }
    }
  }
}

TEST(Validation, AwsMessages) {
  const auto& create_key = spec(Operation::kCreateKey);
  EXPECT_EQ(message_of(
                create_key,
                [](const Member& m) { return m.name == "KeySpec" ? text("NOPE") : MemberValue{}; }),
            "ValidationException: 1 validation error detected: Value 'NOPE' at 'keySpec' failed to "
            "satisfy "
            "constraint: Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, "
            "ECC_NIST_P256, "
            "ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, "
            "HMAC_384, "
            "HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519]");
  const auto& encrypt = spec(Operation::kEncrypt);
  EXPECT_EQ(
      message_of(encrypt,
                 [](const Member& m) {
                   if (m.name == "KeyId") return text("k");
                   if (m.name == "Plaintext") return MemberValue{Kind::kBlob, {}, 4097};
                   return MemberValue{};
                 }),
      "ValidationException: 1 validation error detected: Value at 'plaintext' failed to satisfy "
      "constraint: Member must have length less than or equal to 4096");
  EXPECT_EQ(
      message_of(encrypt, [](const Member&) { return MemberValue{}; }),
      "ValidationException: 2 validation errors detected: Value null at 'keyId' failed to satisfy "
      "constraint: Member must not be null; Value null at 'plaintext' failed to satisfy "
      "constraint: "
      "Member must not be null");
  EXPECT_EQ(message_of(spec(Operation::kGenerateRandom),
                       [](const Member& m) {
                         return m.name == "NumberOfBytes" ? number(0) : MemberValue{};
                       }),
            "ValidationException: 1 validation error detected: Value '0' at 'numberOfBytes' failed "
            "to satisfy "
            "constraint: Member must have value greater than or equal to 1");
  EXPECT_EQ(
      message_of(
          spec(Operation::kCreateAlias),
          [](const Member& m) { return m.name == "AliasName" ? text("alias/a b") : text("k"); }),
      "ValidationException: 1 validation error detected: Value 'alias/a b' at 'aliasName' failed "
      "to "
      "satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
  EXPECT_EQ(
      message_of(encrypt,
                 [](const Member& m) { return m.name == "KeyId" ? number(1) : MemberValue{}; }),
      "SerializationException: Unexpected value type for member 'keyId'");
}

TEST(Validation, PatternsMatchCodePoints) {
  const std::string_view policy = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+";
  EXPECT_TRUE(matches_pattern("{\"a\":\t\"\xc3\xa9\"}", policy));  // é is U+00E9
  EXPECT_FALSE(matches_pattern("\xe2\x82\xac", policy));           // € is U+20AC
  EXPECT_FALSE(matches_pattern("\x01", policy));
  EXPECT_FALSE(matches_pattern("\xc3", policy));  // truncated UTF-8
  EXPECT_FALSE(matches_pattern("", policy));
  EXPECT_TRUE(matches_pattern("", "[\\u0020-\\u00FF]*"));
  // A 128 KiB policy is matched without recursion (std::regex would overflow the stack).
  EXPECT_TRUE(matches_pattern(std::string(131072, 'a'), policy));
}

TEST(KeyStateRules, FollowAwsTable) {
  EXPECT_EQ(key_state_outcome(Operation::kEncrypt, AwsKeyState::kDisabled),
            StateOutcome::kDisabled);
  EXPECT_EQ(key_state_outcome(Operation::kEncrypt, AwsKeyState::kPendingDeletion),
            StateOutcome::kInvalidState);
  EXPECT_EQ(key_state_outcome(Operation::kDescribeKey, AwsKeyState::kPendingDeletion),
            StateOutcome::kAllowed);
  EXPECT_EQ(key_state_outcome(Operation::kTagResource, AwsKeyState::kPendingDeletion),
            StateOutcome::kInvalidState);
  EXPECT_EQ(key_state_outcome(Operation::kCancelKeyDeletion, AwsKeyState::kEnabled),
            StateOutcome::kNotPendingDeletion);
  EXPECT_FALSE(names_a_key(Operation::kCreateKey));
  EXPECT_FALSE(names_a_key(Operation::kGenerateRandom));
  const std::string arn = "arn:aws:kms:us-east-1:111122223333:key/k";
  try {
    require_key_state(Operation::kSign, KeyState::kPendingDeletion, arn);
    FAIL() << "allowed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidState);
    EXPECT_EQ(std::string(e.what()), arn + " is pending deletion.");
  }
  try {
    require_key_state(Operation::kSign, KeyState::kDisabled, arn);
    FAIL() << "allowed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDisabled);
    EXPECT_EQ(std::string(e.what()), arn + " is disabled.");
  }
}

// Every operation that names a key has a row, and only those that do not are rowless.
TEST(KeyStateRules, EveryOperationWithAKeyIdHasARow) {
  for (const auto& op : all_operations()) {
    bool has_key_member = false;
    for (const auto& m : op.members)
      has_key_member = has_key_member || m.key_id_forms != KeyIdForms::kNotAKey;
    EXPECT_EQ(names_a_key(op.operation), has_key_member) << op.aws_name;
  }
}

}  // namespace
}  // namespace coffer::core::api
