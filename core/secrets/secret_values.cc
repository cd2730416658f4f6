// SecretsService: values — CreateSecret, GetSecretValue, BatchGetSecretValue, PutSecretValue,
// UpdateSecret and UpdateSecretVersionStage.
#include <algorithm>

#include "common/error.h"
#include "core/secrets/secret_arn.h"
#include "core/secrets/secrets_service.h"
#include "core/secrets/secrets_service_internal.h"

namespace coffer::core {

using namespace secrets_detail;

SecretVersionRef SecretsService::create_secret(const CreateSecretRequest& request) {
  authorize(api::Operation::kCreateSecret, nullptr);
  validate_secret_name(request.name);
  check_value(request.value, /*required=*/false);
  check_tags(request.tags);
  if (static_cast<int>(request.tags.size()) > config_.max_tags_per_secret)
    throw Error(ErrorCode::kLimitExceeded, "A secret can have at most 50 tags.");
  std::lock_guard lock(mutations_);
  if (auto existing = store_.find_secret_by_name(config_.region, request.name)) {
    if (existing->deleted_at) {
      throw Error(ErrorCode::kInvalidRequest,
                  "You can't create this secret because a secret with this name is already "
                  "scheduled for deletion.");
    }
    // A re-sent request (same token, same value) succeeds without a new version.
    if (request.client_request_token && !request.value.empty()) {
      if (auto v = store_.get_secret_version(existing->arn, *request.client_request_token);
          v && same_value(*existing, *v, request.value)) {
        return {existing->arn, existing->name, v->version_id};
      }
    }
    throw Error(ErrorCode::kResourceExists,
                "The operation failed because the secret " + request.name + " already exists.");
  }
  const Timestamp now = clock_.now();
  SecretChange change;
  change.create = true;
  SecretRecord& s = change.secret;
  s.arn = new_arn(request.name);
  s.region = config_.region;
  s.name = request.name;
  s.description = request.description;
  if (request.kms_key_id && !request.kms_key_id->empty()) s.kms_key_id = request.kms_key_id;
  s.created_at = s.last_changed_at = now;
  s.type = request.type;
  s.revision = 1;
  change.put_tags = request.tags;
  SecretVersionRef ref{s.arn, s.name, std::nullopt};
  if (!request.value.empty()) {
    const std::string token = request.client_request_token.value_or(new_version_id());
    change.new_versions.push_back(seal_version(s, token, request.value));
    change.stages.emplace_back(kCurrent, token);
    ref.version_id = token;
  }
  apply(change);
  return ref;
}

GetSecretValueResult SecretsService::get_secret_value(const GetSecretValueRequest& request) {
  SecretRecord secret;
  std::optional<SecretVersionRecord> version;
  const std::string stage = request.version_stage.value_or(kCurrent);
  // The common read (a stage, no version id) is served from the read cache when it can be.
  if (!request.version_id) {
    if (auto entry = read_cache_.find(request.secret_id)) {
      if (auto it = entry->by_stage.find(stage); it != entry->by_stage.end()) {
        authorize(api::Operation::kGetSecretValue, &entry->secret);
        secret = entry->secret;
        version = it->second;
      }
    }
  }
  if (!version) {
    const std::uint64_t generation = read_cache_.generation();
    secret = load(request.secret_id, api::Operation::kGetSecretValue).secret;
    if (request.version_id) {
      version = store_.get_secret_version(secret.arn, *request.version_id);
      if (!version ||
          (request.version_stage && std::find(version->stages.begin(), version->stages.end(),
                                              *request.version_stage) == version->stages.end())) {
        if (secret.deleted_at) marked_for_deletion();
        throw Error(ErrorCode::kResourceNotFound,
                    "Secrets Manager can't find the specified secret value for VersionId: " +
                        *request.version_id);
      }
    } else {
      version = store_.get_secret_version_by_stage(secret.arn, stage);
      if (!version) {
        if (secret.deleted_at) marked_for_deletion();
        throw Error(
            ErrorCode::kResourceNotFound,
            "Secrets Manager can't find the specified secret value for staging label: " + stage);
      }
      SecretReadCache::Entry entry;
      if (auto known = read_cache_.find(request.secret_id)) entry = *known;
      entry.secret = secret;
      entry.by_stage[stage] = *version;
      read_cache_.put(request.secret_id, generation, std::move(entry));
    }
  }
  if (secret.deleted_at) marked_for_deletion();
  const std::string& arn = secret.arn;
  if (version->sealed_value.empty()) {
    // Staged by RotateSecret; the rotation function has not put its value yet.
    throw Error(ErrorCode::kResourceNotFound,
                "Secrets Manager can't find the specified secret value for VersionId: " +
                    version->version_id);
  }
  GetSecretValueResult result;
  result.value = open_version(secret, *version);
  result.arn = arn;
  result.name = secret.name;
  result.version_id = version->version_id;
  result.version_stages = version->stages;
  result.created_at = version->created_at;
  // LastAccessedDate is a day, as AWS keeps it: at most one write per secret per day.
  const Timestamp today = day_of(clock_.now());
  if (secret.last_accessed_at != today || version->last_accessed_at != today) {
    try {
      std::lock_guard lock(mutations_);
      Loaded fresh = load(arn);
      SecretChange change = change_of(fresh.secret);
      change.secret.last_accessed_at = today;
      change.accessed_versions.emplace_back(version->version_id, today);
      apply(change);
    } catch (const Error&) {
      // A concurrent change or deletion: the read itself succeeded.
    }
  }
  return result;
}

BatchGetSecretValueResult SecretsService::batch_get_secret_value(
    const BatchGetSecretValueRequest& request) {
  // As AWS: BatchGetSecretValue itself, then GetSecretValue on each secret (per-secret errors).
  authorize(api::Operation::kBatchGetSecretValue, nullptr);
  if (!request.secret_ids.empty() && !request.filters.empty()) {
    throw Error(ErrorCode::kInvalidParameter,
                "Either 'SecretIdList' or 'Filters' must be provided, but not both.");
  }
  if (request.secret_ids.empty() && request.filters.empty()) {
    throw Error(ErrorCode::kInvalidParameter,
                "Either 'SecretIdList' or 'Filters' must be provided.");
  }
  BatchGetSecretValueResult result;
  std::vector<std::string> ids = request.secret_ids;
  if (!request.filters.empty()) {
    ListSecretsRequest list;
    list.filters = request.filters;
    list.max_results = request.max_results.value_or(20);
    list.next_token = request.next_token;
    auto page = list_secrets(list);
    result.next_token = page.next_token;
    ids.clear();
    for (const auto& d : page.secrets) ids.push_back(d.secret.arn);
  } else if (request.max_results || request.next_token) {
    throw Error(ErrorCode::kInvalidParameter,
                "'MaxResults' and 'NextToken' apply only with 'Filters'.");
  }
  for (const auto& id : ids) {
    try {
      result.values.push_back(get_secret_value({id, std::nullopt, std::nullopt}));
    } catch (const Error& e) {
      result.errors.push_back({id, std::string(e.name()), e.what()});
    }
  }
  return result;
}

PutSecretValueResult SecretsService::put_secret_value(const PutSecretValueRequest& request) {
  check_value(request.value, /*required=*/true);
  std::vector<std::string> stages =
      request.version_stages.value_or(std::vector<std::string>{kCurrent});
  check_stages(stages);
  std::lock_guard lock(mutations_);
  Loaded loaded = load_live(request.secret_id, api::Operation::kPutSecretValue);
  // As AWS: the first version of a secret is AWSCURRENT whatever labels it is given.
  if (std::find(stages.begin(), stages.end(), kCurrent) == stages.end() &&
      holder_of(store_.list_secret_versions(loaded.secret.arn), kCurrent).empty()) {
    stages.push_back(kCurrent);
  }
  const std::string token = request.client_request_token.value_or(new_version_id());
  SecretChange change = change_of(loaded.secret);
  if (auto existing = store_.get_secret_version(loaded.secret.arn, token)) {
    if (existing->sealed_value.empty()) {
      // The version RotateSecret staged: this fills it in, keeping its labels.
      change.deleted_versions.push_back(token);
      for (const auto& stage : existing->stages) change.stages.emplace_back(stage, token);
    } else if (!same_value(loaded.secret, *existing, request.value)) {
      throw Error(ErrorCode::kResourceExists,
                  "You can't modify an existing version, you can only create a new version.");
    } else {
      return {loaded.secret.arn, loaded.secret.name, token, existing->stages};
    }
  }
  change.secret.last_changed_at = clock_.now();
  change.new_versions.push_back(seal_version(loaded.secret, token, request.value));
  assign_stages(loaded, change, token, stages);
  apply(change);
  std::vector<std::string> sorted = stages;
  for (const auto& [stage, version] : change.stages)
    if (version == token) sorted.push_back(stage);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return {loaded.secret.arn, loaded.secret.name, token, sorted};
}

SecretVersionRef SecretsService::update_secret(const UpdateSecretRequest& request) {
  check_value(request.value, /*required=*/false);
  std::lock_guard lock(mutations_);
  Loaded loaded = load_live(request.secret_id, api::Operation::kUpdateSecret);
  SecretChange change = change_of(loaded.secret);
  SecretRecord& s = change.secret;
  if (request.description) s.description = request.description;
  if (request.kms_key_id) {
    if (request.kms_key_id->empty())
      s.kms_key_id.reset();
    else
      s.kms_key_id = request.kms_key_id;
  }
  s.last_changed_at = clock_.now();
  SecretVersionRef ref{s.arn, s.name, std::nullopt};
  if (!request.value.empty()) {
    const std::string token = request.client_request_token.value_or(new_version_id());
    if (auto existing = store_.get_secret_version(s.arn, token)) {
      if (!same_value(loaded.secret, *existing, request.value)) {
        throw Error(ErrorCode::kResourceExists,
                    "You can't modify an existing version, you can only create a new version.");
      }
      return {s.arn, s.name, token};
    }
    change.new_versions.push_back(seal_version(s, token, request.value));
    assign_stages(loaded, change, token, {kCurrent});
    ref.version_id = token;
  }
  apply(change);
  return ref;
}

SecretVersionRef SecretsService::update_secret_version_stage(
    const UpdateSecretVersionStageRequest& request) {
  check_stages({request.version_stage});
  std::lock_guard lock(mutations_);
  Loaded loaded = load_live(request.secret_id, api::Operation::kUpdateSecretVersionStage);
  const auto versions = store_.list_secret_versions(loaded.secret.arn);
  const std::string& stage = request.version_stage;
  const std::string holder = holder_of(versions, stage);
  auto find = [&](const std::string& id) {
    return std::find_if(versions.begin(), versions.end(),
                        [&](const auto& v) { return v.version_id == id; });
  };
  if (request.remove_from_version_id) {
    if (find(*request.remove_from_version_id) == versions.end())
      throw Error(ErrorCode::kInvalidParameter,
                  "The version " + *request.remove_from_version_id + " doesn't exist.");
    if (holder != *request.remove_from_version_id) {
      throw Error(ErrorCode::kInvalidParameter, "The staging label " + stage +
                                                    " is not attached to version " +
                                                    *request.remove_from_version_id + ".");
    }
  }
  SecretChange change = change_of(loaded.secret);
  change.secret.last_changed_at = clock_.now();
  if (request.move_to_version_id) {
    auto target = find(*request.move_to_version_id);
    if (target == versions.end())
      throw Error(ErrorCode::kInvalidParameter,
                  "The version " + *request.move_to_version_id + " doesn't exist.");
    if (!holder.empty() && holder != *request.move_to_version_id &&
        !request.remove_from_version_id) {
      throw Error(ErrorCode::kInvalidParameter,
                  "The parameter RemoveFromVersionId can't be empty. Staging label " + stage +
                      " is currently attached to version " + holder +
                      ", so you must explicitly reference that version in RemoveFromVersionId.");
    }
    if (holder != *request.move_to_version_id) {
      if (target->stages.size() >= 20)
        throw Error(ErrorCode::kLimitExceeded, "A version can have at most 20 staging labels.");
      assign_stages(loaded, change, *request.move_to_version_id, {stage});
    }
  } else if (request.remove_from_version_id) {
    if (stage == kCurrent) {
      throw Error(ErrorCode::kInvalidParameter,
                  "You can only move staging label AWSCURRENT to a different secret version. "
                  "It can't be completely removed.");
    }
    change.stages.emplace_back(stage, "");
  } else {
    throw Error(ErrorCode::kInvalidParameter,
                "You must specify MoveToVersionId, RemoveFromVersionId, or both.");
  }
  apply(change);
  return {loaded.secret.arn, loaded.secret.name, std::nullopt};
}

}  // namespace coffer::core
