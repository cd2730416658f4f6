// SecretsService: loading secrets, sealing and opening values, staging labels, and the
// scheduler's due work. The operations live in secret_values.cc, secret_lifecycle.cc and
// secret_rotation.cc.
#include "core/secrets/secrets_service.h"

#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "core/model/key_reference.h"
#include "core/secrets/secret_arn.h"
#include "core/secrets/secret_envelope.h"
#include "core/secrets/secrets_service_internal.h"

namespace coffer::core {
namespace secrets_detail {

void secret_not_found() {
  throw Error(ErrorCode::kResourceNotFound, "Secrets Manager can't find the specified secret.");
}

void marked_for_deletion() {
  throw Error(ErrorCode::kInvalidRequest,
              "You can't perform this operation on the secret because it was marked for "
              "deletion.");
}

void check_value(const SecretValue& value, bool required) {
  if (value.string && value.binary) {
    throw Error(ErrorCode::kInvalidParameter,
                "You can't specify both a binary secret value and a string secret value in the "
                "same secret.");
  }
  if (required && value.empty()) {
    throw Error(ErrorCode::kInvalidRequest,
                "You must provide either SecretString or SecretBinary.");
  }
  const SecretBytes* bytes = value.string   ? &*value.string
                             : value.binary ? &*value.binary
                                            : nullptr;
  if (bytes && (bytes->empty() || bytes->size() > 65536)) {
    throw Error(ErrorCode::kInvalidParameter,
                "The secret value must be between 1 and 65536 bytes long.");
  }
}

std::string new_version_id() { return new_key_id(false); }

void check_tags(const std::vector<Tag>& tags) {
  std::set<std::string> keys;
  for (const Tag& t : tags) {
    if (t.key.empty() || t.key.size() > 128 || t.value.size() > 256)
      throw Error(ErrorCode::kInvalidParameter,
                  "A tag key must be 1 to 128 characters and a tag value at most 256.");
    if (t.key.starts_with("aws:"))
      throw Error(ErrorCode::kInvalidParameter, "Tag keys beginning with aws: are reserved.");
    if (!keys.insert(t.key).second)
      throw Error(ErrorCode::kInvalidParameter, "Duplicate tag key: " + t.key);
  }
}

void check_stages(const std::vector<std::string>& stages) {
  if (stages.size() > 20)
    throw Error(ErrorCode::kLimitExceeded, "A version can have at most 20 staging labels.");
  for (const auto& s : stages) {
    if (s.empty() || s.size() > 256)
      throw Error(ErrorCode::kInvalidParameter, "A staging label must be 1 to 256 characters.");
  }
}

std::string holder_of(const std::vector<SecretVersionRecord>& versions, const std::string& stage) {
  for (const auto& v : versions)
    if (std::find(v.stages.begin(), v.stages.end(), stage) != v.stages.end()) return v.version_id;
  return "";
}

Timestamp day_of(Timestamp t) { return std::chrono::floor<std::chrono::days>(t); }

std::string make_page_token(std::size_t index) { return "coffer1." + std::to_string(index); }

std::size_t read_page_token(const std::optional<std::string>& token) {
  if (!token) return 0;
  const std::string_view t = *token;
  if (!t.starts_with("coffer1.") || t.size() > 20 || t.size() == 8)
    throw Error(ErrorCode::kInvalidNextToken, "The NextToken value is not valid.");
  std::size_t index = 0;
  for (char c : t.substr(8)) {
    if (c < '0' || c > '9')
      throw Error(ErrorCode::kInvalidNextToken, "The NextToken value is not valid.");
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index;
}

}  // namespace secrets_detail

using namespace secrets_detail;

SecretsService::SecretsService(KmsService& kms, SecretStore& store, const Clock& clock,
                               SecretsConfig config)
    : kms_(kms), store_(store), clock_(clock), config_(std::move(config)) {}

void SecretsService::set_rotation_launcher(RotationLauncher launcher) {
  std::lock_guard lock(launcher_mutex_);
  launcher_ = std::move(launcher);
}

SecretsService::Loaded SecretsService::load(const std::string& secret_id) {
  if (auto parts = parse_secret_arn(secret_id)) {
    if (parts->region != config_.region || parts->account != config_.account_id) secret_not_found();
    if (auto s = store_.get_secret(secret_id)) return {*s};
    // A partial ARN: the name without AWS's random suffix.
    if (auto s = store_.find_secret_by_name(config_.region, parts->resource)) return {*s};
    secret_not_found();
  }
  if (auto s = store_.find_secret_by_name(config_.region, secret_id)) return {*s};
  secret_not_found();
}

SecretsService::Loaded SecretsService::load_live(const std::string& secret_id) {
  Loaded loaded = load(secret_id);
  if (loaded.secret.deleted_at) marked_for_deletion();
  return loaded;
}

SecretsService::Loaded SecretsService::load(const std::string& secret_id,
                                            api::Operation operation) {
  Loaded loaded = load(secret_id);
  authorize(operation, &loaded.secret);
  return loaded;
}

SecretsService::Loaded SecretsService::load_live(const std::string& secret_id,
                                                 api::Operation operation) {
  Loaded loaded = load(secret_id, operation);  // as AWS: denied before "marked for deletion"
  if (loaded.secret.deleted_at) marked_for_deletion();
  return loaded;
}

SecretChange SecretsService::change_of(const SecretRecord& secret) const {
  SecretChange change;
  change.secret = secret;
  change.expected_revision = secret.revision;
  change.secret.revision = secret.revision + 1;
  return change;
}

void SecretsService::purge(const std::string& arn) {
  store_.purge_secret(arn);
  read_cache_.clear();
}

void SecretsService::apply(SecretChange& change) {
  // Cleared whether or not the change lands: a failed one may still have moved the row on.
  struct ClearAfter {
    SecretReadCache& cache;
    ~ClearAfter() { cache.clear(); }
  } clear_after{read_cache_};
  try {
    store_.apply_secret_change(change);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kAlreadyExists) {
      throw Error(ErrorCode::kResourceExists, "The operation failed because the secret " +
                                                  change.secret.name + " already exists.");
    }
    throw;
  }
}

std::string SecretsService::new_arn(const std::string& name) const {
  return make_secret_arn(config_.region, config_.account_id, name);
}

std::string SecretsService::default_kms_key() {
  return kms_.aws_managed_key(kDefaultKeyAlias,
                              "Default key that protects my Secrets Manager data when no other "
                              "key is defined");
}

std::string SecretsService::key_for_new_versions(const SecretRecord& secret) {
  if (secret.kms_key_id && !secret.kms_key_id->empty()) return *secret.kms_key_id;
  return default_kms_key();
}

namespace {

// Runs f() with the caller's KMS requests marked as made through Secrets Manager
// (kms:ViaService), as AWS makes them: AWS managed keys allow their account's principals only so.
template <class F>
auto via_secrets_manager(const std::string& region, F&& f) -> decltype(f()) {
  const Caller* caller = current_caller();
  if (!caller) return f();
  Caller via = *caller;
  via.via_service = "secretsmanager." + region + ".amazonaws.com";
  const CallerScope scope(&via);
  return f();
}

// KMS's refusals as Secrets Manager reports them.
[[noreturn]] void rethrow_kms(const Error& e, bool encrypting) {
  switch (e.code()) {
    case ErrorCode::kInvalidState:
      throw Error(ErrorCode::kInvalidState, e.what());  // KMSInvalidStateException, as AWS
    case ErrorCode::kNotFound:
    case ErrorCode::kDisabled:
    case ErrorCode::kInvalidKeyUsage:
    case ErrorCode::kInvalidCiphertext:
    case ErrorCode::kIncorrectKey:
    case ErrorCode::kInvalidArn:
    case ErrorCode::kValidation:
    case ErrorCode::kAccessDenied:
      if (encrypting) {
        throw Error(
            ErrorCode::kEncryptionFailure,
            std::string("Secrets Manager can't encrypt the secret value with the KMS key: ") +
                e.what());
      }
      throw Error(ErrorCode::kDecryptionFailure,
                  std::string("Secrets Manager can't decrypt the protected secret text using the "
                              "provided KMS key: ") +
                      e.what());
    default:
      throw e;
  }
}

}  // namespace

SecretVersionRecord SecretsService::seal_version(const SecretRecord& secret,
                                                 const std::string& version_id,
                                                 const SecretValue& value) {
  SecretVersionRecord v;
  v.secret_arn = secret.arn;
  v.version_id = version_id;
  v.created_at = clock_.now();
  try {
    const std::string key = key_for_new_versions(secret);
    via_secrets_manager(config_.region, [&] {
      v.kms_key_arn = kms_.describe_key(key).arn;
      v.sealed_value = seal_secret_value(kms_, v.kms_key_arn, secret.arn, version_id, value);
    });
  } catch (const Error& e) {
    rethrow_kms(e, /*encrypting=*/true);
  }
  return v;
}

SecretValue SecretsService::open_version(const SecretRecord& secret,
                                         const SecretVersionRecord& version) {
  try {
    return via_secrets_manager(config_.region, [&] {
      return open_secret_value(kms_, secret.arn, version.version_id, version.sealed_value);
    });
  } catch (const Error& e) {
    rethrow_kms(e, /*encrypting=*/false);
  }
}

bool SecretsService::same_value(const SecretRecord& secret, const SecretVersionRecord& version,
                                const SecretValue& value) {
  if (version.sealed_value.empty()) return false;  // staged by RotateSecret, no value
  const SecretValue stored = open_version(secret, version);
  if (stored.string.has_value() != value.string.has_value()) return false;
  const SecretBytes& a = stored.string ? *stored.string : *stored.binary;
  const SecretBytes& b = value.string ? *value.string : *value.binary;
  return a.size() == b.size() && constant_time_equal(a.span(), b.span());
}

void SecretsService::assign_stages(const Loaded& loaded, SecretChange& change,
                                   const std::string& version_id,
                                   const std::vector<std::string>& stages) {
  auto versions = store_.list_secret_versions(loaded.secret.arn);
  // The labels after this change, to know which versions end up unlabelled.
  std::map<std::string, std::string> holder;  // stage -> version
  for (const auto& v : versions)
    for (const auto& s : v.stages) holder[s] = v.version_id;
  for (const auto& stage : stages) {
    const std::string old = holder.count(stage) ? holder[stage] : "";
    if (old == version_id) continue;
    change.stages.emplace_back(stage, version_id);
    holder[stage] = version_id;
    // As AWS: the version that loses AWSCURRENT becomes AWSPREVIOUS.
    if (stage == kCurrent && !old.empty() &&
        std::find(stages.begin(), stages.end(), kPrevious) == stages.end()) {
      change.stages.emplace_back(kPrevious, old);
      holder[kPrevious] = old;
    }
  }
  // Prune unlabelled versions, oldest first, beyond max_versions (AWS keeps ~100).
  std::set<std::string> labelled;
  for (const auto& [stage, v] : holder) labelled.insert(v);
  // A new version that fills the one RotateSecret staged (same id) adds nothing.
  std::size_t count = versions.size();
  for (const auto& added : change.new_versions) {
    const bool fills_staged =
        std::any_of(versions.begin(), versions.end(),
                    [&](const SecretVersionRecord& v) { return v.version_id == added.version_id; });
    if (!fills_staged) ++count;
  }
  const Timestamp cutoff = clock_.now() - config_.deprecated_version_min_age;
  for (const auto& v : versions) {  // oldest first
    if (count <= config_.max_versions) break;
    if (labelled.count(v.version_id) || v.created_at > cutoff) continue;
    change.deleted_versions.push_back(v.version_id);
    --count;
  }
}

void SecretsService::stage_pending_version(SecretChange& change, const std::string& token) {
  SecretVersionRecord staged;
  staged.secret_arn = change.secret.arn;
  staged.version_id = token;
  staged.created_at = clock_.now();
  change.new_versions.push_back(std::move(staged));
  change.stages.emplace_back(kPending, token);
}

SecretDescription SecretsService::describe(const Loaded& loaded) const {
  SecretDescription d;
  d.secret = loaded.secret;
  d.tags = store_.list_secret_tags(loaded.secret.arn);
  for (const auto& v : store_.list_secret_versions(loaded.secret.arn))
    if (!v.stages.empty()) d.version_ids_to_stages[v.version_id] = v.stages;
  d.primary_region = config_.region;
  return d;
}

int SecretsService::run_due_work() {
  const Timestamp now = clock_.now();
  int done = 0;
  // The listing is only a hint: each secret is reloaded and re-checked under the lock, so that
  // a RestoreSecret, CancelRotateSecret or UpdateSecret between the listing and this step is
  // never undone.
  for (const auto& due : store_.secrets_due(now)) {
    if (due.region != config_.region) continue;
    try {
      std::string token;
      {
        std::lock_guard lock(mutations_);
        const auto current = store_.get_secret(due.arn);
        if (!current) continue;  // purged meanwhile
        const SecretRecord& secret = *current;
        if (secret.deletion_date && *secret.deletion_date <= now) {
          purge(secret.arn);
          log_event(LogLevel::kInfo, "secret_purged", {{"secret", secret.arn}});
          ++done;
          continue;
        }
        if (secret.deleted_at || !secret.rotation_enabled || !secret.next_rotation_at ||
            *secret.next_rotation_at > now) {
          continue;
        }
        SecretChange change = change_of(secret);
        const auto versions = store_.list_secret_versions(secret.arn);
        const std::string pending = holder_of(versions, kPending);
        if (!pending.empty() && pending != holder_of(versions, kCurrent)) {
          token = pending;  // the unfinished rotation is reattempted with its token
        } else {
          token = new_version_id();
          stage_pending_version(change, token);
        }
        // Not again before this rotation reports back (rotation_finished sets the real date).
        change.secret.next_rotation_at = now + std::chrono::hours(1);
        apply(change);
      }
      RotationLauncher launcher;
      {
        std::lock_guard lock(launcher_mutex_);
        launcher = launcher_;
      }
      if (launcher) launcher(due.arn, token);
      ++done;
    } catch (const std::exception& e) {
      log_event(LogLevel::kError, "secret_due_work_failed",
                {{"secret", due.arn}, {"message", e.what()}});
    }
  }
  return done;
}

}  // namespace coffer::core
