// Issue 16 for Secrets Manager: a secret's resource policy decides for principals other than
// the account's root; an explicit Deny refuses everyone; operations on no secret are the
// root's until identity policies exist. KMS sees the same caller through Secrets Manager.
#include <gmock/gmock.h>

#include "core/model/caller.h"
#include "tests/core/secrets_fixture.h"

namespace coffer::testing {
namespace {

using ::testing::HasSubstr;

class SecretsAuthorizationTest : public SecretsTest {
 protected:
  core::Caller root_{"admin", "", "", ""};
  core::Caller app_role_{"role/AppRole", "", "", ""};
};

TEST_F(SecretsAuthorizationTest, AResourcePolicyGrantsARoleWhatItNamesAndNothingElse) {
  core::SecretVersionRef ref;
  std::string key;
  {
    core::CallerScope as(&root_);
    ref = create("app/db", "s3cr3t");
    create("other", "not yours");
    secrets_->put_resource_policy("app/db", R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},
       "Action":"secretsmanager:GetSecretValue","Resource":"*"}]})",
                                  true);
    key = service_->describe_key("alias/aws/secretsmanager").arn;
  }
  core::CallerScope as(&app_role_);
  // Through Secrets Manager the role may use the aws/secretsmanager key (its managed policy).
  EXPECT_EQ(get("app/db"), "s3cr3t");
  EXPECT_THAT([&] { get("other"); },
              ThrowsError(ErrorCode::kAccessDenied,
                          HasSubstr("User: arn:aws:iam::111122223333:role/AppRole is not "
                                    "authorized to perform: secretsmanager:GetSecretValue")));
  EXPECT_THAT([&] { put("app/db", "changed"); },
              ThrowsError(ErrorCode::kAccessDenied, HasSubstr("secretsmanager:PutSecretValue")));
  EXPECT_THAT([&] { secrets_->describe_secret("app/db"); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT([&] { create("mine", "x"); },
              ThrowsError(ErrorCode::kAccessDenied, HasSubstr("secretsmanager:CreateSecret")));
  EXPECT_THAT([&] { secrets_->list_secrets({}); }, ThrowsError(ErrorCode::kAccessDenied));
  // The role may not use the managed key directly, only through Secrets Manager.
  EXPECT_THAT([&] { service_->describe_key(key); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT(
      [&] {
        service_->encrypt({key, as_bytes(std::string_view("x")), {}, std::nullopt});
      },
      ThrowsError(ErrorCode::kAccessDenied));
  core::CallerScope as_root(&root_);
  EXPECT_EQ(get("app/db"), "s3cr3t");  // nothing changed
}

TEST_F(SecretsAuthorizationTest, AnExplicitDenyRefusesEvenTheRootAndReadsFromTheCacheToo) {
  core::CallerScope as(&root_);
  create("frozen", "v1");
  EXPECT_EQ(get("frozen"), "v1");  // now in the read cache
  secrets_->put_resource_policy("frozen", R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Deny","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]})",
                                true);
  EXPECT_THAT([&] { get("frozen"); },
              ThrowsError(ErrorCode::kAccessDenied, HasSubstr("explicit deny")));
  EXPECT_THAT([&] { get("frozen"); }, ThrowsError(ErrorCode::kAccessDenied));  // cached again
  secrets_->delete_resource_policy("frozen");
  EXPECT_EQ(get("frozen"), "v1");
}

}  // namespace
}  // namespace coffer::testing
