#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

using core::KeyState;

TEST_F(ServiceTest, CreateKeyDescribesLikeAws) {
  core::CreateKeyRequest request;
  request.description = "payments";
  request.tags = {{"team", "pay"}};
  auto m = service_->create_key(request);
  EXPECT_TRUE(core::looks_like_key_id(m.key_id));
  EXPECT_EQ(m.arn, "arn:aws:kms:us-east-1:111122223333:key/" + m.key_id);
  EXPECT_EQ(m.aws_account_id, "111122223333");
  EXPECT_EQ(m.creation_date, test_epoch());
  EXPECT_TRUE(m.enabled);
  EXPECT_EQ(m.key_state, KeyState::kEnabled);
  EXPECT_EQ(m.key_usage, core::KeyUsage::kEncryptDecrypt);
  EXPECT_EQ(m.key_spec, core::KeySpec::kSymmetricDefault);
  EXPECT_EQ(m.key_manager, "CUSTOMER");
  EXPECT_EQ(m.encryption_algorithms, std::vector<std::string>{"SYMMETRIC_DEFAULT"});
  EXPECT_FALSE(m.multi_region);
  EXPECT_FALSE(m.deletion_date.has_value());
  auto d = service_->describe_key(m.arn);
  EXPECT_EQ(d.description, "payments");
  EXPECT_EQ(service_->list_resource_tags(m.key_id, {}).tags,
            (std::vector<core::Tag>{{"team", "pay"}}));
}

TEST_F(ServiceTest, MultiRegionKeysGetMrkIds) {
  core::CreateKeyRequest request;
  request.multi_region = true;
  auto m = service_->create_key(request);
  EXPECT_TRUE(m.key_id.starts_with("mrk-"));
  EXPECT_TRUE(m.multi_region);
  ASSERT_TRUE(m.multi_region_configuration.has_value());
  EXPECT_EQ(m.multi_region_configuration->multi_region_key_type, "PRIMARY");
  EXPECT_EQ(decrypt(encrypt(m.key_id, "replicable")), "replicable");
}

TEST_F(ServiceTest, CreateKeyValidatesInput) {
  core::CreateKeyRequest bad_spec;
  bad_spec.key_spec = "AES_999";
  EXPECT_THAT([&] { service_->create_key(bad_spec); }, ThrowsError(ErrorCode::kValidation));
  core::CreateKeyRequest bad_usage;
  bad_usage.key_usage = "SIGN_VERIFY";  // not for SYMMETRIC_DEFAULT
  EXPECT_THAT([&] { service_->create_key(bad_usage); }, ThrowsError(ErrorCode::kValidation));
  core::CreateKeyRequest long_description;
  long_description.description = std::string(8193, 'd');
  EXPECT_THAT([&] { service_->create_key(long_description); }, ThrowsError(ErrorCode::kValidation));
  core::CreateKeyRequest reserved_tag;
  reserved_tag.tags = {{"aws:owner", "x"}};
  EXPECT_THAT([&] { service_->create_key(reserved_tag); }, ThrowsError(ErrorCode::kTag));
  // Nothing was created by the failed calls.
  EXPECT_TRUE(service_->list_keys({}).keys.empty());
  EXPECT_TRUE(store_->all_token_object_ids().empty());
}

TEST_F(ServiceTest, UnknownKeysAreNotFound) {
  EXPECT_THAT([&] { service_->describe_key("00000000-0000-4000-8000-000000000000"); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { service_->describe_key("alias/nothing"); }, ThrowsError(ErrorCode::kNotFound));
  auto id = create_symmetric_key();
  // The right id in another region or account is not ours.
  EXPECT_THAT([&] { service_->describe_key("arn:aws:kms:eu-west-1:111122223333:key/" + id); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { service_->describe_key("arn:aws:kms:us-east-1:999999999999:key/" + id); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { service_->describe_key("arn:aws:kms:us-east-1:111122223333:nonsense/" + id); },
              ThrowsError(ErrorCode::kInvalidArn));
}

TEST_F(ServiceTest, ListKeysPages) {
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) created.insert(create_symmetric_key());
  std::set<std::string> listed;
  core::Page page{2, std::nullopt};
  int pages = 0;
  for (;;) {
    auto result = service_->list_keys(page);
    ++pages;
    for (const auto& k : result.keys) {
      EXPECT_EQ(k.key_arn, "arn:aws:kms:us-east-1:111122223333:key/" + k.key_id);
      EXPECT_TRUE(listed.insert(k.key_id).second);
    }
    if (!result.truncated) {
      EXPECT_FALSE(result.next_marker.has_value());
      break;
    }
    page.marker = result.next_marker;
  }
  EXPECT_EQ(listed, created);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT([&] { service_->list_keys({0, std::nullopt}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->list_keys({1001, std::nullopt});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->list_keys({std::nullopt, "%%%"});
      },
      ThrowsError(ErrorCode::kInvalidMarker));
}

TEST_F(ServiceTest, DisabledKeysRefuseCryptography) {
  auto id = create_symmetric_key();
  auto blob = encrypt(id, "before");
  service_->disable_key(id);
  EXPECT_FALSE(service_->describe_key(id).enabled);
  EXPECT_EQ(service_->describe_key(id).key_state, KeyState::kDisabled);
  EXPECT_THAT([&] { encrypt(id, "x"); }, ThrowsError(ErrorCode::kDisabled));
  EXPECT_THAT([&] { decrypt(blob); }, ThrowsError(ErrorCode::kDisabled));
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({id, {}, 32, std::nullopt});
      },
      ThrowsError(ErrorCode::kDisabled));
  service_->enable_key(id);
  EXPECT_EQ(decrypt(blob), "before");
}

TEST_F(ServiceTest, ScheduledDeletionWaitsThenDestroys) {
  auto id = create_symmetric_key();
  auto blob = encrypt(id, "doomed");
  EXPECT_THAT([&] { service_->schedule_key_deletion(id, 6); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { service_->schedule_key_deletion(id, 31); },
              ThrowsError(ErrorCode::kValidation));
  auto scheduled = service_->schedule_key_deletion(id, std::nullopt);
  EXPECT_EQ(scheduled.pending_window_in_days, 30);
  EXPECT_EQ(scheduled.deletion_date, test_epoch() + core::days(30));
  EXPECT_EQ(scheduled.key_state, KeyState::kPendingDeletion);
  auto m = service_->describe_key(id);
  EXPECT_EQ(m.key_state, KeyState::kPendingDeletion);
  EXPECT_EQ(m.pending_deletion_window_in_days, 30);
  EXPECT_THAT([&] { encrypt(id, "x"); }, ThrowsError(ErrorCode::kInvalidState));
  EXPECT_THAT([&] { decrypt(blob); }, ThrowsError(ErrorCode::kInvalidState));
  EXPECT_THAT([&] { service_->enable_key(id); }, ThrowsError(ErrorCode::kInvalidState));
  EXPECT_THAT([&] { service_->schedule_key_deletion(id, 7); },
              ThrowsError(ErrorCode::kInvalidState));

  clock_.advance(core::days(29));
  EXPECT_EQ(service_->run_due_work(), 0);
  EXPECT_TRUE(store_->get_version(id, 1));
  clock_.advance(core::days(1));
  EXPECT_EQ(service_->run_due_work(), 1);
  EXPECT_THAT([&] { service_->describe_key(id); }, ThrowsError(ErrorCode::kNotFound));
  EXPECT_FALSE(store_->get_version(id, 1)) << "the wrapped material is gone with the key";
  EXPECT_TRUE(store_->integrity_problems().empty());
}

TEST_F(ServiceTest, CancelledDeletionLeavesKeyDisabled) {
  auto id = create_symmetric_key();
  EXPECT_THAT([&] { service_->cancel_key_deletion(id); }, ThrowsError(ErrorCode::kInvalidState));
  service_->schedule_key_deletion(id, 7);
  EXPECT_EQ(service_->cancel_key_deletion(id), "arn:aws:kms:us-east-1:111122223333:key/" + id);
  auto m = service_->describe_key(id);
  EXPECT_EQ(m.key_state, KeyState::kDisabled);
  EXPECT_FALSE(m.deletion_date.has_value());
  clock_.advance(core::days(8));
  EXPECT_EQ(service_->run_due_work(), 0);
  service_->enable_key(id);
  EXPECT_EQ(decrypt(encrypt(id, "saved")), "saved");
}

TEST_F(ServiceTest, UpdateKeyDescription) {
  auto id = create_symmetric_key("old");
  service_->update_key_description(id, "new");
  EXPECT_EQ(service_->describe_key(id).description, "new");
  EXPECT_THAT([&] { service_->update_key_description(id, std::string(8193, 'x')); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_EQ(service_->describe_key(id).description, "new");
}

TEST_F(ServiceTest, RestartKeepsEverything) {
  auto id = create_symmetric_key("kept");
  service_->create_alias("alias/kept", id);
  auto blob = encrypt(id, "durable", {{"k", "v"}});
  open_service();
  EXPECT_EQ(service_->describe_key("alias/kept").description, "kept");
  EXPECT_EQ(decrypt(blob, {{"k", "v"}}), "durable");
}

}  // namespace
}  // namespace coffer::testing
