// Every coffer.v1.Keys method through KmsClient and a real cofferd.
#include <set>

#include "client/methods.h"

#include "tests/e2e/kms_fixture.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

TEST_F(KmsE2eTest, CreateDescribeAndListKeys) {
  v1::CreateKeyRequest create;
  create.set_description("first");
  auto* tag = create.add_tags();
  tag->set_tag_key("team");
  tag->set_tag_value("storage");
  const auto created = kms_->create_key(create).key_metadata();
  EXPECT_FALSE(created.key_id().empty());
  EXPECT_EQ(created.description(), "first");
  EXPECT_EQ(created.key_state(), "Enabled");
  EXPECT_TRUE(created.enabled());
  EXPECT_EQ(created.key_usage(), "ENCRYPT_DECRYPT");
  EXPECT_TRUE(created.has_creation_date());

  v1::DescribeKeyRequest describe;
  describe.set_key_id(created.arn());
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().key_id(), created.key_id());

  std::set<std::string> ids = {created.key_id(), create_key("second"), create_key("third")};
  // One key per page: the markers must walk through all three.
  std::set<std::string> listed;
  v1::ListKeysRequest list;
  list.set_limit(1);
  for (int page = 0; page < 10; ++page) {
    auto response = kms_->list_keys(list);
    EXPECT_LE(response.keys_size(), 1);
    for (const auto& k : response.keys()) listed.insert(k.key_id());
    if (!response.truncated()) break;
    list.set_marker(response.next_marker());
  }
  EXPECT_EQ(listed, ids);
}

TEST_F(KmsE2eTest, EnableDisableAndDescription) {
  const std::string key = create_key();
  v1::DisableKeyRequest disable;
  disable.set_key_id(key);
  kms_->disable_key(disable);
  v1::DescribeKeyRequest describe;
  describe.set_key_id(key);
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().key_state(), "Disabled");
  v1::EncryptRequest encrypt;
  encrypt.set_key_id(key);
  encrypt.set_plaintext("x");
  EXPECT_THAT([&] { kms_->encrypt(encrypt); }, ThrowsError(ErrorCode::kDisabled));

  v1::EnableKeyRequest enable;
  enable.set_key_id(key);
  kms_->enable_key(enable);
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().key_state(), "Enabled");
  EXPECT_FALSE(kms_->encrypt(encrypt).ciphertext_blob().empty());

  v1::UpdateKeyDescriptionRequest update;
  update.set_key_id(key);
  update.set_description("renamed");
  kms_->update_key_description(update);
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().description(), "renamed");
}

TEST_F(KmsE2eTest, ScheduleAndCancelDeletion) {
  const std::string key = create_key();
  v1::ScheduleKeyDeletionRequest schedule;
  schedule.set_key_id(key);
  schedule.set_pending_window_in_days(7);
  const auto scheduled = kms_->schedule_key_deletion(schedule);
  EXPECT_EQ(scheduled.key_state(), "PendingDeletion");
  EXPECT_EQ(scheduled.pending_window_in_days(), 7);
  EXPECT_TRUE(scheduled.has_deletion_date());

  v1::GenerateRandomRequest random;  // unrelated calls still work
  random.set_number_of_bytes(8);
  EXPECT_EQ(kms_->generate_random(random).plaintext().size(), 8u);

  v1::CancelKeyDeletionRequest cancel;
  cancel.set_key_id(key);
  EXPECT_NE(kms_->cancel_key_deletion(cancel).key_id().find(key), std::string::npos);
  v1::DescribeKeyRequest describe;
  describe.set_key_id(key);
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().key_state(), "Disabled");

  schedule.set_pending_window_in_days(3);  // below the AWS minimum of 7
  EXPECT_THAT([&] { kms_->schedule_key_deletion(schedule); }, ThrowsError(ErrorCode::kValidation));
}

TEST_F(KmsE2eTest, Rotation) {
  const std::string key = create_key();
  v1::EnableKeyRotationRequest enable;
  enable.set_key_id(key);
  enable.set_rotation_period_in_days(90);
  kms_->enable_key_rotation(enable);

  v1::GetKeyRotationStatusRequest status;
  status.set_key_id(key);
  auto s = kms_->get_key_rotation_status(status);
  EXPECT_TRUE(s.key_rotation_enabled());
  EXPECT_EQ(s.rotation_period_in_days(), 90);
  EXPECT_TRUE(s.has_next_rotation_date());

  v1::RotateKeyOnDemandRequest rotate;
  rotate.set_key_id(key);
  kms_->rotate_key_on_demand(rotate);
  v1::ListKeyRotationsRequest list;
  list.set_key_id(key);
  const auto rotations = kms_->list_key_rotations(list);
  ASSERT_GE(rotations.rotations_size(), 1);
  EXPECT_EQ(rotations.rotations(rotations.rotations_size() - 1).rotation_type(), "ON_DEMAND");

  v1::DisableKeyRotationRequest disable;
  disable.set_key_id(key);
  kms_->disable_key_rotation(disable);
  EXPECT_FALSE(kms_->get_key_rotation_status(status).key_rotation_enabled());

  enable.set_rotation_period_in_days(10);  // below 90
  EXPECT_THAT([&] { kms_->enable_key_rotation(enable); }, ThrowsError(ErrorCode::kValidation));
}

TEST_F(KmsE2eTest, Aliases) {
  const std::string first = create_key();
  const std::string second = create_key();
  v1::CreateAliasRequest create;
  create.set_alias_name("alias/e2e-app");
  create.set_target_key_id(first);
  kms_->create_alias(create);
  EXPECT_THAT([&] { kms_->create_alias(create); }, ThrowsError(ErrorCode::kAlreadyExists));

  v1::DescribeKeyRequest describe;
  describe.set_key_id("alias/e2e-app");
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().key_id(), first);

  v1::UpdateAliasRequest update;
  update.set_alias_name("alias/e2e-app");
  update.set_target_key_id(second);
  kms_->update_alias(update);
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().key_id(), second);

  v1::ListAliasesRequest list;
  list.set_key_id(second);
  auto aliases = kms_->list_aliases(list);
  ASSERT_EQ(aliases.aliases_size(), 1);
  EXPECT_EQ(aliases.aliases(0).alias_name(), "alias/e2e-app");
  EXPECT_EQ(aliases.aliases(0).target_key_id(), second);

  v1::DeleteAliasRequest remove;
  remove.set_alias_name("alias/e2e-app");
  kms_->delete_alias(remove);
  EXPECT_THAT([&] { kms_->describe_key(describe); }, ThrowsError(ErrorCode::kNotFound));
  EXPECT_EQ(kms_->list_aliases(list).aliases_size(), 0);
}

TEST_F(KmsE2eTest, Tags) {
  const std::string key = create_key();
  v1::TagResourceRequest tag;
  tag.set_key_id(key);
  for (const auto& [k, v] : {std::pair{"env", "dev"}, std::pair{"owner", "team-a"}}) {
    auto* t = tag.add_tags();
    t->set_tag_key(k);
    t->set_tag_value(v);
  }
  kms_->tag_resource(tag);
  v1::ListResourceTagsRequest list;
  list.set_key_id(key);
  auto tags = kms_->list_resource_tags(list);
  ASSERT_EQ(tags.tags_size(), 2);

  v1::UntagResourceRequest untag;
  untag.set_key_id(key);
  untag.add_tag_keys("env");
  kms_->untag_resource(untag);
  tags = kms_->list_resource_tags(list);
  ASSERT_EQ(tags.tags_size(), 1);
  EXPECT_EQ(tags.tags(0).tag_key(), "owner");
  EXPECT_EQ(tags.tags(0).tag_value(), "team-a");
}

TEST_F(KmsE2eTest, ErrorsComeBackTyped) {
  v1::DescribeKeyRequest describe;
  describe.set_key_id("00000000-0000-0000-0000-000000000000");
  EXPECT_THAT([&] { kms_->describe_key(describe); }, ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { kms_->describe_key(describe); },
              ThrowsError(ErrorCode::kNotFound, ::testing::Not(::testing::IsEmpty())));
  EXPECT_EQ(error_http_status(ErrorCode::kNotFound), 400);
  v1::CreateAliasRequest alias;
  alias.set_alias_name("not-an-alias");
  alias.set_target_key_id(create_key());
  EXPECT_THAT([&] { kms_->create_alias(alias); },
              ThrowsError(ErrorCode::kInvalidAliasName,
                          ::testing::HasSubstr("must start with the prefix")));
}

TEST_F(KmsE2eTest, EveryMethodNameIsKnownToTheServer) {
  for (std::string_view method : client::method::all()) {
    // An empty request: the answer may be a validation error, but never "no such method".
    client::RpcResult result = kms_->rpc().call_serialized(method, "");
    if (!result.ok()) {
      EXPECT_NE(result.error().code(), ErrorCode::kUnknownOperation) << method;
      EXPECT_NE(result.error().code(), ErrorCode::kSerialization) << method;
    }
  }
}

}  // namespace
}  // namespace coffer::testing
