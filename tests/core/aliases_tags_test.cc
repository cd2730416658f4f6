#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

TEST_F(ServiceTest, AliasesResolveEverywhereAwsAcceptsThem) {
  auto id = create_symmetric_key();
  service_->create_alias("alias/app", id);
  const std::string alias_arn = "arn:aws:kms:us-east-1:111122223333:alias/app";
  EXPECT_EQ(service_->describe_key("alias/app").key_id, id);
  EXPECT_EQ(service_->describe_key(alias_arn).key_id, id);
  auto blob = encrypt("alias/app", "via alias");
  EXPECT_EQ(decrypt(blob, {}, alias_arn), "via alias");

  auto listed = service_->list_aliases(std::nullopt, {});
  ASSERT_EQ(listed.aliases.size(), 1u);
  EXPECT_EQ(listed.aliases[0].alias_name, "alias/app");
  EXPECT_EQ(listed.aliases[0].alias_arn, alias_arn);
  EXPECT_EQ(listed.aliases[0].target_key_id, id);
}

TEST_F(ServiceTest, AliasNamesAreUniqueAndValidated) {
  auto a = create_symmetric_key();
  auto b = create_symmetric_key();
  service_->create_alias("alias/shared", a);
  EXPECT_THAT([&] { service_->create_alias("alias/shared", b); },
              ThrowsError(ErrorCode::kAlreadyExists));
  EXPECT_THAT([&] { service_->create_alias("alias/aws/reserved", b); },
              ThrowsError(ErrorCode::kNotAuthorized));
  EXPECT_THAT([&] { service_->create_alias("noprefix", b); },
              ThrowsError(ErrorCode::kInvalidAliasName));
  EXPECT_THAT([&] { service_->create_alias("alias/x", "00000000-0000-4000-8000-000000000000"); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_EQ(service_->describe_key("alias/shared").key_id, a);
}

TEST_F(ServiceTest, UpdateAndDeleteAlias) {
  auto a = create_symmetric_key();
  auto b = create_symmetric_key();
  service_->create_alias("alias/moving", a);
  auto old_blob = encrypt("alias/moving", "under a");
  service_->update_alias("alias/moving", b);
  EXPECT_EQ(service_->describe_key("alias/moving").key_id, b);
  // A ciphertext names its key, not the alias: it still decrypts.
  EXPECT_EQ(decrypt(old_blob), "under a");
  EXPECT_THAT([&] { decrypt(old_blob, {}, "alias/moving"); },
              ThrowsError(ErrorCode::kIncorrectKey));
  EXPECT_THAT([&] { service_->update_alias("alias/none", a); }, ThrowsError(ErrorCode::kNotFound));
  service_->delete_alias("alias/moving");
  EXPECT_THAT([&] { service_->describe_key("alias/moving"); }, ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { service_->delete_alias("alias/moving"); }, ThrowsError(ErrorCode::kNotFound));
}

TEST_F(ServiceTest, ListAliasesFiltersAndPages) {
  auto a = create_symmetric_key();
  auto b = create_symmetric_key();
  for (int i = 0; i < 3; ++i) service_->create_alias("alias/a" + std::to_string(i), a);
  service_->create_alias("alias/b0", b);
  auto for_b = service_->list_aliases(b, {});
  ASSERT_EQ(for_b.aliases.size(), 1u);
  EXPECT_EQ(for_b.aliases[0].alias_name, "alias/b0");
  auto first = service_->list_aliases(std::nullopt, {3, std::nullopt});
  EXPECT_EQ(first.aliases.size(), 3u);
  EXPECT_TRUE(first.truncated);
  auto second = service_->list_aliases(std::nullopt, {3, first.next_marker});
  ASSERT_EQ(second.aliases.size(), 1u);
  EXPECT_EQ(second.aliases[0].alias_name, "alias/b0");
  EXPECT_FALSE(second.truncated);
}

TEST_F(ServiceTest, DeletingAKeyRemovesItsAliases) {
  auto id = create_symmetric_key();
  service_->create_alias("alias/gone", id);
  service_->schedule_key_deletion(id, 7);
  EXPECT_THAT([&] { service_->create_alias("alias/late", id); },
              ThrowsError(ErrorCode::kInvalidState));
  clock_.advance(core::days(7));
  service_->run_due_work();
  EXPECT_TRUE(service_->list_aliases(std::nullopt, {}).aliases.empty());
  EXPECT_THAT([&] { service_->describe_key("alias/gone"); }, ThrowsError(ErrorCode::kNotFound));
}

TEST_F(ServiceTest, TagsFollowAwsRules) {
  auto id = create_symmetric_key();
  service_->tag_resource(id, {{"b", "2"}, {"a", "1"}});
  service_->tag_resource(id, {{"a", "changed"}});
  EXPECT_EQ(service_->list_resource_tags(id, {}).tags,
            (std::vector<core::Tag>{{"a", "changed"}, {"b", "2"}}));
  service_->untag_resource(id, {"b", "absent"});
  EXPECT_EQ(service_->list_resource_tags(id, {}).tags, (std::vector<core::Tag>{{"a", "changed"}}));

  EXPECT_THAT([&] { service_->tag_resource(id, {{"aws:x", "1"}}); }, ThrowsError(ErrorCode::kTag));
  EXPECT_THAT(
      [&] {
        service_->tag_resource(id, {{"", "1"}});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->tag_resource(id, {{std::string(129, 'k'), "1"}});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->tag_resource(id, {{"k", std::string(257, 'v')}});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->tag_resource(id, {{"d", "1"}, {"d", "2"}});
      },
      ThrowsError(ErrorCode::kTag));
  std::vector<core::Tag> many;
  for (int i = 0; i < 50; ++i) many.push_back({"t" + std::to_string(i), "v"});
  EXPECT_THAT([&] { service_->tag_resource(id, many); },
              ThrowsError(ErrorCode::kLimitExceeded));              // 50 + "a"
  EXPECT_EQ(service_->list_resource_tags(id, {}).tags.size(), 1u);  // nothing changed

  many.pop_back();
  service_->tag_resource(id, many);
  auto page = service_->list_resource_tags(id, {10, std::nullopt});
  EXPECT_EQ(page.tags.size(), 10u);
  EXPECT_TRUE(page.truncated);
  std::size_t total = page.tags.size();
  while (page.truncated) {
    page = service_->list_resource_tags(id, {10, page.next_marker});
    total += page.tags.size();
  }
  EXPECT_EQ(total, 50u);
}

}  // namespace
}  // namespace coffer::testing
