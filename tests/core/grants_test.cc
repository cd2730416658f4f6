// Issue 16: grants. A grant lets its grantee use a key for its operations (with its encryption
// context constraints) at once; retiring or revoking it takes that away; a Deny in a policy
// still wins; a grant that allows CreateGrant hands on no more than it has.
#include <gmock/gmock.h>

#include "core/model/caller.h"
#include "core/service/grant_rules.h"
#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kAppRole = "arn:aws:iam::111122223333:role/AppRole";
constexpr const char* kRetirer = "arn:aws:iam::111122223333:user/retirer";
constexpr const char* kRoot = "arn:aws:iam::111122223333:root";

class GrantTest : public ServiceTest {
 protected:
  core::CreateGrantResult grant(const std::string& key, std::vector<std::string> operations,
                                std::optional<core::EncryptionContext> equals = std::nullopt,
                                std::optional<core::EncryptionContext> subset = std::nullopt,
                                std::string grantee = kAppRole) {
    core::CreateGrantRequest request;
    request.key_id = key;
    request.grantee_principal = std::move(grantee);
    request.retiring_principal = kRetirer;
    request.operations = std::move(operations);
    request.context_equals = std::move(equals);
    request.context_subset = std::move(subset);
    return service_->create_grant(request);
  }
  core::Caller root_{"admin", "", "", ""};
  core::Caller app_role_{"role/AppRole", "", "", ""};
  core::Caller retirer_{"user/retirer", "", "", ""};
  core::Caller stranger_{"user/mallory", "", "", ""};
};

TEST_F(GrantTest, AGrantAllowsItsOperationsAtOnceAndNothingElse) {
  const std::string key = create_symmetric_key();
  {
    core::CallerScope as(&app_role_);
    EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
  }
  const auto made = grant(key, {"Encrypt", "Decrypt"});
  EXPECT_EQ(made.grant_id.size(), 64u);
  core::CallerScope as(&app_role_);
  EXPECT_EQ(decrypt(encrypt(key, "granted")), "granted");
  EXPECT_THAT([&] { service_->describe_key(key); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({key, {}, 32, std::nullopt});
      },
      ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(GrantTest, ConstraintsOnTheEncryptionContextHold) {
  const std::string key = create_symmetric_key();
  grant(key, {"Encrypt"}, core::EncryptionContext{{"tenant", "a"}});
  grant(key, {"Decrypt"}, std::nullopt, core::EncryptionContext{{"tenant", "a"}});
  core::CallerScope as(&app_role_);
  const auto blob = encrypt(key, "x", {{"tenant", "a"}});
  EXPECT_THAT(
      [&] {
        encrypt(key, "x", {{"tenant", "a"}, {"extra", "1"}});
      },
      ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT([&] { encrypt(key, "x", {{"tenant", "b"}}); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_EQ(decrypt(blob, {{"tenant", "a"}}), "x");  // the subset holds
  core::Bytes wider;
  {
    core::CallerScope as_root(&root_);
    wider = encrypt(key, "y", {{"tenant", "a"}, {"purpose", "z"}});
  }
  EXPECT_EQ(decrypt(wider, {{"tenant", "a"}, {"purpose", "z"}}), "y");
}

TEST_F(GrantTest, RetiringAndRevokingTakeTheGrantAway) {
  const std::string key = create_symmetric_key();
  const auto first = grant(key, {"Encrypt"});
  {
    core::CallerScope as(&stranger_);
    EXPECT_THAT(
        [&] {
          service_->retire_grant({first.grant_token, {}, {}});
        },
        ThrowsError(ErrorCode::kAccessDenied));
  }
  {
    core::CallerScope as(&app_role_);
    EXPECT_NO_THROW(encrypt(key, "x"));
  }
  {
    core::CallerScope as(&retirer_);
    service_->retire_grant({first.grant_token, {}, {}});
  }
  {
    core::CallerScope as(&app_role_);
    EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
    EXPECT_THAT([&] { service_->revoke_grant(key, first.grant_id); },
                ThrowsError(ErrorCode::kAccessDenied));
  }
  const auto second = grant(key, {"Encrypt"});
  service_->revoke_grant(key, second.grant_id);
  core::CallerScope as(&app_role_);
  EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(GrantTest, AGranteeRetiresOnlyItsOwnGrant) {
  const std::string key = create_symmetric_key();
  grant(key, {"Decrypt", "RetireGrant"});  // AppRole's, which it may retire
  const auto others =
      grant(key, {"Decrypt"}, std::nullopt, std::nullopt, "arn:aws:iam::111122223333:role/Other");
  core::CallerScope as(&app_role_);
  EXPECT_THAT(
      [&] {
        service_->retire_grant({others.grant_token, {}, {}});
      },
      ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT(
      [&] {
        service_->retire_grant(
            {std::nullopt, "arn:aws:kms:us-east-1:111122223333:key/" + key, others.grant_id});
      },
      ThrowsError(ErrorCode::kAccessDenied));
  core::CallerScope as_root(&root_);
  EXPECT_EQ(service_->list_grants({key, {}, {}, {}}).grants.size(), 2u);
}

TEST_F(GrantTest, AnExplicitDenyInTheKeyPolicyWinsOverAGrant) {
  core::CreateKeyRequest request;
  request.policy = R"({"Version":"2012-10-17","Statement":[
   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
   {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},
    "Action":"kms:Encrypt","Resource":"*"}]})";
  const std::string key = service_->create_key(request).key_id;
  grant(key, {"Encrypt", "Decrypt"});
  core::CallerScope as(&app_role_);
  EXPECT_THAT([&] { encrypt(key, "x"); },
              ThrowsError(ErrorCode::kAccessDenied, HasSubstr("explicit deny")));
}

TEST_F(GrantTest, AGrantThatAllowsCreateGrantHandsOnNoMoreThanItHas) {
  const std::string key = create_symmetric_key();
  grant(key, {"CreateGrant", "Decrypt"}, std::nullopt, core::EncryptionContext{{"tenant", "a"}});
  core::CallerScope as(&app_role_);
  core::CreateGrantRequest narrower;
  narrower.key_id = key;
  narrower.grantee_principal = "arn:aws:iam::111122223333:role/Worker";
  narrower.operations = {"Decrypt"};
  narrower.context_subset = core::EncryptionContext{{"tenant", "a"}, {"job", "1"}};
  EXPECT_NO_THROW(service_->create_grant(narrower));
  core::CreateGrantRequest wider = narrower;
  wider.operations = {"Decrypt", "Encrypt"};
  EXPECT_THAT([&] { service_->create_grant(wider); }, ThrowsError(ErrorCode::kAccessDenied));
  core::CreateGrantRequest unconstrained = narrower;
  unconstrained.context_subset.reset();
  EXPECT_THAT([&] { service_->create_grant(unconstrained); },
              ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(GrantTest, AKeyPolicyCanLimitWhatAPrincipalMayGrant) {
  core::CreateKeyRequest request;
  request.policy = R"({"Version":"2012-10-17","Statement":[
   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},"Action":"kms:CreateGrant",
    "Resource":"*","Condition":{"ForAllValues:StringEquals":{"kms:GrantOperations":["Decrypt"]},
    "Bool":{"kms:GrantIsForAWSResource":"false"}}}]})";
  const std::string key = service_->create_key(request).key_id;
  core::CallerScope as(&app_role_);
  core::CreateGrantRequest decrypt_only;
  decrypt_only.key_id = key;
  decrypt_only.grantee_principal = "arn:aws:iam::111122223333:role/Worker";
  decrypt_only.operations = {"Decrypt"};
  EXPECT_NO_THROW(service_->create_grant(decrypt_only));
  core::CreateGrantRequest with_encrypt = decrypt_only;
  with_encrypt.operations = {"Decrypt", "Encrypt"};
  EXPECT_THAT([&] { service_->create_grant(with_encrypt); }, ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(GrantTest, InvalidGrantsAreRefusedWithAwsErrors) {
  const std::string key = create_symmetric_key();
  EXPECT_THAT([&] { grant(key, {"Sign"}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { grant(key, {"NotAnOperation"}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { grant(key, {}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        grant(key, {"DescribeKey"}, core::EncryptionContext{{"a", "b"}});
      },
      ThrowsError(ErrorCode::kValidation, HasSubstr("DescribeKey")));
  EXPECT_THAT([&] { grant(key, {"Decrypt"}, std::nullopt, std::nullopt, "AppRole"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->retire_grant({std::string("bm90IGEgdG9rZW4="), {}, {}});
      },
      ThrowsError(ErrorCode::kInvalidGrantToken));
  EXPECT_THAT([&] { service_->revoke_grant(key, std::string(64, 'a')); },
              ThrowsError(ErrorCode::kInvalidGrantId));
  EXPECT_THAT([&] { service_->retire_grant({}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_TRUE(service_->list_grants({key, {}, {}, {}}).grants.empty());
}

TEST_F(GrantTest, ListingFiltersPagesAndANamedGrantIsIdempotent) {
  const std::string key = create_symmetric_key();
  core::CreateGrantRequest named;
  named.key_id = key;
  named.grantee_principal = kAppRole;
  named.operations = {"Encrypt"};
  named.name = "app-encrypt";
  const auto first = service_->create_grant(named);
  EXPECT_EQ(service_->create_grant(named).grant_id, first.grant_id);
  for (int i = 0; i < 4; ++i)
    grant(key, {"Decrypt"}, std::nullopt, std::nullopt,
          "arn:aws:iam::111122223333:role/R" + std::to_string(i));
  auto all = service_->list_grants({key, {}, {}, {}});
  EXPECT_EQ(all.grants.size(), 5u);
  auto page = service_->list_grants({key, {}, {}, {2, std::nullopt}});
  ASSERT_EQ(page.grants.size(), 2u);
  EXPECT_TRUE(page.truncated);
  auto rest = service_->list_grants({key, {}, {}, {10, page.next_marker}});
  EXPECT_EQ(rest.grants.size(), 3u);
  EXPECT_FALSE(rest.truncated);
  auto mine = service_->list_grants({key, {}, std::string(kAppRole), {}});
  ASSERT_EQ(mine.grants.size(), 1u);
  EXPECT_EQ(mine.grants[0].name, "app-encrypt");
  EXPECT_EQ(mine.grants[0].issuing_account, kRoot);
  EXPECT_EQ(service_->list_retirable_grants(kRetirer, {}).grants.size(), 4u);
  {
    core::CallerScope as(&app_role_);
    EXPECT_THAT(
        [&] {
          service_->list_grants({key, {}, {}, {}});
        },
        ThrowsError(ErrorCode::kAccessDenied));
  }
  // Grants outlive a restart.
  open_service();
  EXPECT_EQ(service_->list_grants({key, {}, {}, {}}).grants.size(), 5u);
  core::CallerScope as(&app_role_);
  EXPECT_NO_THROW(encrypt(key, "x"));
}

TEST(GrantRulesTest, TokensNameTheKeyAndTheGrantAndNothingElseParses) {
  const auto token = core::grant_token_of("key-1", "grant-2");
  const auto parts = core::parse_grant_token(token);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->key_id, "key-1");
  EXPECT_EQ(parts->grant_id, "grant-2");
  for (const char* junk :
       {"", "!!!", "Zm9v", "Y29mZmVyLWdyYW50LXYxOg==", "Y29mZmVyLWdyYW50LXYxOms6"})
    EXPECT_FALSE(core::parse_grant_token(junk)) << junk;
  EXPECT_TRUE(core::valid_grant_principal("arn:aws:iam::111122223333:role/R"));
  EXPECT_TRUE(core::valid_grant_principal("arn:aws:iam::111122223333:root"));
  EXPECT_TRUE(core::valid_grant_principal("secretsmanager.amazonaws.com"));
  EXPECT_FALSE(core::valid_grant_principal("arn:aws:iam::1111:root"));
  EXPECT_FALSE(core::valid_grant_principal("arn:aws:iam::111122223333:group/G"));
  EXPECT_FALSE(core::valid_grant_principal("role/R"));
}

}  // namespace
}  // namespace coffer::testing
