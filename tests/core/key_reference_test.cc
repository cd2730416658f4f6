#include "core/model/key_reference.h"

#include <gtest/gtest.h>

#include <set>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::core {
namespace {

using coffer::testing::ThrowsError;

TEST(KeyReference, AcceptsEveryAwsForm) {
  auto id = parse_key_reference("1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(id.kind, KeyReference::Kind::kKeyId);
  EXPECT_FALSE(id.region.has_value());

  auto arn = parse_key_reference(
      "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(arn.kind, KeyReference::Kind::kKeyId);
  EXPECT_EQ(arn.name, "1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(arn.region, "us-east-2");
  EXPECT_EQ(arn.account, "111122223333");

  auto alias = parse_key_reference("alias/ExampleAlias");
  EXPECT_EQ(alias.kind, KeyReference::Kind::kAlias);
  EXPECT_EQ(alias.name, "alias/ExampleAlias");

  auto alias_arn_ref = parse_key_reference("arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias");
  EXPECT_EQ(alias_arn_ref.kind, KeyReference::Kind::kAlias);
  EXPECT_EQ(alias_arn_ref.name, "alias/ExampleAlias");
}

TEST(KeyReference, MalformedArnsAreTyped) {
  for (const char* bad : {"arn:aws:s3:::bucket", "arn:aws:kms:us-east-1:111122223333:secret/x",
                          "arn:aws:kms::111122223333:key/x", "arn:aws:kms:us-east-1::key/x",
                          "arn:aws:kms:us-east-1:111122223333:key/"}) {
    EXPECT_THAT([&] { parse_key_reference(bad); }, ThrowsError(ErrorCode::kInvalidArn)) << bad;
  }
  // AWS's wording (core/model/validation_message.h), the same on every front end.
  EXPECT_THAT(
      [] { parse_key_reference(""); },
      ThrowsError(ErrorCode::kValidation,
                  "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: "
                  "Member must have length greater than or equal to 1"));
  EXPECT_THAT(
      [] { parse_key_reference(std::string(2049, 'a')); },
      ThrowsError(ErrorCode::kValidation,
                  ::testing::HasSubstr("Member must have length less than or equal to 2048")));
}

TEST(KeyReference, NewIdsAreUniqueAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto id = new_key_id(false);
    EXPECT_TRUE(looks_like_key_id(id)) << id;
    EXPECT_EQ(id[14], '4');  // UUID version 4
    EXPECT_TRUE(seen.insert(id).second);
    auto mrk = new_key_id(true);
    EXPECT_TRUE(mrk.starts_with("mrk-")) << mrk;
    EXPECT_EQ(mrk.size(), 36u);
    EXPECT_TRUE(looks_like_key_id(mrk));
  }
}

TEST(AliasNames, FollowAwsRules) {
  EXPECT_NO_THROW(validate_alias_name("alias/my-key_1:a/b"));
  auto validate = [](std::string name) { return [name] { validate_alias_name(name); }; };
  EXPECT_THAT(validate("my-key"), ThrowsError(ErrorCode::kInvalidAliasName));
  EXPECT_THAT(validate("alias/"), ThrowsError(ErrorCode::kInvalidAliasName));
  // AWS answers NotAuthorizedException for the names of AWS managed keys (issue 22).
  EXPECT_THAT(validate("alias/aws/s3"), ThrowsError(ErrorCode::kNotAuthorized));
  EXPECT_THAT(validate("alias/has space"), ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(validate("alias/" + std::string(251, 'a')), ThrowsError(ErrorCode::kValidation));
  EXPECT_NO_THROW(validate_alias_name("alias/" + std::string(250, 'a')));
}

}  // namespace
}  // namespace coffer::core
