// Secrets Manager's core (issue 15) against a real SecretsService: a KmsService on a
// throw-away SoftHSM token, a SQLite store and a ManualClock. What is asserted is what AWS's
// users rely on (botocore secretsmanager/2017-10-17 and the API reference): names and ARNs,
// values, idempotent ClientRequestTokens, staging labels, version pruning, deletion and
// recovery, KMS failures, sealed values bound to their secret and version, listing, tags,
// rotation and resource policies.
#include <algorithm>
#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "core/secrets/secrets_service.h"
#include "tests/core/secrets_fixture.h"

namespace coffer::testing {
namespace {

using core::days;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr const char* kCurrent = "AWSCURRENT";
constexpr const char* kPrevious = "AWSPREVIOUS";
constexpr const char* kPending = "AWSPENDING";
constexpr const char* kLambda = "arn:aws:lambda:us-east-1:111122223333:function:rotator";

std::vector<std::string> ids_of(const std::vector<core::SecretVersionEntry>& versions) {
  std::vector<std::string> ids;
  for (const auto& v : versions) ids.push_back(v.version_id);
  return ids;
}

class SecretsServiceTest : public SecretsTest {
 protected:
  // Every AWSCURRENT row of a secret, straight from the table.
  std::vector<std::string> current_rows(const std::string& arn) {
    return query("SELECT version_id FROM secret_stages WHERE secret_arn = " + quote(arn) +
                 " AND stage = 'AWSCURRENT'");
  }
  std::vector<std::string> names_of(const core::ListSecretsResult& r) {
    std::vector<std::string> names;
    for (const auto& d : r.secrets) names.push_back(d.secret.name);
    return names;
  }
  std::vector<std::string> list_names(std::vector<core::SecretsFilter> filters,
                                      bool include_planned_deletion = false) {
    core::ListSecretsRequest r;
    r.filters = std::move(filters);
    r.include_planned_deletion = include_planned_deletion;
    auto names = names_of(secrets_->list_secrets(r));
    std::sort(names.begin(), names.end());
    return names;
  }
  core::SecretRecord record(const std::string& id) { return secrets_->describe_secret(id).secret; }
};

// --- names and ARNs ---

TEST_F(SecretsServiceTest, ReadsBySecretNameFullArnAndPartialArn) {
  auto ref = create("prod/db-password", "hunter2");
  EXPECT_EQ(ref.name, "prod/db-password");
  ASSERT_TRUE(ref.version_id.has_value());
  const std::string partial = ref.arn.substr(0, ref.arn.size() - 7);  // without "-XXXXXX"
  EXPECT_EQ(partial, "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-password");
  for (const std::string& id : {std::string("prod/db-password"), ref.arn, partial}) {
    auto r = get_result(id);
    EXPECT_EQ(str(*r.value.string), "hunter2") << id;
    EXPECT_EQ(r.arn, ref.arn) << id;
    EXPECT_EQ(r.name, "prod/db-password") << id;
    EXPECT_EQ(r.version_id, *ref.version_id) << id;
    EXPECT_THAT(r.version_stages, ElementsAre(kCurrent)) << id;
    EXPECT_EQ(secrets_->describe_secret(id).secret.arn, ref.arn) << id;
  }
  // Another region, account or suffix names no secret here.
  EXPECT_THAT([&] { get("arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-password"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { get("arn:aws:secretsmanager:us-east-1:999999999999:secret:prod/db-password"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { get(partial + "-AAAAAA"); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { get("prod/db"); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { get("nothing-here"); }, ThrowsError(ErrorCode::kResourceNotFound));
}

TEST_F(SecretsServiceTest, ArnEndsInSixRandomAlphanumericsThatChangeWhenTheNameIsReused) {
  const std::regex shape(
      "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/token-[A-Za-z0-9]{6}");
  auto first = create("app/token", "one");
  EXPECT_TRUE(std::regex_match(first.arn, shape)) << first.arn;

  core::DeleteSecretRequest del;
  del.secret_id = first.arn;
  del.force_delete_without_recovery = true;
  secrets_->delete_secret(del);
  auto second = create("app/token", "two");
  EXPECT_TRUE(std::regex_match(second.arn, shape)) << second.arn;
  EXPECT_NE(second.arn, first.arn);
  // Grants to the old ARN do not reach the new secret; the name does.
  EXPECT_THAT([&] { get(first.arn); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_EQ(get(second.arn), "two");
  EXPECT_EQ(get("app/token"), "two");

  // The suffixes are random: 20 secrets, 20 different suffixes, all alphanumeric.
  std::set<std::string> suffixes;
  for (int i = 0; i < 20; ++i) {
    auto ref = create("s" + std::to_string(i), std::nullopt);
    suffixes.insert(ref.arn.substr(ref.arn.size() - 6));
    EXPECT_TRUE(std::regex_search(ref.arn, std::regex(":secret:s[0-9]+-[A-Za-z0-9]{6}$")))
        << ref.arn;
  }
  EXPECT_EQ(suffixes.size(), 20u);
}

TEST_F(SecretsServiceTest, NamesOutsideAwsCharacterSetAreRefused) {
  EXPECT_THAT([&] { create("has space", "v"); }, ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { create("", "v"); }, ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { create(std::string(513, 'a'), "v"); },
              ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_NO_THROW(create(std::string(512, 'a'), "v"));
  EXPECT_NO_THROW(create("a/b_c+d=e.f@g-h", "v"));
}

// --- values ---

TEST_F(SecretsServiceTest, StringAndBinaryValuesRoundTripUpTo64KiB) {
  std::string big(65536, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  create("big-string", big);
  auto r = get_result("big-string");
  ASSERT_TRUE(r.value.string.has_value());
  EXPECT_FALSE(r.value.binary.has_value());
  EXPECT_EQ(str(*r.value.string), big);

  std::vector<std::uint8_t> bytes(65536);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + 3);
  core::CreateSecretRequest c;
  c.name = "big-binary";
  c.value = binary(bytes);
  secrets_->create_secret(c);
  auto b = get_result("big-binary");
  ASSERT_TRUE(b.value.binary.has_value());
  EXPECT_FALSE(b.value.string.has_value());
  EXPECT_EQ(std::vector<std::uint8_t>(b.value.binary->data(),
                                      b.value.binary->data() + b.value.binary->size()),
            bytes);

  // A binary value put on a string secret comes back binary; the string one stays readable.
  core::PutSecretValueRequest p;
  p.secret_id = "big-string";
  p.value = binary({0, 1, 2, 255});
  secrets_->put_secret_value(p);
  auto now_binary = get_result("big-string");
  ASSERT_TRUE(now_binary.value.binary.has_value());
  EXPECT_EQ(now_binary.value.binary->size(), 4u);
  EXPECT_EQ(str(*get_result("big-string", std::nullopt, kPrevious).value.string), big);

  // 65537 bytes is one too many, as a string and as binary, on every writer.
  const std::string too_big(65537, 'x');
  EXPECT_THAT([&] { create("too-big", too_big); }, ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { put("big-string", too_big); }, ThrowsError(ErrorCode::kInvalidParameter));
  p.value = binary(std::vector<std::uint8_t>(65537, 1));
  EXPECT_THAT([&] { secrets_->put_secret_value(p); }, ThrowsError(ErrorCode::kInvalidParameter));
  core::UpdateSecretRequest u;
  u.secret_id = "big-binary";
  u.value = text(too_big);
  EXPECT_THAT([&] { secrets_->update_secret(u); }, ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { get("too-big"); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_EQ(versions("big-string", true).size(), 2u);

  // Both kinds at once, or none on PutSecretValue, is refused.
  core::PutSecretValueRequest both;
  both.secret_id = "big-string";
  both.value = text("a");
  both.value.binary = SecretBytes(as_bytes("b"));
  EXPECT_THAT([&] { secrets_->put_secret_value(both); }, ThrowsError(ErrorCode::kInvalidParameter));
  core::PutSecretValueRequest none;
  none.secret_id = "big-string";
  EXPECT_ANY_THROW(secrets_->put_secret_value(none));
}

TEST_F(SecretsServiceTest, ASecretWithoutAValueHasNothingToRead) {
  auto ref = create("empty", std::nullopt);
  EXPECT_FALSE(ref.version_id.has_value());
  EXPECT_THAT([&] { get("empty"); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT(versions("empty", true), IsEmpty());
  // The first value becomes AWSCURRENT.
  auto first = put("empty", "now");
  EXPECT_THAT(first.version_stages, ElementsAre(kCurrent));
  EXPECT_EQ(get("empty"), "now");
}

TEST_F(SecretsServiceTest, TheFirstVersionOfASecretIsAwsCurrentWhateverLabelsItIsGiven) {
  // PutSecretValue (API reference): "If this operation creates the first version for the
  // secret, then Secrets Manager automatically attaches the staging label AWSCURRENT to it."
  create("first-labelled", std::nullopt);
  auto first = put("first-labelled", "v1", std::nullopt, std::vector<std::string>{"blue"});
  EXPECT_THAT(first.version_stages, UnorderedElementsAre("blue", kCurrent));
  EXPECT_THAT(stages("first-labelled")[first.version_id], UnorderedElementsAre("blue", kCurrent));
  EXPECT_EQ(get("first-labelled", std::nullopt, "blue"), "v1");
  EXPECT_NO_THROW(get("first-labelled"));
}

// --- ClientRequestToken ---

TEST_F(SecretsServiceTest, CreateSecretIsIdempotentOnItsClientRequestToken) {
  const std::string token = "11111111-2222-3333-4444-555555555555";
  auto first = create("idem", "value-1", token);
  EXPECT_EQ(first.version_id, token);
  auto again = create("idem", "value-1", token);
  EXPECT_EQ(again.arn, first.arn);
  EXPECT_EQ(again.version_id, token);
  EXPECT_EQ(versions("idem", true).size(), 1u);
  // Same token, another value: the name is taken.
  EXPECT_THAT([&] { create("idem", "value-2", token); }, ThrowsError(ErrorCode::kResourceExists));
  // Another token: the name is taken too.
  EXPECT_THAT([&] { create("idem", "value-1", "aaaaaaaa-2222-3333-4444-555555555555"); },
              ThrowsError(ErrorCode::kResourceExists));
  EXPECT_EQ(get("idem"), "value-1");
}

TEST_F(SecretsServiceTest, PutSecretValueIsIdempotentOnItsClientRequestToken) {
  create("idem", "v1");
  const std::string token = "22222222-2222-3333-4444-555555555555";
  auto first = put("idem", "v2", token);
  EXPECT_EQ(first.version_id, token);
  EXPECT_THAT(first.version_stages, ElementsAre(kCurrent));
  const auto before = versions("idem", true);
  const auto labels = stages("idem");
  clock_.advance(std::chrono::minutes(5));
  auto again = put("idem", "v2", token);
  EXPECT_EQ(again.version_id, token);
  EXPECT_THAT(again.version_stages, ElementsAre(kCurrent));
  EXPECT_EQ(ids_of(versions("idem", true)), ids_of(before));
  EXPECT_EQ(stages("idem"), labels);
  // A re-sent put does not demote what was current since: it changes nothing.
  put("idem", "v3");
  const auto after_v3 = stages("idem");
  put("idem", "v2", token);
  EXPECT_EQ(stages("idem"), after_v3);
  EXPECT_EQ(get("idem"), "v3");
  // The token with another value: a version cannot be changed.
  EXPECT_THAT([&] { put("idem", "something else", token); },
              ThrowsError(ErrorCode::kResourceExists));
  EXPECT_EQ(get("idem", token), "v2");
}

// --- staging labels ---

TEST_F(SecretsServiceTest, PutSecretValueMovesAwsCurrentAndTheOldCurrentBecomesAwsPrevious) {
  auto v1 = create("labels", "one");
  auto v2 = put("labels", "two");
  auto v3 = put("labels", "three");
  const std::string arn = v1.arn;
  EXPECT_THAT(v3.version_stages, ElementsAre(kCurrent));
  auto labels = stages("labels");
  EXPECT_EQ(labels.size(), 2u);  // v1 carries no label any more
  EXPECT_THAT(labels[v3.version_id], ElementsAre(kCurrent));
  EXPECT_THAT(labels[v2.version_id], ElementsAre(kPrevious));
  EXPECT_EQ(labels.count(*v1.version_id), 0u);
  EXPECT_EQ(get("labels"), "three");
  EXPECT_EQ(get("labels", std::nullopt, kPrevious), "two");
  EXPECT_EQ(get("labels", *v1.version_id), "one");  // deprecated, still readable by id
  EXPECT_THAT(current_rows(arn), ElementsAre(v3.version_id));
  // Never two AWSCURRENT, whichever writer moved it.
  core::UpdateSecretRequest u;
  u.secret_id = "labels";
  u.value = text("four");
  auto v4 = secrets_->update_secret(u);
  ASSERT_TRUE(v4.version_id.has_value());
  EXPECT_THAT(current_rows(arn), ElementsAre(*v4.version_id));
  EXPECT_THAT(stages("labels")[v3.version_id], ElementsAre(kPrevious));
  EXPECT_EQ(get("labels"), "four");
}

TEST_F(SecretsServiceTest, CustomStagingLabelsStayWhereTheyArePut) {
  auto v1 = create("custom", "one");
  // A version with only a custom label leaves AWSCURRENT where it was.
  auto blue = put("custom", "blue value", std::nullopt, std::vector<std::string>{"blue"});
  EXPECT_THAT(blue.version_stages, ElementsAre("blue"));
  EXPECT_EQ(get("custom"), "one");
  EXPECT_EQ(get("custom", std::nullopt, "blue"), "blue value");
  EXPECT_THAT(stages("custom")[*v1.version_id], ElementsAre(kCurrent));

  // Labels move as a whole: "blue" and AWSCURRENT onto a new version, AWSPREVIOUS onto v1.
  auto v3 = put("custom", "three", std::nullopt, std::vector<std::string>{"blue", kCurrent});
  auto labels = stages("custom");
  EXPECT_THAT(labels[v3.version_id], UnorderedElementsAre("blue", kCurrent));
  EXPECT_THAT(labels[*v1.version_id], ElementsAre(kPrevious));
  EXPECT_EQ(labels.count(blue.version_id), 0u);

  // VersionId and VersionStage together must agree.
  EXPECT_EQ(get("custom", v3.version_id, "blue"), "three");
  EXPECT_THAT([&] { get("custom", blue.version_id, "blue"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { get("custom", std::nullopt, "green"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { get("custom", "no-such-version"); }, ThrowsError(ErrorCode::kResourceNotFound));
}

TEST_F(SecretsServiceTest, UpdateSecretVersionStageFollowsAwsRules) {
  auto v1 = create("stage", "one");
  auto v2 = put("stage", "two");
  auto v3 = put("stage", "three");
  const std::string id1 = *v1.version_id, id2 = v2.version_id, id3 = v3.version_id;
  auto move = [&](const std::string& stage, std::optional<std::string> to,
                  std::optional<std::string> from) {
    secrets_->update_secret_version_stage({"stage", stage, std::move(from), std::move(to)});
  };

  // AWSCURRENT is held by v3: moving it needs RemoveFromVersionId naming v3.
  EXPECT_THAT([&] { move(kCurrent, id1, std::nullopt); },
              ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { move(kCurrent, id1, id2); }, ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_EQ(get("stage"), "three");
  move(kCurrent, id1, id3);
  EXPECT_EQ(get("stage"), "one");
  auto labels = stages("stage");
  EXPECT_THAT(labels[id1], ElementsAre(kCurrent));
  EXPECT_THAT(labels[id3], ElementsAre(kPrevious));  // AWSPREVIOUS follows, as on AWS
  EXPECT_EQ(labels.count(id2), 0u);
  EXPECT_THAT(current_rows(v1.arn), ElementsAre(id1));

  // AWSCURRENT can only be moved, never removed.
  EXPECT_THAT([&] { move(kCurrent, std::nullopt, id1); },
              ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_EQ(get("stage"), "one");
  // Neither MoveToVersionId nor RemoveFromVersionId.
  EXPECT_THAT([&] { move("x", std::nullopt, std::nullopt); },
              ThrowsError(ErrorCode::kInvalidParameter));
  // Versions that do not exist.
  EXPECT_THAT([&] { move("x", "nope", std::nullopt); }, ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { move("x", std::nullopt, "nope"); }, ThrowsError(ErrorCode::kInvalidParameter));

  // A custom label: attached freely, moved only with RemoveFromVersionId, then removed.
  move("canary", id2, std::nullopt);
  EXPECT_EQ(get("stage", std::nullopt, "canary"), "two");
  EXPECT_THAT([&] { move("canary", id3, std::nullopt); },
              ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { move("canary", std::nullopt, id3); },
              ThrowsError(ErrorCode::kInvalidParameter));
  move("canary", id3, id2);
  EXPECT_EQ(get("stage", std::nullopt, "canary"), "three");
  move("canary", id3, std::nullopt);  // already there: nothing to do
  move("canary", std::nullopt, id3);
  EXPECT_THAT([&] { get("stage", std::nullopt, "canary"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT(current_rows(v1.arn), ElementsAre(id1));
}

TEST_F(SecretsServiceTest, ListSecretVersionIdsHidesDeprecatedVersionsUnlessAsked) {
  auto v1 = create("listing", "one");
  auto v2 = put("listing", "two");
  auto v3 = put("listing", "three");
  EXPECT_THAT(ids_of(versions("listing", false)),
              UnorderedElementsAre(v2.version_id, v3.version_id));
  EXPECT_THAT(ids_of(versions("listing", true)),
              UnorderedElementsAre(*v1.version_id, v2.version_id, v3.version_id));
  for (const auto& v : versions("listing", true)) {
    EXPECT_FALSE(v.kms_key_arn.empty());
    if (v.version_id == *v1.version_id) {
      EXPECT_THAT(v.version_stages, IsEmpty());
    }
  }
  // Pages of one, chained by NextToken.
  core::ListSecretVersionIdsRequest r;
  r.secret_id = "listing";
  r.include_deprecated = true;
  r.max_results = 1;
  std::vector<std::string> paged;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = secrets_->list_secret_version_ids(r);
    EXPECT_LE(page.versions.size(), 1u);
    for (const auto& v : page.versions) paged.push_back(v.version_id);
    if (!page.next_token) break;
    r.next_token = page.next_token;
  }
  EXPECT_EQ(paged, ids_of(versions("listing", true)));
  r.next_token = "not a token";
  EXPECT_THAT([&] { secrets_->list_secret_version_ids(r); },
              ThrowsError(ErrorCode::kInvalidNextToken));
}

TEST_F(SecretsServiceTest, DeprecatedVersionsArePrunedPast100OnlyOnceADayOld) {
  auto first = create("many", "v0");
  std::vector<std::string> ids{*first.version_id};
  for (int i = 1; i < 105; ++i) {
    clock_.advance(std::chrono::seconds(10));
    ids.push_back(put("many", "v" + std::to_string(i)).version_id);
  }
  // 105 versions, none a day old: nothing is removed.
  EXPECT_EQ(versions("many", true).size(), 105u);
  EXPECT_EQ(versions("many", false).size(), 2u);

  clock_.advance(std::chrono::hours(25));
  ids.push_back(put("many", "v105").version_id);
  const auto kept = ids_of(versions("many", true));
  EXPECT_EQ(kept.size(), 100u);
  // The oldest six went; the rest, the new current and its previous, stayed.
  EXPECT_EQ(kept, std::vector<std::string>(ids.begin() + 6, ids.end()));
  EXPECT_EQ(get("many"), "v105");
  EXPECT_EQ(get("many", std::nullopt, kPrevious), "v104");
  EXPECT_THAT([&] { get("many", ids[0]); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_EQ(get("many", ids[6]), "v6");

  // Young versions beyond 100 stay until they are a day old.
  for (int i = 106; i < 110; ++i) put("many", "v" + std::to_string(i));
  EXPECT_EQ(versions("many", true).size(), 100u);  // old ones keep going first
  EXPECT_EQ(get("many", ids[10]), "v10");
  EXPECT_THAT([&] { get("many", ids[9]); }, ThrowsError(ErrorCode::kResourceNotFound));
}

TEST_F(SecretsServiceTest, LabelledVersionsAreNeverPruned) {
  auto first = create("kept", "v0");
  clock_.advance(std::chrono::seconds(1));
  put("kept", "pinned", std::nullopt, std::vector<std::string>{"pin"});
  for (int i = 1; i < 103; ++i) {
    clock_.advance(std::chrono::seconds(1));
    put("kept", "v" + std::to_string(i));
  }
  clock_.advance(days(2));
  put("kept", "last");
  EXPECT_EQ(versions("kept", true).size(), 100u);
  EXPECT_EQ(get("kept", std::nullopt, "pin"), "pinned");
  EXPECT_THAT([&] { get("kept", *first.version_id); }, ThrowsError(ErrorCode::kResourceNotFound));
}

// --- deletion ---

TEST_F(SecretsServiceTest, DeleteSecretSchedulesRestoreRecoversAndTheSchedulerPurges) {
  auto ref = create("doomed", "value");
  secrets_->tag_resource("doomed", {{"team", "x"}});
  core::DeleteSecretRequest del;
  del.secret_id = "doomed";
  for (int bad : {0, 6, 31}) {
    del.recovery_window_in_days = bad;
    EXPECT_THAT([&] { secrets_->delete_secret(del); }, ThrowsError(ErrorCode::kInvalidParameter))
        << bad;
  }
  del.recovery_window_in_days = 7;
  del.force_delete_without_recovery = true;
  EXPECT_THAT([&] { secrets_->delete_secret(del); }, ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_EQ(get("doomed"), "value");

  del.force_delete_without_recovery.reset();
  const auto t0 = clock_.now();
  auto scheduled = secrets_->delete_secret(del);
  EXPECT_EQ(scheduled.arn, ref.arn);
  EXPECT_EQ(scheduled.deletion_date, t0 + days(7));
  auto d = record("doomed");
  EXPECT_EQ(d.deleted_at, t0);
  EXPECT_EQ(d.deletion_date, t0 + days(7));

  // While scheduled: reads and writes are refused as InvalidRequestException.
  EXPECT_THAT([&] { get("doomed"); }, ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_THAT([&] { get(ref.arn); }, ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_THAT([&] { put("doomed", "x"); }, ThrowsError(ErrorCode::kInvalidRequest));
  core::UpdateSecretRequest u;
  u.secret_id = "doomed";
  u.description = "d";
  EXPECT_THAT([&] { secrets_->update_secret(u); }, ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_THAT(
      [&] {
        secrets_->tag_resource("doomed", {{"k", "v"}});
      },
      ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_THAT([&] { secrets_->delete_secret(del); }, ThrowsError(ErrorCode::kInvalidRequest));
  EXPECT_THAT([&] { create("doomed", "again"); }, ThrowsError(ErrorCode::kInvalidRequest));
  core::BatchGetSecretValueRequest batch;
  batch.secret_ids = {"doomed"};
  auto b = secrets_->batch_get_secret_value(batch);
  EXPECT_THAT(b.values, IsEmpty());
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].error_code, "InvalidRequestException");
  // Listed only when asked for.
  EXPECT_THAT(list_names({}), IsEmpty());
  EXPECT_THAT(list_names({}, /*include_planned_deletion=*/true), ElementsAre("doomed"));

  // Restored: everything as before.
  secrets_->restore_secret("doomed");
  EXPECT_EQ(get("doomed"), "value");
  EXPECT_FALSE(record("doomed").deleted_at.has_value());
  EXPECT_FALSE(record("doomed").deletion_date.has_value());
  EXPECT_EQ(secrets_->describe_secret("doomed").tags.size(), 1u);
  clock_.advance(days(8));
  EXPECT_EQ(secrets_->run_due_work(), 0);
  EXPECT_EQ(get("doomed"), "value");

  // Deleted again (default window: 30 days); purged by the scheduler only once it ends.
  del.recovery_window_in_days.reset();
  const auto t1 = clock_.now();
  EXPECT_EQ(secrets_->delete_secret(del).deletion_date, t1 + days(30));
  clock_.advance(days(30) - std::chrono::milliseconds(1));
  EXPECT_EQ(secrets_->run_due_work(), 0);
  EXPECT_THAT([&] { get("doomed"); }, ThrowsError(ErrorCode::kInvalidRequest));
  clock_.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(secrets_->run_due_work(), 1);
  EXPECT_THAT([&] { secrets_->describe_secret("doomed"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { secrets_->restore_secret("doomed"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  // Nothing of it is left in the store.
  for (const char* table : {"secrets WHERE arn", "secret_versions WHERE secret_arn",
                            "secret_stages WHERE secret_arn", "secret_tags WHERE secret_arn"}) {
    EXPECT_THAT(query(std::string("SELECT count(*) FROM ") + table + " = " + quote(ref.arn)),
                ElementsAre("0"))
        << table;
  }
  // The name is free again, under a new ARN.
  auto again = create("doomed", "new");
  EXPECT_NE(again.arn, ref.arn);
  EXPECT_EQ(get("doomed"), "new");
}

TEST_F(SecretsServiceTest, ARestoreThatSucceededIsNeverUndoneByTheScheduler) {
  // RestoreSecret racing the scheduler's purge at the end of the recovery window: either the
  // restore fails (ResourceNotFound: purged first) or the secret stays.
  constexpr int kSecrets = 60;
  std::vector<std::string> names;
  for (int i = 0; i < kSecrets; ++i) {
    names.push_back("race-" + std::to_string(i));
    create(names.back(), "v");
  }
  core::DeleteSecretRequest del;
  del.recovery_window_in_days = 7;
  for (const auto& n : names) {
    del.secret_id = n;
    secrets_->delete_secret(del);
  }
  clock_.advance(days(7));
  std::atomic<bool> started{false};
  std::thread scheduler([&] {
    started = true;
    secrets_->run_due_work();
  });
  while (!started) std::this_thread::yield();
  std::vector<std::string> restored;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    try {
      secrets_->restore_secret(*it);
      restored.push_back(*it);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kResourceNotFound) << e.what();
    }
  }
  scheduler.join();
  std::vector<std::string> lost;
  for (const auto& n : restored) {
    try {
      get(n);
    } catch (const Error&) {
      lost.push_back(n);
    }
  }
  EXPECT_THAT(lost, IsEmpty()) << restored.size() << " restores succeeded; these were then purged";
}

TEST_F(SecretsServiceTest, ForceDeleteRemovesTheSecretAtOnce) {
  auto ref = create("gone", "value");
  put("gone", "value 2");
  core::DeleteSecretRequest del;
  del.secret_id = ref.arn;
  del.force_delete_without_recovery = true;
  auto result = secrets_->delete_secret(del);
  EXPECT_EQ(result.deletion_date, clock_.now());
  EXPECT_THAT([&] { get("gone"); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT([&] { secrets_->restore_secret("gone"); }, ThrowsError(ErrorCode::kResourceNotFound));
  EXPECT_THAT(query("SELECT count(*) FROM secret_versions WHERE secret_arn = " + quote(ref.arn)),
              ElementsAre("0"));
  EXPECT_NO_THROW(create("gone", "fresh"));
  EXPECT_EQ(get("gone"), "fresh");
}

// --- KMS ---

TEST_F(SecretsServiceTest, ADisabledKeyIsADecryptionFailureAndAKeyPendingDeletionAnInvalidState) {
  const std::string key = create_symmetric_key("secrets key");
  auto ref = create("guarded", "value", std::nullopt, key);
  EXPECT_EQ(get("guarded"), "value");
  EXPECT_EQ(versions("guarded", false).at(0).kms_key_arn, service_->describe_key(key).arn);

  service_->disable_key(key);
  EXPECT_THAT([&] { get("guarded"); }, ThrowsError(ErrorCode::kDecryptionFailure));
  EXPECT_THAT([&] { put("guarded", "new"); }, ThrowsError(ErrorCode::kEncryptionFailure));
  service_->enable_key(key);
  EXPECT_EQ(get("guarded"), "value");

  service_->schedule_key_deletion(key, 7);
  EXPECT_THAT([&] { get("guarded"); }, ThrowsError(ErrorCode::kInvalidState));
  EXPECT_EQ(error_name(ErrorCode::kInvalidState), "KMSInvalidStateException");
  service_->cancel_key_deletion(key);
  service_->enable_key(key);
  EXPECT_EQ(get("guarded"), "value");
}

TEST_F(SecretsServiceTest, ASealedValueOpensOnlyAsItsOwnSecretAndVersion) {
  auto a = create("secret-a", "alpha");
  auto b = create("secret-b", "bravo");
  auto a2 = put("secret-a", "alpha-2");
  const std::string va = *a.version_id, vb = *b.version_id;
  auto sealed_of = [&](const std::string& arn, const std::string& version) {
    return "(SELECT sealed_value FROM secret_versions WHERE secret_arn = " + quote(arn) +
           " AND version_id = " + quote(version) + ")";
  };
  // A's first value copied over B's current version: same KMS key, other secret.
  edit_store("UPDATE secret_versions SET sealed_value = " + sealed_of(a.arn, va) +
             " WHERE secret_arn = " + quote(b.arn) + " AND version_id = " + quote(vb));
  EXPECT_THAT([&] { get("secret-b"); }, ThrowsError(ErrorCode::kDecryptionFailure));

  // A's first value copied over A's current version: same secret, other version.
  edit_store("UPDATE secret_versions SET sealed_value = " + sealed_of(a.arn, va) +
             " WHERE secret_arn = " + quote(a.arn) + " AND version_id = " + quote(a2.version_id));
  EXPECT_THAT([&] { get("secret-a"); }, ThrowsError(ErrorCode::kDecryptionFailure));
  EXPECT_EQ(get("secret-a", va), "alpha");  // the original still opens where it belongs

  // A whole version row copied into another secret and labelled there.
  edit_store(
      "INSERT INTO secret_versions (secret_arn, version_id, created_at, last_accessed_at, "
      "kms_key_arn, sealed_value) SELECT " +
      quote(b.arn) +
      ", version_id, created_at, "
      "last_accessed_at, kms_key_arn, sealed_value FROM secret_versions WHERE secret_arn = " +
      quote(a.arn) + " AND version_id = " + quote(va) + ";" +
      "INSERT INTO secret_stages (secret_arn, stage, version_id) VALUES (" + quote(b.arn) +
      ", 'STOLEN', " + quote(va) + ")");
  EXPECT_THAT([&] { get("secret-b", std::nullopt, "STOLEN"); },
              ThrowsError(ErrorCode::kDecryptionFailure));
  EXPECT_THAT([&] { get("secret-b", va); }, ThrowsError(ErrorCode::kDecryptionFailure));
}

TEST_F(SecretsServiceTest, AStringValueRelabelledBinaryDoesNotOpen) {
  auto a = create("typed", "alpha");
  const std::string where =
      " WHERE secret_arn = " + quote(a.arn) + " AND version_id = " + quote(*a.version_id);
  EXPECT_THAT(query("SELECT hex(substr(sealed_value, 1, 2)) FROM secret_versions" + where),
              ElementsAre("0101"));
  edit_store("UPDATE secret_versions SET sealed_value = X'0102' || substr(sealed_value, 3)" +
             where);
  EXPECT_THAT([&] { get_result("typed"); }, ThrowsError(ErrorCode::kDecryptionFailure));
}

TEST_F(SecretsServiceTest, TheDefaultKeyAliasIsMadeOnceAndUsedForEveryVersion) {
  auto aliases = [&] {
    std::vector<std::string> found;
    for (const auto& a : service_->list_aliases(std::nullopt, {1000, std::nullopt}).aliases)
      if (a.alias_name == "alias/aws/secretsmanager") found.push_back(a.target_key_id);
    return found;
  };
  const auto keys_before = service_->list_keys({1000, std::nullopt}).keys.size();
  EXPECT_THAT(aliases(), IsEmpty());
  create("d1", "one");
  create("d2", "two");
  put("d1", "three");
  ASSERT_EQ(aliases().size(), 1u);
  const std::string key = aliases()[0];
  EXPECT_EQ(service_->list_keys({1000, std::nullopt}).keys.size(), keys_before + 1);
  restart();
  create("d3", "four");
  EXPECT_THAT(aliases(), ElementsAre(key));
  EXPECT_EQ(service_->list_keys({1000, std::nullopt}).keys.size(), keys_before + 1);
  const std::string key_arn = service_->describe_key(key).arn;
  for (const char* name : {"d1", "d2", "d3"}) {
    for (const auto& v : versions(name, true)) EXPECT_EQ(v.kms_key_arn, key_arn) << name;
    EXPECT_FALSE(record(name).kms_key_id.has_value()) << name;
  }
  EXPECT_EQ(get("d1"), "three");
}

// --- listing ---

TEST_F(SecretsServiceTest, ListSecretsFiltersAsAwsDocumentsThem) {
  auto make = [&](const std::string& name, const std::string& description,
                  std::vector<core::Tag> tags) {
    core::CreateSecretRequest r;
    r.name = name;
    r.description = description;
    r.tags = std::move(tags);
    secrets_->create_secret(r);
  };
  make("prod/db", "Primary DATABASE password", {{"env", "prod"}});
  make("prod/api", "API key", {{"env", "production"}, {"team", "payments"}});
  make("dev/db", "database for development", {{"env", "dev"}});
  make("Prod/upper", "upper-case name", {{"Team", "x"}});

  using F = core::SecretsFilter;
  // name: a prefix, case-sensitive.
  EXPECT_THAT(list_names({F{"name", {"prod/"}}}), ElementsAre("prod/api", "prod/db"));
  EXPECT_THAT(list_names({F{"name", {"prod/d"}}}), ElementsAre("prod/db"));
  // description: a prefix, not case-sensitive.
  EXPECT_THAT(list_names({F{"description", {"database"}}}), ElementsAre("dev/db"));
  EXPECT_THAT(list_names({F{"description", {"primary database"}}}), ElementsAre("prod/db"));
  EXPECT_THAT(list_names({F{"description", {"PRIMARY"}}}), ElementsAre("prod/db"));
  // tag-key and tag-value: prefixes, case-sensitive.
  EXPECT_THAT(list_names({F{"tag-key", {"team"}}}), ElementsAre("prod/api"));
  EXPECT_THAT(list_names({F{"tag-key", {"Te"}}}), ElementsAre("Prod/upper"));
  EXPECT_THAT(list_names({F{"tag-value", {"prod"}}}), ElementsAre("prod/api", "prod/db"));
  // Values of one filter are alternatives; filters all apply.
  EXPECT_THAT(list_names({F{"name", {"prod/", "dev/"}}}),
              ElementsAre("dev/db", "prod/api", "prod/db"));
  EXPECT_THAT(list_names({F{"name", {"prod/"}}, F{"tag-key", {"team"}}}), ElementsAre("prod/api"));
  // '!' negates.
  EXPECT_THAT(list_names({F{"name", {"!prod/"}}}), ElementsAre("Prod/upper", "dev/db"));
  EXPECT_THAT(list_names({F{"name", {"prod/"}}, F{"tag-key", {"!team"}}}), ElementsAre("prod/db"));
  EXPECT_THAT(list_names({F{"tag-value", {"!prod"}}}), ElementsAre("Prod/upper", "dev/db"));
  // all: every attribute, not case-sensitive.
  EXPECT_THAT(list_names({F{"all", {"PAYMENTS"}}}), ElementsAre("prod/api"));
  // Refusals.
  EXPECT_THAT([&] { list_names({F{"colour", {"x"}}}); }, ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { list_names({F{"name", {}}}); }, ThrowsError(ErrorCode::kInvalidParameter));
}

TEST_F(SecretsServiceTest, ListSecretsSortsAndPages) {
  const std::vector<std::string> created{"m", "c", "x", "a", "q"};
  for (const auto& name : created) {
    create(name, "v");
    clock_.advance(std::chrono::minutes(1));
  }
  core::ListSecretsRequest r;
  EXPECT_EQ(names_of(secrets_->list_secrets(r)), created);  // oldest first by default
  r.sort_order = "desc";
  EXPECT_EQ(names_of(secrets_->list_secrets(r)),
            std::vector<std::string>(created.rbegin(), created.rend()));
  r.sort_order = "asc";
  r.sort_by = "name";
  EXPECT_THAT(names_of(secrets_->list_secrets(r)), ElementsAre("a", "c", "m", "q", "x"));

  // Pages of two: every secret once, the last page without a NextToken.
  r.sort_by = "created-date";
  r.max_results = 2;
  std::vector<std::string> paged;
  int pages = 0;
  for (;;) {
    auto page = secrets_->list_secrets(r);
    ++pages;
    EXPECT_LE(page.secrets.size(), 2u);
    for (const auto& d : page.secrets) {
      paged.push_back(d.secret.name);
      EXPECT_EQ(d.version_ids_to_stages.size(), 1u);
    }
    if (!page.next_token) break;
    r.next_token = page.next_token;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(paged, created);

  for (const char* bad : {"garbage", "coffer1.", "coffer1.x", "coffer1.-1", ""}) {
    r.next_token = bad;
    EXPECT_THAT([&] { secrets_->list_secrets(r); }, ThrowsError(ErrorCode::kInvalidNextToken))
        << bad;
  }
  r.next_token.reset();
  for (int bad : {0, 101}) {
    r.max_results = bad;
    EXPECT_THAT([&] { secrets_->list_secrets(r); }, ThrowsError(ErrorCode::kInvalidParameter));
  }
}

// --- tags ---

TEST_F(SecretsServiceTest, TagsAreLimitedTo50AndTheAwsPrefixIsReserved) {
  std::vector<core::Tag> fifty;
  for (int i = 0; i < 50; ++i) fifty.push_back({"k" + std::to_string(i), "v"});
  auto too_many = fifty;
  too_many.push_back({"k50", "v"});
  core::CreateSecretRequest r;
  r.name = "tagged";
  r.tags = too_many;
  EXPECT_ANY_THROW(secrets_->create_secret(r));
  EXPECT_THAT([&] { secrets_->describe_secret("tagged"); },
              ThrowsError(ErrorCode::kResourceNotFound));
  r.tags = fifty;
  secrets_->create_secret(r);
  EXPECT_EQ(secrets_->describe_secret("tagged").tags.size(), 50u);

  // A 51st key is refused; a new value for a known key is not.
  EXPECT_ANY_THROW(secrets_->tag_resource("tagged", {{"k50", "v"}}));
  EXPECT_NO_THROW(secrets_->tag_resource("tagged", {{"k0", "changed"}}));
  auto tags = secrets_->describe_secret("tagged").tags;
  EXPECT_EQ(tags.size(), 50u);
  EXPECT_TRUE(std::any_of(tags.begin(), tags.end(), [](const core::Tag& t) {
    return t.key == "k0" && t.value == "changed";
  }));
  secrets_->untag_resource("tagged", {"k1"});
  EXPECT_NO_THROW(secrets_->tag_resource("tagged", {{"k50", "v"}}));
  EXPECT_EQ(secrets_->describe_secret("tagged").tags.size(), 50u);

  // aws: is AWS's.
  EXPECT_THAT(
      [&] {
        secrets_->tag_resource("tagged", {{"aws:owner", "me"}});
      },
      ThrowsError(ErrorCode::kInvalidParameter));
  core::CreateSecretRequest reserved;
  reserved.name = "reserved";
  reserved.tags = {{"aws:cloudformation:stack-name", "x"}};
  EXPECT_THAT([&] { secrets_->create_secret(reserved); },
              ThrowsError(ErrorCode::kInvalidParameter));
  EXPECT_THAT([&] { secrets_->describe_secret("reserved"); },
              ThrowsError(ErrorCode::kResourceNotFound));
}

// --- rotation ---

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

// --- resource policies ---

TEST_F(SecretsServiceTest, ResourcePoliciesAreCheckedStoredAndDeleted) {
  auto ref = create("shared", "v");
  const std::string account_only = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"secretsmanager:GetSecretValue",
    "Resource":"*"}]})";
  for (const std::string& bad :
       {std::string("not json"), std::string("[]"), std::string(R"({"Version":"2012-10-17"})"),
        std::string(R"({"Statement":[{"Effect":"Maybe","Principal":"*","Action":"*"}]})"),
        std::string(R"({"Statement":[{"Effect":"Allow","Principal":"*"}]})")}) {
    EXPECT_THAT([&] { secrets_->put_resource_policy("shared", bad, true); },
                ThrowsError(ErrorCode::kMalformedPolicyDocument))
        << bad;
  }
  const std::string everyone = R"({"Statement":{"Effect":"Allow","Principal":"*",
    "Action":"secretsmanager:GetSecretValue","Resource":"*"}})";
  const std::string everyone_aws = R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
    "Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";
  for (const auto& open : {everyone, everyone_aws}) {
    EXPECT_THAT([&] { secrets_->put_resource_policy("shared", open, true); },
                ThrowsError(ErrorCode::kPublicPolicy))
        << open;
  }
  EXPECT_FALSE(secrets_->get_resource_policy("shared").resource_policy.has_value());

  auto put_result = secrets_->put_resource_policy("shared", account_only, true);
  EXPECT_EQ(put_result.arn, ref.arn);
  auto got = secrets_->get_resource_policy(ref.arn);
  EXPECT_EQ(got.name, "shared");
  EXPECT_EQ(got.resource_policy, account_only);
  // Without BlockPublicPolicy a public policy is the owner's choice.
  secrets_->put_resource_policy("shared", everyone, false);
  EXPECT_EQ(secrets_->get_resource_policy("shared").resource_policy, everyone);
  secrets_->delete_resource_policy("shared");
  EXPECT_FALSE(secrets_->get_resource_policy("shared").resource_policy.has_value());
  EXPECT_NO_THROW(secrets_->delete_resource_policy("shared"));

  auto validated = secrets_->validate_resource_policy(std::nullopt, "not json");
  EXPECT_FALSE(validated.passed);
  EXPECT_TRUE(secrets_->validate_resource_policy("shared", account_only).passed);
  EXPECT_THAT([&] { secrets_->validate_resource_policy("missing", account_only); },
              ThrowsError(ErrorCode::kResourceNotFound));
}

TEST_F(SecretsServiceTest, BlockPublicPolicyRefusesAWildcardPrincipalInAList) {
  create("shared-list", "v");
  // Principal {"AWS": ["*"]} grants everyone exactly as {"AWS": "*"} does.
  const std::string everyone_in_list = R"({"Statement":[{"Effect":"Allow",
    "Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},
    "Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";
  EXPECT_THAT([&] { secrets_->put_resource_policy("shared-list", everyone_in_list, true); },
              ThrowsError(ErrorCode::kPublicPolicy));
  EXPECT_FALSE(secrets_->get_resource_policy("shared-list").resource_policy.has_value());
  // ValidateResourcePolicy reports the same broad access instead of passing it.
  const auto validated = secrets_->validate_resource_policy(std::nullopt, everyone_in_list);
  EXPECT_FALSE(validated.passed);
  EXPECT_FALSE(validated.errors.empty());
}

}  // namespace
}  // namespace coffer::testing
