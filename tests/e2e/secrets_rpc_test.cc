// Every coffer.v1.Secrets method through SecretsClient and a real cofferd (issue 15): values
// and versions, staging labels, describe and list, deletion, tags, passwords, rotation and
// resource policies, errors with Secrets Manager's names; and CachingSecretReader against
// the same daemon: TTL, refresh only on a version change, stale values on a lost server,
// eviction, threads.
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "client/caching_secret_reader.h"
#include "client/request_token.h"
#include "client/secrets_client.h"
#include "tests/e2e/kms_fixture.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

namespace sv1 = ::coffer::v1::secrets;
using ::testing::HasSubstr;

std::string text_of(const SecretBytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// The KMS fixture's daemon, and a SecretsClient on the KmsClient's connection.
class SecretsE2eTest : public KmsE2eTest {
 protected:
  void SetUp() override {
    KmsE2eTest::SetUp();
    secrets_ = std::make_shared<client::SecretsClient>(kms_->shared_rpc());
  }
  void TearDown() override {
    secrets_.reset();
    KmsE2eTest::TearDown();
  }

  sv1::CreateSecretResponse create(const std::string& name, const std::string& value) {
    sv1::CreateSecretRequest request;
    request.set_name(name);
    request.set_secret_string(value);
    return secrets_->create_secret(request);
  }
  std::string put(const std::string& id, const std::string& value) {
    sv1::PutSecretValueRequest request;
    request.set_secret_id(id);
    request.set_secret_string(value);
    return secrets_->put_secret_value(request).version_id();
  }
  sv1::GetSecretValueResponse get(const std::string& id, const std::string& stage = "") {
    sv1::GetSecretValueRequest request;
    request.set_secret_id(id);
    if (!stage.empty()) request.set_version_stage(stage);
    return secrets_->get_secret_value(request);
  }
  sv1::DescribeSecretResponse describe(const std::string& id) {
    sv1::DescribeSecretRequest request;
    request.set_secret_id(id);
    return secrets_->describe_secret(request);
  }
  // The version holding `stage`, from DescribeSecret's map.
  std::string holder(const std::string& id, const std::string& stage) {
    const auto described = describe(id);  // kept: the loop walks a map inside it
    for (const auto& [version, stages] : described.version_ids_to_stages()) {
      for (const auto& s : stages.version_stages())
        if (s == stage) return version;
    }
    return "";
  }

  std::shared_ptr<client::SecretsClient> secrets_;
};

// --- values and versions ---------------------------------------------------------------

TEST_F(SecretsE2eTest, CreateGetPutAndVersions) {
  sv1::CreateSecretRequest create_request;
  create_request.set_name("app/db");
  create_request.set_description("the database");
  create_request.set_secret_string(R"({"username":"app","password":"one"})");
  auto* tag = create_request.add_tags();
  tag->set_key("team");
  tag->set_value("storage");
  const auto created = secrets_->create_secret(create_request);
  EXPECT_EQ(created.name(), "app/db");
  EXPECT_THAT(created.arn(), HasSubstr(":secretsmanager:us-east-1:"));
  EXPECT_THAT(created.arn(), HasSubstr(":secret:app/db-"));
  // The client made the ClientRequestToken: a UUID, which became the version id.
  ASSERT_TRUE(created.has_version_id());
  EXPECT_EQ(created.version_id().size(), 36u);
  EXPECT_EQ(created.version_id()[14], '4');

  auto first = get("app/db");
  EXPECT_EQ(first.secret_string(), R"({"username":"app","password":"one"})");
  EXPECT_FALSE(first.has_secret_binary());
  EXPECT_EQ(first.version_id(), created.version_id());
  EXPECT_EQ(std::vector<std::string>(first.version_stages().begin(), first.version_stages().end()),
            std::vector<std::string>{"AWSCURRENT"});
  EXPECT_TRUE(first.has_created_date());
  EXPECT_EQ(get(created.arn()).secret_string(), first.secret_string());  // by ARN too

  // A value with our own token: re-sending it (as after a lost connection) is answered
  // with the same version, not a second one; another value under it is refused.
  const std::string token = client::new_client_request_token();
  sv1::PutSecretValueRequest put_request;
  put_request.set_secret_id("app/db");
  put_request.set_client_request_token(token);
  put_request.set_secret_string("two");
  const auto put_response = secrets_->put_secret_value(put_request);
  EXPECT_EQ(put_response.version_id(), token);
  EXPECT_EQ(std::vector<std::string>(put_response.version_stages().begin(),
                                     put_response.version_stages().end()),
            std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(secrets_->put_secret_value(put_request).version_id(), token);
  put_request.set_secret_string("something else");
  EXPECT_THAT([&] { secrets_->put_secret_value(put_request); },
              ThrowsError(ErrorCode::kResourceExists));

  EXPECT_EQ(get("app/db").secret_string(), "two");
  EXPECT_EQ(get("app/db", "AWSPREVIOUS").secret_string(), first.secret_string());
  sv1::GetSecretValueRequest by_version;
  by_version.set_secret_id("app/db");
  by_version.set_version_id(first.version_id());
  EXPECT_EQ(secrets_->get_secret_value(by_version).secret_string(), first.secret_string());

  sv1::ListSecretVersionIdsRequest list;
  list.set_secret_id("app/db");
  const auto versions = secrets_->list_secret_version_ids(list);
  EXPECT_EQ(versions.name(), "app/db");
  EXPECT_EQ(versions.arn(), created.arn());
  ASSERT_EQ(versions.versions_size(), 2);
  std::set<std::string> ids;
  for (const auto& v : versions.versions()) {
    ids.insert(v.version_id());
    EXPECT_TRUE(v.has_created_date());
    EXPECT_EQ(v.kms_key_ids_size(), 1);
  }
  EXPECT_EQ(ids, (std::set<std::string>{first.version_id(), token}));

  // A custom label on a third version, which leaves AWSCURRENT where it was.
  sv1::PutSecretValueRequest staged;
  staged.set_secret_id("app/db");
  staged.set_secret_string("three");
  staged.add_version_stages("TESTING");
  const auto testing_version = secrets_->put_secret_value(staged).version_id();
  EXPECT_EQ(get("app/db").secret_string(), "two");
  EXPECT_EQ(get("app/db", "TESTING").secret_string(), "three");
  EXPECT_EQ(holder("app/db", "TESTING"), testing_version);
}

TEST_F(SecretsE2eTest, UpdateSecretAndMoveStages) {
  const auto created = create("svc/token", "v1");
  const std::string v2 = put("svc/token", "v2");

  // AWSCURRENT back to the first version: it takes AWSCURRENT, v2 keeps nothing of it.
  sv1::UpdateSecretVersionStageRequest move;
  move.set_secret_id("svc/token");
  move.set_version_stage("AWSCURRENT");
  move.set_move_to_version_id(created.version_id());
  move.set_remove_from_version_id(v2);
  const auto moved = secrets_->update_secret_version_stage(move);
  EXPECT_EQ(moved.name(), "svc/token");
  EXPECT_EQ(get("svc/token").secret_string(), "v1");
  EXPECT_EQ(holder("svc/token", "AWSCURRENT"), created.version_id());

  // Moving without naming the holder is refused, as by AWS.
  move.set_move_to_version_id(v2);
  move.clear_remove_from_version_id();
  EXPECT_THAT([&] { secrets_->update_secret_version_stage(move); },
              ThrowsError(ErrorCode::kInvalidParameter));

  // Description only: no new version.
  sv1::UpdateSecretRequest describe_only;
  describe_only.set_secret_id("svc/token");
  describe_only.set_description("rotated by hand");
  const auto updated = secrets_->update_secret(describe_only);
  EXPECT_FALSE(updated.has_version_id());
  EXPECT_EQ(describe("svc/token").description(), "rotated by hand");

  // With a value: a new AWSCURRENT version.
  sv1::UpdateSecretRequest with_value;
  with_value.set_secret_id("svc/token");
  with_value.set_secret_string("v3");
  const auto v3 = secrets_->update_secret(with_value);
  ASSERT_TRUE(v3.has_version_id());
  EXPECT_EQ(get("svc/token").secret_string(), "v3");
  EXPECT_EQ(get("svc/token").version_id(), v3.version_id());
}

TEST_F(SecretsE2eTest, BinaryValuesAndBatchGet) {
  std::string blob(300, '\0');
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>(i * 7);
  sv1::CreateSecretRequest request;
  request.set_name("bin/cert");
  request.set_secret_binary(blob);
  secrets_->create_secret(request);
  const auto got = get("bin/cert");
  EXPECT_TRUE(got.has_secret_binary());
  EXPECT_FALSE(got.has_secret_string());
  EXPECT_EQ(got.secret_binary(), blob);

  create("batch/a", "A");
  create("batch/b", "B");
  sv1::BatchGetSecretValueRequest batch;
  batch.add_secret_id_list("batch/a");
  batch.add_secret_id_list("batch/b");
  batch.add_secret_id_list("batch/missing");
  const auto by_ids = secrets_->batch_get_secret_value(batch);
  std::set<std::string> values;
  for (const auto& v : by_ids.secret_values()) values.insert(v.name() + "=" + v.secret_string());
  EXPECT_EQ(values, (std::set<std::string>{"batch/a=A", "batch/b=B"}));
  ASSERT_EQ(by_ids.errors_size(), 1);
  EXPECT_EQ(by_ids.errors(0).secret_id(), "batch/missing");
  EXPECT_EQ(by_ids.errors(0).error_code(), "ResourceNotFoundException");

  sv1::BatchGetSecretValueRequest by_filter;
  auto* filter = by_filter.add_filters();
  filter->set_key("name");
  filter->add_values("batch/");
  const auto filtered = secrets_->batch_get_secret_value(by_filter);
  EXPECT_EQ(filtered.secret_values_size(), 2);
  EXPECT_EQ(filtered.errors_size(), 0);

  // Ids and filters together are refused.
  *batch.add_filters() = *filter;
  EXPECT_THAT([&] { secrets_->batch_get_secret_value(batch); },
              ThrowsError(ErrorCode::kInvalidParameter));
}

// --- describe, list, tags ----------------------------------------------------------------

TEST_F(SecretsE2eTest, DescribeListAndTags) {
  sv1::CreateSecretRequest request;
  request.set_name("list/one");
  request.set_description("first");
  request.set_secret_string("1");
  auto* tag = request.add_tags();
  tag->set_key("env");
  tag->set_value("prod");
  const auto one = secrets_->create_secret(request);
  create("list/two", "2");
  create("other/three", "3");

  const auto d = describe("list/one");
  EXPECT_EQ(d.arn(), one.arn());
  EXPECT_EQ(d.description(), "first");
  EXPECT_FALSE(d.rotation_enabled());
  EXPECT_FALSE(d.has_deleted_date());
  EXPECT_TRUE(d.has_created_date());
  EXPECT_TRUE(d.has_last_changed_date());
  EXPECT_EQ(d.primary_region(), "us-east-1");
  ASSERT_EQ(d.tags_size(), 1);
  EXPECT_EQ(d.tags(0).key(), "env");
  EXPECT_EQ(d.tags(0).value(), "prod");
  ASSERT_EQ(d.version_ids_to_stages().size(), 1u);
  EXPECT_EQ(d.version_ids_to_stages().at(one.version_id()).version_stages(0), "AWSCURRENT");

  // One secret per page: the tokens walk through all three.
  sv1::ListSecretsRequest list;
  list.set_max_results(1);
  std::set<std::string> names;
  for (int page = 0; page < 10; ++page) {
    const auto response = secrets_->list_secrets(list);
    EXPECT_LE(response.secret_list_size(), 1);
    for (const auto& s : response.secret_list()) {
      names.insert(s.name());
      EXPECT_EQ(s.secret_versions_to_stages().size(), 1u);
    }
    if (!response.has_next_token()) break;
    list.set_next_token(response.next_token());
  }
  EXPECT_EQ(names, (std::set<std::string>{"list/one", "list/two", "other/three"}));

  sv1::ListSecretsRequest filtered;
  auto* filter = filtered.add_filters();
  filter->set_key("name");
  filter->add_values("list/");
  filtered.set_sort_by("name");
  filtered.set_sort_order("desc");
  const auto listed = secrets_->list_secrets(filtered);
  ASSERT_EQ(listed.secret_list_size(), 2);
  EXPECT_EQ(listed.secret_list(0).name(), "list/two");
  EXPECT_EQ(listed.secret_list(1).name(), "list/one");

  sv1::TagResourceRequest tag_request;
  tag_request.set_secret_id("list/one");
  auto* team = tag_request.add_tags();
  team->set_key("team");
  team->set_value("x");
  auto* env = tag_request.add_tags();
  env->set_key("env");
  env->set_value("staging");  // overwrites
  secrets_->tag_resource(tag_request);
  sv1::UntagResourceRequest untag;
  untag.set_secret_id("list/one");
  untag.add_tag_keys("team");
  secrets_->untag_resource(untag);
  const auto tagged = describe("list/one");
  ASSERT_EQ(tagged.tags_size(), 1);
  EXPECT_EQ(tagged.tags(0).value(), "staging");

  sv1::ListSecretsRequest by_tag;
  auto* tag_filter = by_tag.add_filters();
  tag_filter->set_key("tag-key");
  tag_filter->add_values("env");
  const auto with_env = secrets_->list_secrets(by_tag);
  ASSERT_EQ(with_env.secret_list_size(), 1);
  EXPECT_EQ(with_env.secret_list(0).name(), "list/one");

  // Tags starting with aws: are reserved.
  auto* reserved = tag_request.add_tags();
  reserved->set_key("aws:nope");
  EXPECT_THAT([&] { secrets_->tag_resource(tag_request); },
              ThrowsError(ErrorCode::kInvalidParameter));
}

// --- deletion --------------------------------------------------------------------------

TEST_F(SecretsE2eTest, DeleteRestoreAndForceDelete) {
  create("gone/soon", "x");
  sv1::DeleteSecretRequest remove;
  remove.set_secret_id("gone/soon");
  remove.set_recovery_window_in_days(7);
  const auto deleted = secrets_->delete_secret(remove);
  EXPECT_EQ(deleted.name(), "gone/soon");
  EXPECT_TRUE(deleted.has_deletion_date());
  EXPECT_THAT([&] { get("gone/soon"); }, ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_TRUE(describe("gone/soon").has_deleted_date());

  sv1::ListSecretsRequest list;
  EXPECT_EQ(secrets_->list_secrets(list).secret_list_size(), 0);
  list.set_include_planned_deletion(true);
  EXPECT_EQ(secrets_->list_secrets(list).secret_list_size(), 1);

  sv1::RestoreSecretRequest restore;
  restore.set_secret_id("gone/soon");
  EXPECT_EQ(secrets_->restore_secret(restore).name(), "gone/soon");
  EXPECT_EQ(get("gone/soon").secret_string(), "x");
  EXPECT_FALSE(describe("gone/soon").has_deleted_date());

  // Out of 7..30 days; a window together with force is refused.
  remove.set_recovery_window_in_days(3);
  EXPECT_THAT([&] { secrets_->delete_secret(remove); }, ThrowsError(ErrorCode::kInvalidParameter));
  remove.set_recovery_window_in_days(std::int64_t{1} << 40);  // not wrapped into range
  EXPECT_THAT([&] { secrets_->delete_secret(remove); }, ThrowsError(ErrorCode::kInvalidParameter));
  remove.set_recovery_window_in_days(7);
  remove.set_force_delete_without_recovery(true);
  EXPECT_THAT([&] { secrets_->delete_secret(remove); }, ThrowsError(ErrorCode::kInvalidParameter));

  remove.clear_recovery_window_in_days();
  secrets_->delete_secret(remove);
  EXPECT_THAT([&] { describe("gone/soon"); }, ThrowsError(ErrorCode::kResourceNotFound));
  // The name is free again.
  create("gone/soon", "y");
}

// --- passwords, rotation, policies ---------------------------------------------------

TEST_F(SecretsE2eTest, RandomPassword) {
  sv1::GetRandomPasswordRequest request;
  EXPECT_EQ(secrets_->get_random_password(request).random_password().size(), 32u);
  request.set_password_length(64);
  request.set_exclude_punctuation(true);
  request.set_exclude_uppercase(true);
  request.set_exclude_characters("abc");
  const std::string password = secrets_->get_random_password(request).random_password();
  ASSERT_EQ(password.size(), 64u);
  for (char c : password) {
    EXPECT_TRUE((c >= 'd' && c <= 'z') || (c >= '0' && c <= '9')) << password;
  }
  request.set_password_length(0);
  EXPECT_THAT([&] { secrets_->get_random_password(request); },
              ThrowsError(ErrorCode::kValidation, HasSubstr("passwordLength")));
}

TEST_F(SecretsE2eTest, RotationScheduleAndCancel) {
  create("rot/app", "old-password");
  sv1::RotateSecretRequest rotate;
  rotate.set_secret_id("rot/app");
  // No rotation function yet: refused as by AWS.
  EXPECT_THAT([&] { secrets_->rotate_secret(rotate); }, ThrowsError(ErrorCode::kInvalidRequest));

  rotate.set_rotation_lambda_arn("coffer:rotator:random-password");
  rotate.mutable_rotation_rules()->set_automatically_after_days(30);
  rotate.set_rotate_immediately(false);
  const auto scheduled = secrets_->rotate_secret(rotate);
  EXPECT_EQ(scheduled.name(), "rot/app");
  EXPECT_FALSE(scheduled.has_version_id());  // nothing rotated now
  auto d = describe("rot/app");
  EXPECT_TRUE(d.rotation_enabled());
  EXPECT_EQ(d.rotation_lambda_arn(), "coffer:rotator:random-password");
  EXPECT_EQ(d.rotation_rules().automatically_after_days(), 30);
  EXPECT_TRUE(d.has_next_rotation_date());
  EXPECT_EQ(get("rot/app").secret_string(), "old-password");

  sv1::CancelRotateSecretRequest cancel;
  cancel.set_secret_id("rot/app");
  EXPECT_EQ(secrets_->cancel_rotate_secret(cancel).name(), "rot/app");
  d = describe("rot/app");
  EXPECT_FALSE(d.rotation_enabled());
  EXPECT_FALSE(d.has_next_rotation_date());

  // Rules out of AWS's bounds.
  rotate.mutable_rotation_rules()->set_automatically_after_days(5000);
  EXPECT_THAT([&] { secrets_->rotate_secret(rotate); }, ThrowsError(ErrorCode::kInvalidParameter));
}

// RotateSecret as most callers use it (RotateImmediately defaults to true): the built-in
// random-password rotator gives the secret a new AWSCURRENT value within a few seconds.
TEST_F(SecretsE2eTest, RotateImmediatelyWithTheBuiltInRotator) {
  const auto created = create("rot/now", "old-password");
  sv1::RotateSecretRequest rotate;
  rotate.set_secret_id("rot/now");
  rotate.set_rotation_lambda_arn("coffer:rotator:random-password");
  rotate.mutable_rotation_rules()->set_automatically_after_days(30);
  const auto started = secrets_->rotate_secret(rotate);
  ASSERT_TRUE(started.has_version_id());
  EXPECT_NE(started.version_id(), created.version_id());
  std::string current;
  for (int i = 0; i < 100 && current != started.version_id(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    current = holder("rot/now", "AWSCURRENT");
  }
  EXPECT_EQ(current, started.version_id());
  EXPECT_NE(get("rot/now").secret_string(), "old-password");
  EXPECT_EQ(get("rot/now", "AWSPREVIOUS").secret_string(), "old-password");
}

TEST_F(SecretsE2eTest, ResourcePolicies) {
  create("pol/app", "x");
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":)"
      R"("arn:aws:iam::111122223333:root"},"Action":"secretsmanager:GetSecretValue",)"
      R"("Resource":"*"}]})";
  sv1::GetResourcePolicyRequest get_policy;
  get_policy.set_secret_id("pol/app");
  EXPECT_FALSE(secrets_->get_resource_policy(get_policy).has_resource_policy());

  sv1::PutResourcePolicyRequest put_policy;
  put_policy.set_secret_id("pol/app");
  put_policy.set_resource_policy(policy);
  EXPECT_EQ(secrets_->put_resource_policy(put_policy).name(), "pol/app");
  const auto got = secrets_->get_resource_policy(get_policy);
  EXPECT_EQ(got.resource_policy(), policy);
  EXPECT_EQ(got.name(), "pol/app");

  // Public access is refused while BlockPublicPolicy is on (the default).
  const std::string public_policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";
  put_policy.set_resource_policy(public_policy);
  EXPECT_THAT([&] { secrets_->put_resource_policy(put_policy); },
              ThrowsError(ErrorCode::kPublicPolicy));
  put_policy.set_resource_policy("not json");
  EXPECT_THAT([&] { secrets_->put_resource_policy(put_policy); },
              ThrowsError(ErrorCode::kMalformedPolicyDocument));

  sv1::ValidateResourcePolicyRequest validate;
  validate.set_resource_policy(policy);
  EXPECT_TRUE(secrets_->validate_resource_policy(validate).policy_validation_passed());
  validate.set_secret_id("pol/app");
  EXPECT_TRUE(secrets_->validate_resource_policy(validate).policy_validation_passed());

  sv1::DeleteResourcePolicyRequest remove;
  remove.set_secret_id("pol/app");
  EXPECT_EQ(secrets_->delete_resource_policy(remove).name(), "pol/app");
  EXPECT_FALSE(secrets_->get_resource_policy(get_policy).has_resource_policy());
}

// --- errors ----------------------------------------------------------------------------

TEST_F(SecretsE2eTest, ErrorsComeBackTyped) {
  EXPECT_THAT([&] { get("no/such"); },
              ThrowsError(ErrorCode::kResourceNotFound, HasSubstr("can't find")));
  EXPECT_THAT([&] { describe("no/such"); }, ThrowsError(ErrorCode::kResourceNotFound));

  create("err/dup", "x");
  EXPECT_THAT([&] { create("err/dup", "y"); }, ThrowsError(ErrorCode::kResourceExists));

  // The table's bounds, in AWS's words, over rpc as over AWS JSON.
  sv1::PutSecretValueRequest short_token;
  short_token.set_secret_id("err/dup");
  short_token.set_client_request_token("too-short");
  short_token.set_secret_string("v");
  EXPECT_THAT([&] { secrets_->put_secret_value(short_token); },
              ThrowsError(ErrorCode::kValidation,
                          HasSubstr("at 'clientRequestToken' failed to satisfy constraint")));
  sv1::ListSecretsRequest bad_sort;
  bad_sort.set_sort_order("sideways");
  EXPECT_THAT([&] { secrets_->list_secrets(bad_sort); },
              ThrowsError(ErrorCode::kValidation, HasSubstr("[asc, desc]")));
  sv1::GetSecretValueRequest empty_id;
  EXPECT_THAT([&] { secrets_->get_secret_value(empty_id); },
              ThrowsError(ErrorCode::kValidation, HasSubstr("secretId")));
  // The value is sensitive: never quoted back.
  sv1::PutSecretValueRequest too_big;
  too_big.set_secret_id("err/dup");
  too_big.set_secret_string(std::string(65537, 's'));
  EXPECT_THAT(
      [&] { secrets_->put_secret_value(too_big); },
      ThrowsError(ErrorCode::kValidation,
                  ::testing::AllOf(HasSubstr("secretString"), ::testing::Not(HasSubstr("sss")))));

  // Both kinds of value, or neither for PutSecretValue.
  sv1::PutSecretValueRequest both;
  both.set_secret_id("err/dup");
  both.set_secret_string("a");
  both.set_secret_binary("b");
  EXPECT_THAT([&] { secrets_->put_secret_value(both); }, ThrowsError(ErrorCode::kInvalidParameter));
  sv1::PutSecretValueRequest neither;
  neither.set_secret_id("err/dup");
  EXPECT_THAT([&] { secrets_->put_secret_value(neither); },
              ThrowsError(ErrorCode::kInvalidRequest));

  // KMS's TagResource is a different method: a secret is not a key.
  v1::TagResourceRequest kms_tag;
  kms_tag.set_key_id("err/dup");
  EXPECT_THAT([&] { kms_->tag_resource(kms_tag); }, ThrowsError(ErrorCode::kNotFound));
}

// --- CachingSecretReader -----------------------------------------------------------

// A steady clock the test moves.
class ManualSteadyClock {
 public:
  std::chrono::steady_clock::time_point now() const { return start_ + offset_.load(); }
  void advance(std::chrono::milliseconds by) { offset_ = offset_.load() + by; }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<std::chrono::milliseconds> offset_{std::chrono::milliseconds(0)};
};

class CachingReaderTest : public SecretsE2eTest {
 protected:
  std::unique_ptr<client::CachingSecretReader> make_reader(std::size_t max_size = 1024) {
    client::CachingSecretReaderOptions options;
    options.ttl = std::chrono::minutes(10);
    options.max_size = max_size;
    options.now = [this] { return clock_.now(); };
    return std::make_unique<client::CachingSecretReader>(secrets_, options);
  }
  ManualSteadyClock clock_;
};

TEST_F(CachingReaderTest, ServesFromMemoryUntilTheTtlThenDescribesOnly) {
  create("cache/db", "pw-1");
  auto reader = make_reader();
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/db")), "pw-1");
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/db")), "pw-1");
  auto stats = reader->stats();
  EXPECT_EQ(stats.value_calls, 1u);
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.describe_calls, 0u);

  // Past the TTL with no new version: one DescribeSecret, no second GetSecretValue.
  clock_.advance(std::chrono::minutes(11));
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/db")), "pw-1");
  stats = reader->stats();
  EXPECT_EQ(stats.describe_calls, 1u);
  EXPECT_EQ(stats.value_calls, 1u);
  // And the TTL starts again.
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/db")), "pw-1");
  EXPECT_EQ(reader->stats().describe_calls, 1u);
}

TEST_F(CachingReaderTest, RefetchesWhenTheCurrentVersionChanged) {
  create("cache/rotating", "pw-1");
  auto reader = make_reader();
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/rotating")), "pw-1");
  put("cache/rotating", "pw-2");
  // Within the TTL the cached value stands (that is the point of a cache).
  clock_.advance(std::chrono::minutes(5));
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/rotating")), "pw-1");
  EXPECT_EQ(reader->stats().value_calls, 1u);
  clock_.advance(std::chrono::minutes(6));
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/rotating")), "pw-2");
  auto stats = reader->stats();
  EXPECT_EQ(stats.describe_calls, 1u);
  EXPECT_EQ(stats.value_calls, 2u);

  // refresh_now: the next read asks at once.
  put("cache/rotating", "pw-3");
  reader->refresh_now("cache/rotating");
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/rotating")), "pw-3");
  EXPECT_EQ(reader->stats().describe_calls, 2u);
}

TEST_F(CachingReaderTest, RealTimeTtl) {
  create("cache/ttl", "a");
  client::CachingSecretReaderOptions options;
  options.ttl = std::chrono::milliseconds(300);
  client::CachingSecretReader reader(secrets_, options);
  EXPECT_EQ(text_of(*reader.get_secret_string("cache/ttl")), "a");
  put("cache/ttl", "b");
  EXPECT_EQ(text_of(*reader.get_secret_string("cache/ttl")), "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(text_of(*reader.get_secret_string("cache/ttl")), "b");
}

TEST_F(CachingReaderTest, BinaryAndTheOtherKind) {
  sv1::CreateSecretRequest request;
  request.set_name("cache/bin");
  request.set_secret_binary(std::string("\x00\x01\xff", 3));
  secrets_->create_secret(request);
  auto reader = make_reader();
  auto binary = reader->get_secret_binary("cache/bin");
  ASSERT_TRUE(binary);
  EXPECT_EQ(text_of(*binary), std::string("\x00\x01\xff", 3));
  EXPECT_FALSE(reader->get_secret_string("cache/bin"));
  EXPECT_EQ(reader->stats().value_calls, 1u);
}

TEST_F(CachingReaderTest, ErrorsAreThrownAndNotCached) {
  auto reader = make_reader();
  EXPECT_THAT([&] { reader->get_secret_string("cache/none"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_EQ(reader->size(), 0u);
  create("cache/none", "now it exists");
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/none")), "now it exists");

  // Deleted behind the cache's back: after the TTL the error, and the value is gone.
  sv1::DeleteSecretRequest remove;
  remove.set_secret_id("cache/none");
  secrets_->delete_secret(remove);
  clock_.advance(std::chrono::minutes(11));
  EXPECT_THAT([&] { reader->get_secret_string("cache/none"); },
              ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_EQ(reader->size(), 0u);
}

TEST_F(CachingReaderTest, ServesTheStaleValueWhileTheServerIsDown) {
  create("cache/outage", "still-good");
  auto reader = make_reader();
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/outage")), "still-good");
  ASSERT_EQ(daemon_->stop(), 0) << daemon_->log();
  clock_.advance(std::chrono::minutes(11));
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/outage")), "still-good");
  EXPECT_EQ(reader->stats().stale_served, 1u);
  // The retry waits for its back-off (1 s), not for another TTL: no call before it.
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/outage")), "still-good");
  EXPECT_EQ(reader->stats().stale_served, 1u);
  clock_.advance(std::chrono::seconds(2));
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/outage")), "still-good");
  EXPECT_EQ(reader->stats().stale_served, 2u);
  // Nothing cached for an id never read: the error.
  EXPECT_THAT([&] { reader->get_secret_string("cache/other"); },
              ThrowsError(ErrorCode::kDependencyTimeout));
}

TEST_F(CachingReaderTest, EvictsTheLeastRecentlyRead) {
  create("cache/1", "one");
  create("cache/2", "two");
  create("cache/3", "three");
  auto reader = make_reader(2);
  reader->get_secret_string("cache/1");
  reader->get_secret_string("cache/2");
  reader->get_secret_string("cache/1");  // 2 is now the least recent
  reader->get_secret_string("cache/3");
  EXPECT_EQ(reader->size(), 2u);
  EXPECT_EQ(reader->stats().evictions, 1u);
  EXPECT_EQ(reader->stats().value_calls, 3u);
  reader->get_secret_string("cache/1");  // still cached
  EXPECT_EQ(reader->stats().value_calls, 3u);
  EXPECT_EQ(text_of(*reader->get_secret_string("cache/2")), "two");  // fetched again
  EXPECT_EQ(reader->stats().value_calls, 4u);

  reader->invalidate("cache/2");
  EXPECT_EQ(reader->size(), 1u);
  reader->clear();
  EXPECT_EQ(reader->size(), 0u);
}

TEST_F(CachingReaderTest, ConcurrentReadersShareOneFetch) {
  create("cache/shared", "value");
  create("cache/other", "other");
  auto reader = make_reader();
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const std::string id = t % 2 ? "cache/shared" : "cache/other";
      const std::string want = t % 2 ? "value" : "other";
      for (int i = 0; i < 50; ++i) {
        if (text_of(*reader->get_secret_string(id)) != want) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  const auto stats = reader->stats();
  EXPECT_EQ(stats.value_calls, 2u);
  EXPECT_EQ(stats.hits, 8u * 50u - 2u);
}

}  // namespace
}  // namespace coffer::testing
