// KmsService: construction, key resolution and the key cache.
#include "core/service/kms_service.h"

#include <algorithm>
#include <mutex>

#include "common/error.h"
#include "common/hex.h"
#include "common/utf8.h"
#include "core/api/key_state_rules.h"
#include "core/model/key_algorithms.h"
#include "core/model/key_policy.h"
#include "core/model/key_reference.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {

namespace detail {

std::size_t page_limit(const Page& page, std::size_t fallback) {
  if (!page.limit) return fallback;
  if (*page.limit < 1 || *page.limit > 1000) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value '" + std::to_string(*page.limit) +
                    "' at 'limit' failed to satisfy constraint: Member must have value "
                    "between 1 and 1000");
  }
  return static_cast<std::size_t>(*page.limit);
}

std::string make_marker(const std::string& last) { return to_base64(as_bytes(last)); }

std::string read_marker(const Page& page) {
  if (!page.marker) return "";
  auto decoded = from_base64(*page.marker);
  if (!decoded || decoded->empty()) throw Error(ErrorCode::kInvalidMarker, "Invalid marker");
  return std::string(decoded->begin(), decoded->end());
}

[[noreturn]] void not_found(const std::string& reference) {
  throw Error(ErrorCode::kNotFound, "Invalid keyId '" + reference + "'");
}

}  // namespace detail

KmsService::KmsService(pkcs11::Token& token, MetadataStore& store, const Clock& clock,
                       KmsConfig config, KeyMaterial* material)
    : token_(token),
      store_(store),
      owned_material_(
          material ? nullptr
                   : std::make_unique<KeyMaterial>(
                         token, store, clock, KeyMaterialOptions{config.version_cache_capacity})),
      material_(material ? *material : *owned_material_),
      clock_(clock),
      config_(std::move(config)),
      root_arn_(account_root_arn(config_.account_id)),
      default_policy_(std::make_shared<const policy::PolicyDocument>(policy::PolicyDocument::parse(
          default_key_policy(config_.account_id), /*principal_required=*/true))),
      identity_policies_(store_, clock_) {}

KmsService::~KmsService() { stop_scheduler(); }

std::string KmsService::arn_of(const std::string& key_id) const {
  return key_arn(config_.region, config_.account_id, key_id);
}

std::string KmsService::token_object_id(const std::string& key_id, std::uint32_t version) const {
  return "coffer/" + config_.region + "/" + key_id + "/v" + std::to_string(version);
}

KmsService::CachedKeyPtr KmsService::load_key(const std::string& key_id) {
  auto record = store_.get_key(key_id);
  if (!record || record->region != config_.region) return nullptr;
  publish(*record);
  std::shared_lock lock(cache_mutex_);
  return keys_.at(key_id);
}

void KmsService::publish(const KeyRecord& record) {
  auto cached = std::make_shared<CachedKey>();
  cached->record = record;
  cached->arn = arn_of(record.key_id);
  cached->current_object = token_object_id(record.key_id, record.current_version);
  auto version = store_.get_version(record.key_id, record.current_version);
  if (version) cached->current_version = std::move(*version);
  if (is_symmetric(record.key_spec)) {
    cached->counter = counter_.counter_for(record.key_id, record.current_version,
                                           cached->current_version.encryptions_reserved);
  }
  // Stored policies were checked when put: parsing cannot fail but for a store edited by hand,
  // which then denies every caller rather than falling back to the default.
  if (record.policy) {
    try {
      cached->policy = std::make_shared<const policy::PolicyDocument>(
          policy::PolicyDocument::parse(*record.policy, /*principal_required=*/true));
    } catch (const Error&) {
      cached->policy = std::make_shared<const policy::PolicyDocument>(policy::PolicyDocument::parse(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]})",
          true));
    }
  }
  if (cached->policy) {
    for (const auto& statement : cached->policy->statements())
      for (const auto& condition : statement.conditions)
        if (std::ranges::find(cached->condition_keys, condition.key()) ==
            cached->condition_keys.end())
          cached->condition_keys.push_back(condition.key());
  }
  cached->tags = store_.list_tags(record.key_id);
  std::unique_lock lock(cache_mutex_);
  keys_[record.key_id] = std::move(cached);
}

void KmsService::forget(const std::string& key_id) {
  counter_.forget_key(key_id);
  std::unique_lock lock(cache_mutex_);
  keys_.erase(key_id);
  std::erase_if(aliases_, [&](const auto& entry) { return entry.second == key_id; });
}

KmsService::CachedKeyPtr KmsService::cached_key(const std::string& key_id) {
  {
    std::shared_lock lock(cache_mutex_);
    auto it = keys_.find(key_id);
    if (it != keys_.end()) return it->second;
  }
  return load_key(key_id);
}

std::string KmsService::resolve_key_id(const std::string& reference, api::Operation operation,
                                       const char* field) {
  KeyReference ref = parse_key_reference(reference, field);
  if (ref.kind == KeyReference::Kind::kAlias) {
    const api::Member* member = api::spec(operation).member(field);
    if (member && member->key_id_forms == api::KeyIdForms::kKeyIdOrArn)
      throw Error(ErrorCode::kNotFound, "Invalid keyId " + valid_utf8(reference));
  }
  if ((ref.region && *ref.region != config_.region) ||
      (ref.account && *ref.account != config_.account_id)) {
    detail::not_found(reference);
  }
  if (ref.kind == KeyReference::Kind::kKeyId) return ref.name;
  {
    std::shared_lock lock(cache_mutex_);
    auto it = aliases_.find(ref.name);
    if (it != aliases_.end()) return it->second;
  }
  auto alias = store_.get_alias(config_.region, ref.name);
  if (!alias)
    throw Error(
        ErrorCode::kNotFound,
        "Alias " + alias_arn(config_.region, config_.account_id, ref.name) + " is not found.");
  std::unique_lock lock(cache_mutex_);
  aliases_[ref.name] = alias->target_key_id;
  return alias->target_key_id;
}

KmsService::KnownKey KmsService::known_key(std::string_view reference) const noexcept {
  KnownKey known;
  try {
    KeyReference ref = parse_key_reference(reference);
    std::shared_lock lock(cache_mutex_);
    if (ref.kind == KeyReference::Kind::kAlias) {
      auto alias = aliases_.find(ref.name);
      if (alias == aliases_.end()) {
        known.key_id = std::move(ref.name);
        return known;
      }
      ref.name = alias->second;
    }
    auto key = keys_.find(ref.name);
    if (key != keys_.end()) known.spec = key->second->record.key_spec;
    known.key_id = std::move(ref.name);
  } catch (...) {
    // A malformed reference: the request will fail validation; it counts under its text.
    known.key_id.assign(reference.substr(0, 256));
    known.spec.reset();
  }
  return known;
}

KeyMetadata KmsService::metadata_of(const KeyRecord& k) const {
  KeyMetadata m;
  m.aws_account_id = config_.account_id;
  m.key_id = k.key_id;
  m.arn = arn_of(k.key_id);
  m.creation_date = k.created_at;
  m.enabled = k.state == KeyState::kEnabled;
  m.description = k.description;
  m.key_usage = k.key_usage;
  m.key_state = k.state;
  m.deletion_date = k.deletion_date;
  m.origin = k.origin;
  m.key_spec = k.key_spec;
  m.encryption_algorithms = encryption_algorithms(k.key_spec, k.key_usage);
  m.signing_algorithms = signing_algorithms(k.key_spec, k.key_usage);
  m.mac_algorithms = mac_algorithms(k.key_spec, k.key_usage);
  m.multi_region = k.multi_region;
  if (k.multi_region) {
    m.multi_region_configuration = MultiRegionConfiguration{"PRIMARY", m.arn, config_.region};
  }
  m.pending_deletion_window_in_days = k.pending_window_days;
  // AWS reports key material ids for symmetric encryption keys only.
  if (is_symmetric(k.key_spec))
    m.current_key_material_id = token_object_id(k.key_id, k.current_version);
  return m;
}

KmsService::CachedKeyPtr KmsService::key_for(api::Operation operation, const std::string& reference,
                                             const char* field, bool fresh,
                                             const EncryptionContext* context, RequestFacts facts) {
  const std::string key_id = resolve_key_id(reference, operation, field);
  auto key = fresh ? load_key(key_id) : cached_key(key_id);
  if (!key) detail::not_found(reference);
  facts.request_alias = request_alias_of(reference);
  authorize(operation, *key, field, context, nullptr, &facts);  // before the state is told
  require_state(operation, key->record);
  return key;
}

void KmsService::require_state(api::Operation operation, const KeyRecord& key) const {
  // The hot path (an enabled key) builds no ARN.
  if (api::key_state_outcome(operation, api::aws_state_of(key.state)) ==
      api::StateOutcome::kAllowed)
    return;
  api::require_key_state(operation, key.state, arn_of(key.key_id));
}

void KmsService::require_symmetric_encrypt(const KeyRecord& key) {
  if (key.key_usage != KeyUsage::kEncryptDecrypt || !is_symmetric(key.key_spec)) {
    throw Error(ErrorCode::kInvalidKeyUsage,
                "Key '" + key.key_id + "' with KeySpec " + std::string(to_string(key.key_spec)) +
                    " and KeyUsage " + std::string(to_string(key.key_usage)) +
                    " cannot be used for this symmetric operation.");
  }
}

std::uint64_t KmsService::encryptions_of(const std::string& key_id, std::uint32_t version) const {
  return counter_.used(key_id, version);
}

}  // namespace coffer::core
