// Secrets Manager's core (issue 15) against a real SecretsService: a KmsService on a
// throw-away SoftHSM token, a SQLite store and a ManualClock. What is asserted is what AWS's
// users rely on (botocore secretsmanager/2017-10-17 and the API reference): names and ARNs,
// values, idempotent ClientRequestTokens, staging labels and version pruning (deletion, KMS,
// listing, tags and policies: secrets_management_test.cc; rotation: secrets_rotation_test.cc).
#include <regex>
#include <set>

#include "tests/core/secrets_service_fixture.h"

namespace coffer::testing {
namespace {

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

}  // namespace
}  // namespace coffer::testing
