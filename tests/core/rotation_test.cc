#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

using core::RotationType;

TEST_F(ServiceTest, RotationPeriodRulesAndStatus) {
  auto id = create_symmetric_key();
  auto status = service_->get_key_rotation_status(id);
  EXPECT_FALSE(status.key_rotation_enabled);
  EXPECT_FALSE(status.rotation_period_in_days.has_value());
  EXPECT_THAT([&] { service_->enable_key_rotation(id, 89); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { service_->enable_key_rotation(id, 2561); },
              ThrowsError(ErrorCode::kValidation));
  service_->enable_key_rotation(id, std::nullopt);
  status = service_->get_key_rotation_status(id);
  EXPECT_TRUE(status.key_rotation_enabled);
  EXPECT_EQ(status.rotation_period_in_days, 365);
  EXPECT_EQ(status.next_rotation_date, test_epoch() + core::days(365));
  service_->enable_key_rotation(id, 90);
  EXPECT_EQ(service_->get_key_rotation_status(id).next_rotation_date,
            test_epoch() + core::days(90));
  service_->disable_key_rotation(id);
  EXPECT_FALSE(service_->get_key_rotation_status(id).key_rotation_enabled);
  service_->disable_key(id);
  EXPECT_THAT([&] { service_->enable_key_rotation(id, 90); }, ThrowsError(ErrorCode::kDisabled));
  EXPECT_THAT([&] { service_->rotate_key_on_demand(id); }, ThrowsError(ErrorCode::kDisabled));
}

TEST_F(ServiceTest, RotationOverSimulatedYearsKeepsEveryCiphertext) {
  auto id = create_symmetric_key();
  service_->enable_key_rotation(id, 365);
  std::vector<std::pair<core::Bytes, std::string>> made;
  for (int year = 0; year < 5; ++year) {
    std::string text = "year " + std::to_string(year);
    made.emplace_back(encrypt(id, text), text);
    clock_.advance(core::days(364));
    EXPECT_EQ(service_->run_due_work(), 0) << "year " << year;
    clock_.advance(core::days(1));
    EXPECT_EQ(service_->run_due_work(), 1) << "year " << year;
  }
  auto rotations = service_->list_key_rotations(id, {});
  ASSERT_EQ(rotations.rotations.size(), 5u);
  for (std::size_t i = 0; i < rotations.rotations.size(); ++i) {
    EXPECT_EQ(rotations.rotations[i].rotation_type, RotationType::kAutomatic);
    EXPECT_EQ(rotations.rotations[i].rotation_date,
              test_epoch() + core::days(365 * static_cast<int>(i + 1)));
  }
  EXPECT_EQ(service_->get_key_rotation_status(id).next_rotation_date,
            test_epoch() + core::days(365 * 6));
  for (const auto& [blob, text] : made) EXPECT_EQ(decrypt(blob), text);
  // Each year's ciphertext names a different version.
  std::set<core::Bytes> headers;
  for (const auto& [blob, text] : made)
    headers.insert(core::Bytes(blob.begin(), blob.begin() + 45));
  EXPECT_EQ(headers.size(), 5u);
}

TEST_F(ServiceTest, OnDemandRotationHasAwsLimit) {
  core::KmsConfig config;
  config.on_demand_rotation_limit = 3;
  open_service(config);
  auto id = create_symmetric_key();
  auto first = encrypt(id, "v1");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(service_->rotate_key_on_demand(id), id);
  EXPECT_THAT([&] { service_->rotate_key_on_demand(id); }, ThrowsError(ErrorCode::kLimitExceeded));
  auto rotations = service_->list_key_rotations(id, {2, std::nullopt});
  EXPECT_EQ(rotations.rotations.size(), 2u);
  EXPECT_TRUE(rotations.truncated);
  auto rest = service_->list_key_rotations(id, {2, rotations.next_marker});
  ASSERT_EQ(rest.rotations.size(), 1u);
  EXPECT_EQ(rest.rotations[0].rotation_type, RotationType::kOnDemand);
  EXPECT_EQ(decrypt(first), "v1");
  EXPECT_FALSE(service_->get_key_rotation_status(id).on_demand_rotation_start_date.has_value());
}

TEST_F(ServiceTest, VersionRotatesItselfAtItsEncryptionBound) {
  core::KmsConfig config;
  config.max_encryptions_per_version = 10;
  config.encryption_reservation_block = 4;
  open_service(config);
  auto id = create_symmetric_key();
  std::vector<core::Bytes> blobs;
  for (int i = 0; i < 25; ++i) blobs.push_back(encrypt(id, "n" + std::to_string(i)));
  // 25 encryptions with a bound of 10 per version: versions 1, 2 and 3 are in use.
  auto rotations = service_->list_key_rotations(id, {});
  EXPECT_EQ(rotations.rotations.size(), 2u);
  EXPECT_EQ(service_->encryptions_of(id, 1), 10u);
  EXPECT_EQ(service_->encryptions_of(id, 2), 10u);
  EXPECT_EQ(service_->encryptions_of(id, 3), 5u);
  for (int i = 0; i < 25; ++i)
    EXPECT_EQ(decrypt(blobs[static_cast<std::size_t>(i)]), "n" + std::to_string(i));
  // The durable reservation is an upper bound of what was used.
  auto v3 = store_->get_version(id, 3);
  ASSERT_TRUE(v3.has_value());
  EXPECT_GE(v3->encryptions_reserved, 5u);
  EXPECT_LE(v3->encryptions_reserved, 8u);
}

TEST_F(ServiceTest, EncryptionCountsSurviveRestart) {
  core::KmsConfig config;
  config.max_encryptions_per_version = 10;
  config.encryption_reservation_block = 4;
  open_service(config);
  auto id = create_symmetric_key();
  for (int i = 0; i < 6; ++i) encrypt(id, "x");
  open_service(config);
  // Restarted: counting resumes from the reservation (8), never from zero.
  for (int i = 0; i < 2; ++i) encrypt(id, "x");
  EXPECT_EQ(service_->list_key_rotations(id, {}).rotations.size(), 1u);
}

TEST_F(ServiceTest, SchedulerThreadRotatesDueKeys) {
  auto id = create_symmetric_key();
  service_->enable_key_rotation(id, 90);
  clock_.advance(core::days(91));
  service_->start_scheduler(std::chrono::milliseconds(10));
  for (int i = 0; i < 500 && service_->list_key_rotations(id, {}).rotations.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  service_->stop_scheduler();
  EXPECT_EQ(service_->list_key_rotations(id, {}).rotations.size(), 1u);
}

}  // namespace
}  // namespace coffer::testing
