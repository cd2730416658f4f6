// Issue 16: the condition keys a request itself fills, evaluated in identity policies of
// role/AppRole under the default key policy (which delegates to them):
//   kms:RequestAlias         the alias the request named the key by ("alias/NAME")
//   kms:ResourceAliases      the aliases of the key (multivalued), kept current as aliases move
//   kms:EncryptionAlgorithm  what Encrypt, Decrypt, ReEncrypt asked for (SYMMETRIC_DEFAULT
//                            when they did not say; always it for GenerateDataKey)
//   kms:SigningAlgorithm     what Sign and Verify asked for
// and the alias resource: alias operations need permission on the alias's ARN as well.
#include <gmock/gmock.h>

#include "core/model/caller.h"
#include "core/service/identity_policies.h"
#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

constexpr const char* kAppRole = "arn:aws:iam::111122223333:role/AppRole";
constexpr const char* kAliasArnPrefix = "arn:aws:kms:us-east-1:111122223333:alias/";

// Allows `actions` on every resource when `condition` (a JSON object, or empty) holds.
std::string allow_if(const std::string& actions, const std::string& condition) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":)" + actions +
         R"(,"Resource":"*")" + (condition.empty() ? "" : R"(,"Condition":)" + condition) + "}]}";
}

class RequestConditionKeysTest : public ServiceTest {
 protected:
  void role_may(const std::string& policy) {
    service_->identity_policies().put(kAppRole, "Test", policy);
  }
  bool role_can_encrypt(const std::string& reference) {
    core::CallerScope as(&app_role_);
    try {
      encrypt(reference, "x");
      return true;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kAccessDenied) throw;
      return false;
    }
  }
  core::Caller app_role_{"role/AppRole", "", "", ""};
};

TEST_F(RequestConditionKeysTest, RequestAliasIsTheAliasTheRequestNamed) {
  const std::string key = create_symmetric_key();
  service_->create_alias("alias/app", key);
  role_may(allow_if(R"("kms:Encrypt")", R"({"StringEquals":{"kms:RequestAlias":"alias/app"}})"));
  EXPECT_TRUE(role_can_encrypt("alias/app"));
  EXPECT_TRUE(role_can_encrypt(std::string(kAliasArnPrefix) + "app"));
  EXPECT_FALSE(role_can_encrypt(key));  // the same key, not named by the alias
  EXPECT_FALSE(role_can_encrypt("arn:aws:kms:us-east-1:111122223333:key/" + key));
}

TEST_F(RequestConditionKeysTest, ResourceAliasesFollowTheAliasesOfTheKey) {
  const std::string finance = create_symmetric_key();
  const std::string other = create_symmetric_key();
  role_may(allow_if(R"("kms:Encrypt")",
                    R"({"ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/finance"}})"));
  EXPECT_FALSE(role_can_encrypt(finance));  // no alias yet
  service_->create_alias("alias/finance", finance);
  service_->create_alias("alias/also-finance", finance);
  EXPECT_TRUE(role_can_encrypt(finance));  // by key id: the key's aliases count, not the request's
  EXPECT_FALSE(role_can_encrypt(other));
  service_->update_alias("alias/finance", other);  // the alias moves: so does the permission
  EXPECT_FALSE(role_can_encrypt(finance));
  EXPECT_TRUE(role_can_encrypt(other));
  service_->delete_alias("alias/finance");
  EXPECT_FALSE(role_can_encrypt(other));
}

TEST_F(RequestConditionKeysTest, EncryptionAlgorithmIsWhatTheRequestAskedFor) {
  const std::string key = create_symmetric_key();
  role_may(allow_if(R"(["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey"])",
                    R"({"StringEquals":{"kms:EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}})"));
  core::CallerScope as(&app_role_);
  const auto blob = service_->encrypt({key, as_bytes("x"), {}, std::nullopt}).ciphertext_blob;
  EXPECT_NO_THROW(service_->encrypt({key, as_bytes("x"), {}, "SYMMETRIC_DEFAULT"}));
  EXPECT_NO_THROW(service_->decrypt({blob, {}, std::nullopt, std::nullopt}));
  EXPECT_NO_THROW(service_->generate_data_key({.key_id = key, .key_spec = "AES_256"}));
  // A policy that names another algorithm refuses the same calls.
  service_->identity_policies().put(
      kAppRole, "Test",
      allow_if(R"(["kms:Encrypt","kms:Decrypt"])",
               R"({"StringEquals":{"kms:EncryptionAlgorithm":"RSAES_OAEP_SHA_256"}})"));
  EXPECT_THAT(
      [&] {
        service_->encrypt({key, as_bytes("x"), {}, std::nullopt});
      },
      ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT(
      [&] {
        service_->decrypt({blob, {}, std::nullopt, std::nullopt});
      },
      ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(RequestConditionKeysTest, SigningAlgorithmIsWhatTheRequestAskedFor) {
  core::CreateKeyRequest create;
  create.key_usage = "SIGN_VERIFY";
  create.key_spec = "ECC_NIST_P256";
  const std::string key = service_->create_key(create).key_id;
  const std::string message = "signed";
  role_may(allow_if(R"(["kms:Sign","kms:Verify"])",
                    R"({"StringEquals":{"kms:SigningAlgorithm":"ECDSA_SHA_256"}})"));
  core::CallerScope as(&app_role_);
  const auto signed_message = service_->sign(
      {.key_id = key, .message = as_bytes(message), .signing_algorithm = "ECDSA_SHA_256"});
  EXPECT_TRUE(service_
                  ->verify({.key_id = key,
                            .message = as_bytes(message),
                            .signature = signed_message.signature,
                            .signing_algorithm = "ECDSA_SHA_256"})
                  .signature_valid);
  service_->identity_policies().put(
      kAppRole, "Test",
      allow_if(R"(["kms:Sign","kms:Verify"])",
               R"({"StringEquals":{"kms:SigningAlgorithm":"ECDSA_SHA_384"}})"));
  EXPECT_THAT(
      [&] {
        service_->sign(
            {.key_id = key, .message = as_bytes(message), .signing_algorithm = "ECDSA_SHA_256"});
      },
      ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(RequestConditionKeysTest, AliasOperationsNeedPermissionOnTheAliasToo) {
  const std::string key = create_symmetric_key();
  const std::string key_arn = "arn:aws:kms:us-east-1:111122223333:key/" + key;
  service_->identity_policies().put(kAppRole, "Aliases",
                                    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
          "Action":["kms:CreateAlias","kms:UpdateAlias","kms:DeleteAlias"],
          "Resource":[")" + key_arn + R"(",")" +
                                        kAliasArnPrefix + R"(app-*"]}]})");
  core::CallerScope as(&app_role_);
  EXPECT_NO_THROW(service_->create_alias("alias/app-one", key));
  EXPECT_THAT([&] { service_->create_alias("alias/other", key); },
              ThrowsError(ErrorCode::kAccessDenied, ::testing::HasSubstr("alias/other")));
  EXPECT_NO_THROW(service_->delete_alias("alias/app-one"));
  {
    core::CallerScope as_root(nullptr);
    service_->create_alias("alias/admins", key);
  }
  EXPECT_THAT([&] { service_->delete_alias("alias/admins"); },
              ThrowsError(ErrorCode::kAccessDenied));
}

}  // namespace
}  // namespace coffer::testing
