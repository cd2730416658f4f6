// Managing secrets (issue 15) against a real SecretsService: deletion with a recovery window
// and restore, KMS failures and sealed values bound to their secret and version, the default
// key alias, ListSecrets filters and pages, tag limits, and resource policies.
#include <atomic>
#include <thread>

#include "tests/core/secrets_service_fixture.h"

namespace coffer::testing {
namespace {

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
