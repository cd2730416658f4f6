// SecretsService: describing, listing, deleting and restoring secrets, tags, random
// passwords and resource policies.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "common/error.h"
#include "core/secrets/random_password.h"
#include "core/secrets/secrets_service.h"
#include "core/secrets/secrets_service_internal.h"

namespace coffer::core {

using namespace secrets_detail;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One filter value against one attribute, as AWS's ListSecrets documents: a prefix match,
// case-sensitive except for description and `all`.
bool prefix_of(const std::string& attribute, const std::string& value, bool case_sensitive) {
  if (case_sensitive) return attribute.starts_with(value);
  return lower(attribute).starts_with(lower(value));
}

bool matches_value(const SecretDescription& d, const std::string& key, const std::string& value) {
  const SecretRecord& s = d.secret;
  if (key == "name") return prefix_of(s.name, value, true);
  if (key == "description") return s.description && prefix_of(*s.description, value, false);
  if (key == "tag-key") {
    return std::any_of(d.tags.begin(), d.tags.end(),
                       [&](const Tag& t) { return prefix_of(t.key, value, true); });
  }
  if (key == "tag-value") {
    return std::any_of(d.tags.begin(), d.tags.end(),
                       [&](const Tag& t) { return prefix_of(t.value, value, true); });
  }
  if (key == "primary-region") return prefix_of(d.primary_region, value, true);
  if (key == "owning-service") return false;  // no secret here is owned by another service
  if (key == "all") {
    // AWS splits the value into words and searches every attribute, case-insensitively.
    std::istringstream words(value);
    for (std::string w; words >> w;) {
      bool found = prefix_of(s.name, w, false) ||
                   (s.description && prefix_of(*s.description, w, false)) ||
                   prefix_of(d.primary_region, w, false);
      for (const auto& t : d.tags)
        found = found || prefix_of(t.key, w, false) || prefix_of(t.value, w, false);
      if (!found) return false;
    }
    return true;
  }
  return false;
}

// Values of one filter are alternatives; a value starting with '!' excludes.
bool matches_filter(const SecretDescription& d, const SecretsFilter& f) {
  bool any_positive = false, matched_positive = false;
  for (const auto& v : f.values) {
    if (v.starts_with("!")) {
      if (matches_value(d, f.key, v.substr(1))) return false;
    } else {
      any_positive = true;
      matched_positive = matched_positive || matches_value(d, f.key, v);
    }
  }
  return !any_positive || matched_positive;
}

void check_filters(const std::vector<SecretsFilter>& filters) {
  static const std::vector<std::string> keys{
      "description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"};
  for (const auto& f : filters) {
    if (std::find(keys.begin(), keys.end(), f.key) == keys.end())
      throw Error(ErrorCode::kInvalidParameter, "Invalid filter key: " + f.key);
    if (f.values.empty() || f.values.size() > 10)
      throw Error(ErrorCode::kInvalidParameter, "A filter needs 1 to 10 values.");
    for (const auto& v : f.values)
      if (v.empty() || v.size() > 512)
        throw Error(ErrorCode::kInvalidParameter, "A filter value must be 1 to 512 characters.");
  }
}

int page_size(const std::optional<int>& max_results, int fallback) {
  if (!max_results) return fallback;
  if (*max_results < 1 || *max_results > 100)
    throw Error(ErrorCode::kInvalidParameter, "MaxResults must be between 1 and 100.");
  return *max_results;
}

}  // namespace

SecretDescription SecretsService::describe_secret(const std::string& secret_id) {
  return describe(load(secret_id, api::Operation::kDescribeSecret));
}

ListSecretsResult SecretsService::list_secrets(const ListSecretsRequest& request) {
  authorize(api::Operation::kListSecrets, nullptr);
  check_filters(request.filters);
  const auto size =
      static_cast<std::size_t>(page_size(request.max_results, config_.default_page_size));
  const std::size_t start = read_page_token(request.next_token);
  std::vector<SecretDescription> all;
  for (auto& s : store_.list_secrets(config_.region)) {
    if (s.deleted_at && !request.include_planned_deletion) continue;
    SecretDescription d;
    d.secret = std::move(s);
    d.tags = store_.list_secret_tags(d.secret.arn);
    d.primary_region = config_.region;
    bool keep = true;
    for (const auto& f : request.filters) keep = keep && matches_filter(d, f);
    if (keep) all.push_back(std::move(d));
  }
  auto key = [&](const SecretDescription& d) -> std::pair<std::int64_t, std::string> {
    const SecretRecord& s = d.secret;
    if (request.sort_by == "name") return {0, s.name};
    if (request.sort_by == "last-changed-date") return {to_millis(s.last_changed_at), s.arn};
    if (request.sort_by == "last-accessed-date")
      return {s.last_accessed_at ? to_millis(*s.last_accessed_at) : 0, s.arn};
    return {to_millis(s.created_at), s.arn};
  };
  const bool descending = request.sort_order == "desc";
  std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
    return descending ? key(b) < key(a) : key(a) < key(b);
  });
  ListSecretsResult result;
  for (std::size_t i = start; i < all.size() && result.secrets.size() < size; ++i) {
    SecretDescription& d = all[i];
    for (const auto& v : store_.list_secret_versions(d.secret.arn))
      if (!v.stages.empty()) d.version_ids_to_stages[v.version_id] = v.stages;
    result.secrets.push_back(std::move(d));
  }
  if (start + size < all.size()) result.next_token = make_page_token(start + size);
  return result;
}

ListSecretVersionIdsResult SecretsService::list_secret_version_ids(
    const ListSecretVersionIdsRequest& request) {
  const auto size =
      static_cast<std::size_t>(page_size(request.max_results, config_.default_page_size));
  const std::size_t start = read_page_token(request.next_token);
  Loaded loaded = load(request.secret_id, api::Operation::kListSecretVersionIds);
  ListSecretVersionIdsResult result;
  result.arn = loaded.secret.arn;
  result.name = loaded.secret.name;
  std::vector<SecretVersionEntry> all;
  for (const auto& v : store_.list_secret_versions(loaded.secret.arn)) {
    if (v.stages.empty() && !request.include_deprecated) continue;
    all.push_back({v.version_id, v.stages, v.last_accessed_at, v.created_at, v.kms_key_arn});
  }
  for (std::size_t i = start; i < all.size() && result.versions.size() < size; ++i)
    result.versions.push_back(all[i]);
  if (start + size < all.size()) result.next_token = make_page_token(start + size);
  return result;
}

DeleteSecretResult SecretsService::delete_secret(const DeleteSecretRequest& request) {
  const bool force = request.force_delete_without_recovery.value_or(false);
  if (force && request.recovery_window_in_days) {
    throw Error(ErrorCode::kInvalidParameter,
                "You can't use ForceDeleteWithoutRecovery in conjunction with "
                "RecoveryWindowInDays.");
  }
  const int window = request.recovery_window_in_days.value_or(30);
  if (window < 7 || window > 30) {
    throw Error(ErrorCode::kInvalidParameter,
                "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
  }
  std::lock_guard lock(mutations_);
  Loaded loaded = load(request.secret_id, api::Operation::kDeleteSecret);
  const Timestamp now = clock_.now();
  if (force) {
    purge(loaded.secret.arn);
    return {loaded.secret.arn, loaded.secret.name, now};
  }
  if (loaded.secret.deleted_at) marked_for_deletion();
  SecretChange change = change_of(loaded.secret);
  change.secret.deleted_at = now;
  change.secret.deletion_date = now + days(window);
  apply(change);
  return {loaded.secret.arn, loaded.secret.name, *change.secret.deletion_date};
}

SecretVersionRef SecretsService::restore_secret(const std::string& secret_id) {
  std::lock_guard lock(mutations_);
  Loaded loaded = load(secret_id, api::Operation::kRestoreSecret);
  if (loaded.secret.deleted_at) {
    SecretChange change = change_of(loaded.secret);
    change.secret.deleted_at.reset();
    change.secret.deletion_date.reset();
    apply(change);
  }
  return {loaded.secret.arn, loaded.secret.name, std::nullopt};
}

void SecretsService::tag_resource(const std::string& secret_id, const std::vector<Tag>& tags) {
  check_tags(tags);
  std::lock_guard lock(mutations_);
  Loaded loaded = load_live(secret_id, api::Operation::kSecretsTagResource);
  auto existing = store_.list_secret_tags(loaded.secret.arn);
  std::size_t count = existing.size();
  for (const auto& t : tags) {
    const bool known =
        std::any_of(existing.begin(), existing.end(), [&](const Tag& e) { return e.key == t.key; });
    if (!known) ++count;
  }
  if (static_cast<int>(count) > config_.max_tags_per_secret)
    throw Error(ErrorCode::kLimitExceeded, "A secret can have at most 50 tags.");
  SecretChange change = change_of(loaded.secret);
  change.put_tags = tags;
  apply(change);
}

void SecretsService::untag_resource(const std::string& secret_id,
                                    const std::vector<std::string>& tag_keys) {
  std::lock_guard lock(mutations_);
  Loaded loaded = load_live(secret_id, api::Operation::kSecretsUntagResource);
  SecretChange change = change_of(loaded.secret);
  change.removed_tags = tag_keys;
  apply(change);
}

SecretBytes SecretsService::get_random_password(const RandomPasswordRequest& request) {
  authorize(api::Operation::kGetRandomPassword, nullptr);
  return random_password(request);
}

namespace {

// A policy document as IAM reads it: a JSON object with Statement (an object or a list of
// objects with Effect Allow|Deny). Returns the problems found; empty when it is well formed.
std::vector<std::pair<std::string, std::string>> policy_problems(const std::string& policy,
                                                                 bool* grants_public) {
  std::vector<std::pair<std::string, std::string>> problems;
  auto doc = nlohmann::json::parse(policy, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    problems.emplace_back("MALFORMED_POLICY", "The policy is not a JSON object.");
    return problems;
  }
  auto statements = doc.find("Statement");
  if (statements == doc.end()) {
    problems.emplace_back("MALFORMED_POLICY", "The policy has no Statement.");
    return problems;
  }
  auto list = statements->is_array() ? *statements : nlohmann::json::array({*statements});
  for (const auto& st : list) {
    if (!st.is_object()) {
      problems.emplace_back("MALFORMED_POLICY", "A Statement must be an object.");
      continue;
    }
    auto effect = st.find("Effect");
    if (effect == st.end() || !effect->is_string() || (*effect != "Allow" && *effect != "Deny")) {
      problems.emplace_back("MALFORMED_POLICY", "A Statement's Effect must be Allow or Deny.");
    }
    if (!st.contains("Action") && !st.contains("NotAction"))
      problems.emplace_back("MALFORMED_POLICY", "A Statement needs an Action.");
    if (!st.contains("Principal") && !st.contains("NotPrincipal"))
      problems.emplace_back("MALFORMED_POLICY", "A resource policy Statement needs a Principal.");
    auto principal = st.find("Principal");
    if (grants_public && effect != st.end() && *effect == "Allow" && principal != st.end()) {
      // "*", {"AWS": "*"} and {"AWS": [..., "*", ...]} all name everyone.
      auto names_everyone = [](const nlohmann::json& p) {
        if (p.is_string()) return p == "*";
        if (!p.is_array()) return false;
        return std::any_of(p.begin(), p.end(), [](const nlohmann::json& e) { return e == "*"; });
      };
      const bool everyone =
          names_everyone(*principal) || (principal->is_object() && principal->contains("AWS") &&
                                         names_everyone((*principal)["AWS"]));
      if (everyone && !st.contains("Condition")) *grants_public = true;
    }
  }
  return problems;
}

}  // namespace

ResourcePolicyResult SecretsService::put_resource_policy(const std::string& secret_id,
                                                         const std::string& policy,
                                                         bool block_public_policy) {
  bool grants_public = false;
  auto problems = policy_problems(policy, &grants_public);
  if (!problems.empty()) throw Error(ErrorCode::kMalformedPolicyDocument, problems.front().second);
  if (block_public_policy && grants_public) {
    throw Error(ErrorCode::kPublicPolicy,
                "You can't attach a resource policy that grants broad access to the secret.");
  }
  std::lock_guard lock(mutations_);
  Loaded loaded = load_live(secret_id, api::Operation::kPutResourcePolicy);
  SecretChange change = change_of(loaded.secret);
  change.secret.resource_policy = policy;
  apply(change);
  return {loaded.secret.arn, loaded.secret.name, policy};
}

ResourcePolicyResult SecretsService::get_resource_policy(const std::string& secret_id) {
  Loaded loaded = load_live(secret_id, api::Operation::kGetResourcePolicy);
  return {loaded.secret.arn, loaded.secret.name, loaded.secret.resource_policy};
}

SecretVersionRef SecretsService::delete_resource_policy(const std::string& secret_id) {
  std::lock_guard lock(mutations_);
  Loaded loaded = load_live(secret_id, api::Operation::kDeleteResourcePolicy);
  if (loaded.secret.resource_policy) {
    SecretChange change = change_of(loaded.secret);
    change.secret.resource_policy.reset();
    apply(change);
  }
  return {loaded.secret.arn, loaded.secret.name, std::nullopt};
}

PolicyValidationResult SecretsService::validate_resource_policy(
    const std::optional<std::string>& secret_id, const std::string& policy) {
  // ResourceNotFound for a secret that does not exist.
  if (secret_id)
    load(*secret_id, api::Operation::kValidateResourcePolicy);
  else
    authorize(api::Operation::kValidateResourcePolicy, nullptr);
  PolicyValidationResult result;
  bool grants_public = false;
  result.errors = policy_problems(policy, &grants_public);
  // As AWS's check: a policy that grants everyone access does not pass.
  if (grants_public) {
    result.errors.emplace_back("BROAD_ACCESS",
                               "The policy grants access to every principal without a condition.");
  }
  result.passed = result.errors.empty();
  return result;
}

}  // namespace coffer::core
