// Secrets Manager rotation (issue 15) against a real SecretsService: RotateSecret stages an
// AWSPENDING version a rotation function fills, failures are retried when due, scheduled
// rotation waits for its window, CancelRotateSecret, and pruning counts a version once.
#include <algorithm>

#include "tests/core/secrets_service_fixture.h"

namespace coffer::testing {
namespace {

class SecretsRotationTest : public SecretsServiceTest {
 protected:
  void SetUp() override {
    SecretsServiceTest::SetUp();
    secrets_->set_rotation_launcher(launcher_.launcher());
  }
  core::SecretVersionRef rotate(const std::string& id, std::optional<std::string> token,
                                std::optional<int> days_between = std::nullopt,
                                bool immediately = true) {
    core::RotateSecretRequest r;
    r.secret_id = id;
    r.client_request_token = std::move(token);
    r.rotation_lambda_arn = kLambda;
    if (days_between) {
      core::RotationRules rules;
      rules.automatically_after_days = days_between;
      r.rotation_rules = rules;
    }
    r.rotate_immediately = immediately;
    return secrets_->rotate_secret(r);
  }
  // What a rotation function's finishSecret does, then the engine's report.
  void finish(const std::string& id, const std::string& token) {
    const auto labels = stages(id);
    std::string current;
    for (const auto& [version, s] : labels)
      if (std::find(s.begin(), s.end(), kCurrent) != s.end()) current = version;
    secrets_->update_secret_version_stage({id, kCurrent, current, token});
    secrets_->update_secret_version_stage({id, kPending, token, std::nullopt});
    secrets_->rotation_finished(record(id).arn, token, true);
  }
};

TEST_F(SecretsServiceTest, RotateSecretNeedsARotationEngine) {
  create("no-engine", "v");
  core::RotateSecretRequest r;
  r.secret_id = "no-engine";
  r.rotation_lambda_arn = kLambda;
  EXPECT_THAT([&] { secrets_->rotate_secret(r); }, ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_THAT(stages("no-engine").size(), 1u);
}

TEST_F(SecretsRotationTest, RotateSecretStagesAnEmptyPendingVersionThatTheFunctionFills) {
  auto v1 = create("rotating", "old password");
  const std::string token = "33333333-2222-3333-4444-555555555555";
  auto ref = rotate("rotating", token, 30);
  EXPECT_EQ(ref.version_id, token);
  EXPECT_THAT(launcher_.calls(), ElementsAre(std::pair(v1.arn, token)));

  // The token names a version labelled AWSPENDING, with no value yet.
  auto labels = stages("rotating");
  EXPECT_THAT(labels[token], ElementsAre(kPending));
  EXPECT_THAT(labels[*v1.version_id], ElementsAre(kCurrent));
  EXPECT_THAT([&] { get("rotating", std::nullopt, kPending); },
              ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { get("rotating", token, kPending); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_EQ(get("rotating"), "old password");

  // createSecret: PutSecretValue with the token and VersionStages [AWSPENDING].
  auto filled = put("rotating", "new password", token, std::vector<std::string>{kPending});
  EXPECT_EQ(filled.version_id, token);
  EXPECT_THAT(filled.version_stages, ElementsAre(kPending));
  EXPECT_EQ(get("rotating", token, kPending), "new password");
  EXPECT_EQ(get("rotating"), "old password");
  // Re-sent, it is the same version; with another value it is refused.
  EXPECT_EQ(put("rotating", "new password", token, std::vector<std::string>{kPending}).version_id,
            token);
  EXPECT_THAT([&] { put("rotating", "other", token, std::vector<std::string>{kPending}); },
              ThrowsError(ErrorCode::kResourceExists));
  EXPECT_EQ(versions("rotating", true).size(), 2u);

  // A second rotation while AWSPENDING is left on a version that is not current: refused, and
  // (as AWS) the unfinished one is reattempted with its own token.
  EXPECT_THAT([&] { rotate("rotating", std::nullopt); }, ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_THAT(launcher_.calls(), ElementsAre(std::pair(v1.arn, token), std::pair(v1.arn, token)));
  EXPECT_EQ(versions("rotating", true).size(), 2u);

  // finishSecret, then the engine's report.
  clock_.advance(std::chrono::hours(2));
  finish("rotating", token);
  EXPECT_EQ(get("rotating"), "new password");
  EXPECT_EQ(get("rotating", std::nullopt, kPrevious), "old password");
  auto s = record("rotating");
  EXPECT_TRUE(s.rotation_enabled);
  EXPECT_EQ(s.rotation_lambda_arn, kLambda);
  EXPECT_EQ(s.last_rotated_at, clock_.now());
  EXPECT_EQ(s.next_rotation_at, std::chrono::floor<std::chrono::days>(clock_.now()) + days(30));
  EXPECT_THAT(current_rows(v1.arn), ElementsAre(token));

  // Done: a new rotation may start.
  auto next = rotate("rotating", std::nullopt);
  ASSERT_TRUE(next.version_id.has_value());
  EXPECT_NE(*next.version_id, token);
  EXPECT_EQ(launcher_.calls().size(), 3u);
}

TEST_F(SecretsRotationTest, RotateSecretWithoutRulesTurnsRotationOnAndRetriesAFailure) {
  // AWS's rotation templates refuse a secret whose RotationEnabled is false, so RotateSecret
  // with only a function must turn rotation on; a failure is retried, not left stuck.
  auto v1 = create("no-rules", "old");
  auto ref = rotate("no-rules", std::nullopt);
  ASSERT_TRUE(ref.version_id.has_value());
  auto s = record("no-rules");
  EXPECT_TRUE(s.rotation_enabled);
  // Not launched again by the scheduler while this first run is under way.
  EXPECT_EQ(s.next_rotation_at, clock_.now() + std::chrono::hours(1));
  secrets_->rotation_finished(v1.arn, *ref.version_id, false);
  clock_.advance(std::chrono::minutes(61));
  EXPECT_EQ(secrets_->run_due_work(), 1);
  EXPECT_THAT(launcher_.calls(),
              ElementsAre(std::pair(v1.arn, *ref.version_id), std::pair(v1.arn, *ref.version_id)));
  put("no-rules", "new", *ref.version_id, std::vector<std::string>{kPending});
  finish("no-rules", *ref.version_id);
  EXPECT_EQ(get("no-rules"), "new");
  // No schedule: nothing more is due, however long one waits.
  EXPECT_FALSE(record("no-rules").next_rotation_at.has_value());
  clock_.advance(days(400));
  EXPECT_EQ(secrets_->run_due_work(), 0);
}

TEST_F(SecretsRotationTest, AFailedRotationIsRelaunchedWithItsTokenWhenDue) {
  auto v1 = create("retry", "old");
  const std::string token = "44444444-2222-3333-4444-555555555555";
  rotate("retry", token, 1);
  ASSERT_EQ(launcher_.calls().size(), 1u);
  secrets_->rotation_finished(v1.arn, token, false);
  EXPECT_FALSE(record("retry").last_rotated_at.has_value());
  EXPECT_EQ(secrets_->run_due_work(), 0);  // not before an hour
  clock_.advance(std::chrono::minutes(61));
  EXPECT_EQ(secrets_->run_due_work(), 1);
  auto calls = launcher_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1], std::pair(v1.arn, token));  // the same token, no new version
  EXPECT_EQ(versions("retry", true).size(), 2u);
  EXPECT_THAT(stages("retry")[token], ElementsAre(kPending));
  EXPECT_EQ(secrets_->run_due_work(), 0);  // not launched twice at once

  put("retry", "new", token, std::vector<std::string>{kPending});
  finish("retry", token);
  EXPECT_EQ(get("retry"), "new");
  // The next one is due at the next window: midnight a day after the rotation.
  const auto next = *record("retry").next_rotation_at;
  EXPECT_EQ(next, std::chrono::floor<std::chrono::days>(clock_.now()) + days(1));
  clock_.set(next);
  EXPECT_EQ(secrets_->run_due_work(), 1);
  calls = launcher_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_NE(calls[2].second, token);
  EXPECT_THAT(stages("retry")[calls[2].second], ElementsAre(kPending));
}

TEST_F(SecretsRotationTest, ScheduledRotationWithoutImmediateRotationWaitsForItsWindow) {
  auto v1 = create("later", "old");
  auto ref = rotate("later", std::nullopt, 10, /*immediately=*/false);
  EXPECT_FALSE(ref.version_id.has_value());
  EXPECT_THAT(launcher_.calls(), IsEmpty());
  EXPECT_EQ(stages("later").size(), 1u);
  auto s = record("later");
  EXPECT_TRUE(s.rotation_enabled);
  ASSERT_TRUE(s.next_rotation_at.has_value());
  EXPECT_EQ(*s.next_rotation_at, std::chrono::floor<std::chrono::days>(s.created_at) + days(10));
  clock_.set(*s.next_rotation_at - std::chrono::milliseconds(1));
  EXPECT_EQ(secrets_->run_due_work(), 0);
  clock_.set(*s.next_rotation_at);
  EXPECT_EQ(secrets_->run_due_work(), 1);
  ASSERT_EQ(launcher_.calls().size(), 1u);
  EXPECT_EQ(launcher_.calls()[0].first, v1.arn);
}

TEST_F(SecretsRotationTest, CancelRotateSecretTurnsRotationOff) {
  create("cancelled", "old");
  rotate("cancelled", std::nullopt, 1, /*immediately=*/false);
  ASSERT_TRUE(record("cancelled").rotation_enabled);
  auto cancelled = secrets_->cancel_rotate_secret("cancelled");
  EXPECT_FALSE(cancelled.version_id.has_value());  // no rotation was under way
  auto s = record("cancelled");
  EXPECT_FALSE(s.rotation_enabled);
  EXPECT_FALSE(s.next_rotation_at.has_value());
  EXPECT_EQ(s.rotation_lambda_arn, kLambda);  // kept: RotateSecret may turn it on again
  clock_.advance(days(40));
  EXPECT_EQ(secrets_->run_due_work(), 0);
  EXPECT_THAT(launcher_.calls(), IsEmpty());
}

TEST_F(SecretsRotationTest, CancelRotateSecretNamesTheRotationItInterrupted) {
  create("interrupted", "old");
  auto ref = rotate("interrupted", std::nullopt, 1);
  ASSERT_TRUE(ref.version_id.has_value());
  auto cancelled = secrets_->cancel_rotate_secret("interrupted");
  EXPECT_EQ(cancelled.version_id, ref.version_id);
  EXPECT_FALSE(record("interrupted").rotation_enabled);
  clock_.advance(days(40));
  EXPECT_EQ(secrets_->run_due_work(), 0);
  EXPECT_EQ(launcher_.calls().size(), 1u);
}

TEST_F(SecretsRotationTest, APendingVersionWithAValueIsAlsoRelaunched) {
  // A rotation function that died after createSecret: AWSPENDING holds the new value.
  auto v1 = create("half-done", "old");
  rotate("half-done", std::nullopt, 1, /*immediately=*/false);
  auto pending = put("half-done", "new", std::nullopt, std::vector<std::string>{kPending});
  clock_.set(*record("half-done").next_rotation_at);
  EXPECT_EQ(secrets_->run_due_work(), 1);
  EXPECT_THAT(launcher_.calls(), ElementsAre(std::pair(v1.arn, pending.version_id)));
  EXPECT_EQ(get("half-done", std::nullopt, kPending), "new");
  EXPECT_EQ(versions("half-done", true).size(), 2u);
}

TEST_F(SecretsRotationTest, FillingTheStagedVersionDoesNotCountItTwiceTowardThe100) {
  // 99 versions a day old, then the one RotateSecret stages: exactly 100, so filling it
  // (which adds no version) must remove none.
  auto first = create("full", "v0");
  for (int i = 1; i < 99; ++i) {
    clock_.advance(std::chrono::seconds(1));
    put("full", "v" + std::to_string(i));
  }
  clock_.advance(std::chrono::hours(25));
  const std::string token = "77777777-2222-3333-4444-555555555555";
  rotate("full", token);
  ASSERT_EQ(versions("full", true).size(), 100u);
  put("full", "pending value", token, std::vector<std::string>{kPending});
  EXPECT_EQ(versions("full", true).size(), 100u);
  EXPECT_THAT([&] { get("full", *first.version_id); },
              ::testing::Not(ThrowsError(ErrorCode::kResourceNotFound)));
}

}  // namespace
}  // namespace coffer::testing
