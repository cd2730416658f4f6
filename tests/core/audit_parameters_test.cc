// What of a request and a response may enter the audit trail: a whitelist, renamed to
// CloudTrail's lowerCamelCase. Every secret-bearing member, and every member the whitelist
// does not know, is dropped, whatever its value looks like.
#include "core/audit/audit_parameters.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace coffer::core::audit {
namespace {

using nlohmann::json;

// A value no kept member may ever contain.
constexpr const char* kSecret = "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1sZWFr";

struct DroppedCase {
  const char* event_name;
  const char* member;
};

void PrintTo(const DroppedCase& c, std::ostream* os) { *os << c.event_name << "." << c.member; }

std::string dropped_name(const ::testing::TestParamInfo<DroppedCase>& info) {
  return std::string(info.param.event_name) + "_" + info.param.member;
}

// Every value shape a member could have: none of them may carry the member through.
const json kSecretShapes[] = {
    kSecret,
    json::array({kSecret}),
    json{{"Nested", kSecret}},
    json::array({json{{"TagKey", kSecret}}}),
    12345,
    true,
};

class RequestSecretsTest : public ::testing::TestWithParam<DroppedCase> {};

TEST_P(RequestSecretsTest, AreNeverKept) {
  const DroppedCase& c = GetParam();
  const json without = audit_request_parameters(c.event_name, json{{"KeyId", "alias/app"}});
  for (const json& value : kSecretShapes) {
    const json request = {{"KeyId", "alias/app"}, {c.member, value}};
    const json kept = audit_request_parameters(c.event_name, request);
    // Adding the member changes nothing, whatever its value.
    EXPECT_EQ(kept, without) << value.dump();
    EXPECT_EQ(kept.dump().find(kSecret), std::string::npos) << kept.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Audit, RequestSecretsTest,
    ::testing::Values(
        DroppedCase{"Encrypt", "Plaintext"}, DroppedCase{"Decrypt", "CiphertextBlob"},
        DroppedCase{"ReEncrypt", "CiphertextBlob"}, DroppedCase{"CreateSecret", "SecretString"},
        DroppedCase{"CreateSecret", "SecretBinary"}, DroppedCase{"PutSecretValue", "SecretString"},
        DroppedCase{"PutSecretValue", "SecretBinary"}, DroppedCase{"UpdateSecret", "SecretString"},
        DroppedCase{"CreateSecret", "ClientRequestToken"}, DroppedCase{"Sign", "Message"},
        DroppedCase{"Verify", "Message"}, DroppedCase{"Verify", "Signature"},
        DroppedCase{"GenerateMac", "Message"}, DroppedCase{"VerifyMac", "Mac"},
        DroppedCase{"DeriveSharedSecret", "PublicKey"},
        DroppedCase{"ImportKeyMaterial", "EncryptedKeyMaterial"},
        DroppedCase{"ImportKeyMaterial", "ImportToken"}, DroppedCase{"PutKeyPolicy", "Policy"},
        DroppedCase{"CreateKey", "Policy"}, DroppedCase{"PutResourcePolicy", "ResourcePolicy"},
        DroppedCase{"Decrypt", "Recipient"}, DroppedCase{"GenerateDataKey", "Recipient"},
        DroppedCase{"Encrypt", "SomethingNew"}, DroppedCase{"Encrypt", "plaintext"},
        DroppedCase{"Encrypt", "keyId"}, DroppedCase{"Encrypt", "KEYID"}),
    dropped_name);

class ResponseSecretsTest : public ::testing::TestWithParam<DroppedCase> {};

TEST_P(ResponseSecretsTest, AreNeverKept) {
  const DroppedCase& c = GetParam();
  for (const json& value : kSecretShapes) {
    const json response = {{"KeyId", "arn:aws:kms:us-east-1:111122223333:key/k"},
                           {c.member, value}};
    const json kept = audit_response_elements(c.event_name, response);
    EXPECT_EQ(kept.dump().find(kSecret), std::string::npos) << kept.dump();
    // The whitelist itself, under an operation whose answer is not data as a whole.
    EXPECT_EQ(audit_response_elements("DescribeKey", response),
              (json{{"keyId", "arn:aws:kms:us-east-1:111122223333:key/k"}}));
  }
}

// As CloudTrail writes them: the answers of cryptographic operations and GetSecretValue are
// data, recorded as null (the key is in "resources"); management answers keep identifiers.
TEST(AuditResponseElements, AreNullForDataAnswers) {
  const json response = {{"KeyId", "arn:aws:kms:us-east-1:111122223333:key/k"}};
  for (const char* name :
       {"Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify",
        "GenerateMac", "VerifyMac", "GenerateRandom", "DeriveSharedSecret", "GetSecretValue"})
    EXPECT_TRUE(audit_response_elements(name, response).is_null()) << name;
  for (const char* name : {"CreateKey", "DescribeKey", "ScheduleKeyDeletion", "CreateGrant"})
    EXPECT_FALSE(audit_response_elements(name, response).is_null()) << name;
}

INSTANTIATE_TEST_SUITE_P(
    Audit, ResponseSecretsTest,
    ::testing::Values(DroppedCase{"Decrypt", "Plaintext"}, DroppedCase{"Encrypt", "CiphertextBlob"},
                      DroppedCase{"GenerateDataKey", "Plaintext"},
                      DroppedCase{"GenerateDataKey", "CiphertextBlob"},
                      DroppedCase{"GenerateDataKey", "CiphertextForRecipient"},
                      DroppedCase{"GetSecretValue", "SecretString"},
                      DroppedCase{"GetSecretValue", "SecretBinary"},
                      DroppedCase{"Sign", "Signature"}, DroppedCase{"GetPublicKey", "PublicKey"},
                      DroppedCase{"GenerateDataKeyPair", "PrivateKeyPlaintext"},
                      DroppedCase{"GenerateDataKeyPair", "PrivateKeyCiphertextBlob"},
                      DroppedCase{"GenerateDataKeyPair", "PublicKey"},
                      DroppedCase{"GenerateMac", "Mac"},
                      DroppedCase{"GetParametersForImport", "ImportToken"},
                      DroppedCase{"GetRandomPassword", "RandomPassword"},
                      DroppedCase{"GenerateRandom", "Plaintext"},
                      DroppedCase{"DeriveSharedSecret", "SharedSecret"},
                      DroppedCase{"GetKeyPolicy", "Policy"},
                      DroppedCase{"Decrypt", "SomethingNew"}),
    dropped_name);

struct KeptCase {
  const char* name;
  const char* event_name;
  json request;
  json expected;
};

void PrintTo(const KeptCase& c, std::ostream* os) { *os << c.name; }

std::string kept_name(const ::testing::TestParamInfo<KeptCase>& info) { return info.param.name; }

class RequestKeptTest : public ::testing::TestWithParam<KeptCase> {};

TEST_P(RequestKeptTest, KeepsSafeMembersUnderCloudTrailNames) {
  const KeptCase& c = GetParam();
  EXPECT_EQ(audit_request_parameters(c.event_name, c.request), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Audit, RequestKeptTest,
    ::testing::Values(
        // CloudTrail's Decrypt entry always shows the algorithm, even when the request left it out.
        KeptCase{"DecryptDefaultsAlgorithm",
                 "Decrypt",
                 {{"CiphertextBlob", "AQID"}, {"EncryptionContext", {{"Dept", "IT"}}}},
                 {{"encryptionAlgorithm", "SYMMETRIC_DEFAULT"},
                  {"encryptionContext", {{"Dept", "IT"}}}}},
        KeptCase{
            "EncryptKeepsGivenAlgorithm",
            "Encrypt",
            {{"KeyId", "k"}, {"Plaintext", "AQID"}, {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"}},
            {{"keyId", "k"}, {"encryptionAlgorithm", "RSAES_OAEP_SHA_256"}}},
        KeptCase{"ReEncrypt",
                 "ReEncrypt",
                 {{"CiphertextBlob", "AQID"},
                  {"DestinationKeyId", "d"},
                  {"SourceKeyId", "s"},
                  {"SourceEncryptionContext", {{"a", "1"}}},
                  {"DestinationEncryptionContext", {{"b", "2"}}},
                  {"GrantTokens", {"t1"}}},
                 {{"destinationKeyId", "d"},
                  {"sourceKeyId", "s"},
                  {"sourceEncryptionContext", {{"a", "1"}}},
                  {"destinationEncryptionContext", {{"b", "2"}}},
                  {"grantTokens", {"t1"}},
                  {"sourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT"},
                  {"destinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT"}}},
        KeptCase{"GenerateDataKey",
                 "GenerateDataKey",
                 {{"KeyId", "k"}, {"KeySpec", "AES_256"}, {"NumberOfBytes", 32}},
                 {{"keyId", "k"}, {"keySpec", "AES_256"}, {"numberOfBytes", 32}}},
        KeptCase{"CreateKeyDropsPolicyKeepsTagKeys",
                 "CreateKey",
                 {{"Description", "d"},
                  {"KeyUsage", "SIGN_VERIFY"},
                  {"KeySpec", "ECC_NIST_P256"},
                  {"Policy", "{\"Statement\":[]}"},
                  {"BypassPolicyLockoutSafetyCheck", false},
                  {"Tags", {{{"TagKey", "team"}, {"TagValue", "payroll"}}}}},
                 {{"description", "d"},
                  {"keyUsage", "SIGN_VERIFY"},
                  {"keySpec", "ECC_NIST_P256"},
                  {"bypassPolicyLockoutSafetyCheck", false},
                  {"tags", {{{"tagKey", "team"}}}}}},
        KeptCase{"PutKeyPolicy",
                 "PutKeyPolicy",
                 {{"KeyId", "k"}, {"PolicyName", "default"}, {"Policy", "{}"}},
                 {{"keyId", "k"}, {"policyName", "default"}}},
        KeptCase{"Aliases",
                 "UpdateAlias",
                 {{"AliasName", "alias/a"}, {"TargetKeyId", "k"}},
                 {{"aliasName", "alias/a"}, {"targetKeyId", "k"}}},
        KeptCase{"SignKeepsAlgorithmsNotMessage",
                 "Sign",
                 {{"KeyId", "k"},
                  {"Message", "AQID"},
                  {"MessageType", "RAW"},
                  {"SigningAlgorithm", "ECDSA_SHA_256"}},
                 {{"keyId", "k"}, {"messageType", "RAW"}, {"signingAlgorithm", "ECDSA_SHA_256"}}},
        KeptCase{"GenerateMac",
                 "GenerateMac",
                 {{"KeyId", "k"}, {"Message", "AQID"}, {"MacAlgorithm", "HMAC_SHA_256"}},
                 {{"keyId", "k"}, {"macAlgorithm", "HMAC_SHA_256"}}},
        KeptCase{"ScheduleKeyDeletion",
                 "ScheduleKeyDeletion",
                 {{"KeyId", "k"}, {"PendingWindowInDays", 7}},
                 {{"keyId", "k"}, {"pendingWindowInDays", 7}}},
        KeptCase{"CreateGrant",
                 "CreateGrant",
                 {{"KeyId", "k"},
                  {"GranteePrincipal", "arn:aws:iam::1:role/a"},
                  {"RetiringPrincipal", "arn:aws:iam::1:role/b"},
                  {"Operations", {"Decrypt"}},
                  {"Name", "g"},
                  {"Constraints", {{"EncryptionContextSubset", {{"x", "y"}}}, {"Other", "z"}}}},
                 {{"keyId", "k"},
                  {"granteePrincipal", "arn:aws:iam::1:role/a"},
                  {"retiringPrincipal", "arn:aws:iam::1:role/b"},
                  {"operations", {"Decrypt"}},
                  {"name", "g"},
                  {"constraints", {{"encryptionContextSubset", {{"x", "y"}}}}}}},
        KeptCase{"RevokeGrant",
                 "RevokeGrant",
                 {{"KeyId", "k"}, {"GrantId", "g1"}},
                 {{"keyId", "k"}, {"grantId", "g1"}}},
        KeptCase{"GetSecretValue",
                 "GetSecretValue",
                 {{"SecretId", "app/db"}, {"VersionId", "v1"}, {"VersionStage", "AWSCURRENT"}},
                 {{"secretId", "app/db"}, {"versionId", "v1"}, {"versionStage", "AWSCURRENT"}}},
        KeptCase{"CreateSecret",
                 "CreateSecret",
                 {{"Name", "app/db"},
                  {"KmsKeyId", "alias/app"},
                  {"SecretString", "p"},
                  {"ClientRequestToken", "tok"},
                  {"Tags", {{{"Key", "env"}, {"Value", "prod"}}}}},
                 {{"name", "app/db"}, {"kmsKeyId", "alias/app"}, {"tags", {{{"key", "env"}}}}}},
        KeptCase{"RotateSecret",
                 "RotateSecret",
                 {{"SecretId", "s"},
                  {"RotationRules", {{"AutomaticallyAfterDays", 30}, {"SecretString", "p"}}},
                  {"RotateImmediately", false}},
                 {{"secretId", "s"},
                  {"rotationRules", {{"automaticallyAfterDays", 30}}},
                  {"rotateImmediately", false}}},
        KeptCase{"ListKeysHasNothingToKeep", "ListKeys", json::object(), nullptr},
        KeptCase{"NotAnObject", "Encrypt", json::array({1, 2}), nullptr},
        // A safe name with the wrong shape is dropped: nothing hides under a harmless name.
        KeptCase{"WrongShapesDropped",
                 "CreateKey",
                 {{"Description", {{"Plaintext", "x"}}},
                  {"KeyId", 7},
                  {"EncryptionContext", {{"a", {{"b", "c"}}}}},
                  {"GrantTokens", {"t", 1}},
                  {"NumberOfBytes", "32"},
                  {"MultiRegion", "true"},
                  {"Tags", "team"}},
                 nullptr}),
    kept_name);

TEST(AuditResponseElementsTest, KeepsOnlyIdentifiers) {
  const json response = {{"KeyMetadata",
                          {{"KeyId", "k"},
                           {"Arn", "arn:aws:kms:us-east-1:1:key/k"},
                           {"KeyState", "Enabled"},
                           {"Description", "secret plans"},
                           {"CreationDate", 1.7e9}}},
                         {"ARN", "arn:aws:secretsmanager:us-east-1:1:secret:s"},
                         {"Name", "s"},
                         {"VersionId", "v"},
                         {"GrantId", "g"},
                         {"GrantToken", "t"},
                         {"KeyMaterialId", "m"}};
  EXPECT_EQ(
      audit_response_elements("CreateKey", response),
      (json{{"keyMetadata",
             {{"keyId", "k"}, {"arn", "arn:aws:kms:us-east-1:1:key/k"}, {"keyState", "Enabled"}}},
            {"arn", "arn:aws:secretsmanager:us-east-1:1:secret:s"},
            {"name", "s"},
            {"versionId", "v"},
            {"grantId", "g"}}));
}

TEST(AuditResponseElementsTest, NullWhenNothingIsKept) {
  EXPECT_TRUE(audit_response_elements("Decrypt", json{{"Plaintext", "AQID"}}).is_null());
  EXPECT_TRUE(audit_response_elements("ListKeys", json()).is_null());
  EXPECT_TRUE(audit_response_elements("Encrypt", json("text")).is_null());
}

}  // namespace
}  // namespace coffer::core::audit
