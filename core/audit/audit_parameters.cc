#include "core/audit/audit_parameters.h"

#include <span>

namespace coffer::core::audit {
namespace {

using nlohmann::json;

// The shape a kept member must have; a member of another shape is dropped, so a client
// cannot smuggle a value into the trail under a harmless name.
enum class Shape {
  kString,
  kInteger,
  kBoolean,
  kStringList,
  kStringMap,      // an encryption context
  kStructure,      // an object: its members go through `members` in turn
  kStructureList,  // a list of such objects
};

struct SafeMember {
  std::string_view name;        // as the API spells it
  std::string_view trail_name;  // as CloudTrail spells it
  Shape shape;
  std::span<const SafeMember> members = {};  // for kStructure and kStructureList
};

constexpr SafeMember kTagKeyOnly[] = {
    {"TagKey", "tagKey", Shape::kString},  // KMS tags; TagValue is dropped (values may be data)
    {"Key", "key", Shape::kString},        // Secrets Manager tags
};

constexpr SafeMember kRotationRules[] = {
    {"AutomaticallyAfterDays", "automaticallyAfterDays", Shape::kInteger},
    {"Duration", "duration", Shape::kString},
    {"ScheduleExpression", "scheduleExpression", Shape::kString},
};

constexpr SafeMember kGrantConstraints[] = {
    {"EncryptionContextSubset", "encryptionContextSubset", Shape::kStringMap},
    {"EncryptionContextEquals", "encryptionContextEquals", Shape::kStringMap},
};

constexpr SafeMember kListFilter[] = {
    {"Key", "key", Shape::kString},
    {"Values", "values", Shape::kStringList},
};

constexpr SafeMember kReplicaRegion[] = {
    {"Region", "region", Shape::kString},
    {"KmsKeyId", "kmsKeyId", Shape::kString},
};

// Every request member that may be audited, KMS and Secrets Manager together (where both
// have a member of one name, it means the same kind of thing).
constexpr SafeMember kRequestMembers[] = {
    // Which key, which alias, which grant.
    {"KeyId", "keyId", Shape::kString},
    {"TargetKeyId", "targetKeyId", Shape::kString},
    {"SourceKeyId", "sourceKeyId", Shape::kString},
    {"DestinationKeyId", "destinationKeyId", Shape::kString},
    {"AliasName", "aliasName", Shape::kString},
    {"GrantId", "grantId", Shape::kString},
    {"GrantToken", "grantToken", Shape::kString},  // not a secret (AWS's words)
    {"GrantTokens", "grantTokens", Shape::kStringList},
    {"GranteePrincipal", "granteePrincipal", Shape::kString},
    {"RetiringPrincipal", "retiringPrincipal", Shape::kString},
    {"Operations", "operations", Shape::kStringList},
    {"Constraints", "constraints", Shape::kStructure, kGrantConstraints},
    {"Name", "name", Shape::kString},  // a grant's name; a secret's name
    // How it was used.
    {"EncryptionContext", "encryptionContext", Shape::kStringMap},
    {"SourceEncryptionContext", "sourceEncryptionContext", Shape::kStringMap},
    {"DestinationEncryptionContext", "destinationEncryptionContext", Shape::kStringMap},
    {"EncryptionAlgorithm", "encryptionAlgorithm", Shape::kString},
    {"SourceEncryptionAlgorithm", "sourceEncryptionAlgorithm", Shape::kString},
    {"DestinationEncryptionAlgorithm", "destinationEncryptionAlgorithm", Shape::kString},
    {"SigningAlgorithm", "signingAlgorithm", Shape::kString},
    {"MessageType", "messageType", Shape::kString},
    {"MacAlgorithm", "macAlgorithm", Shape::kString},
    {"KeyAgreementAlgorithm", "keyAgreementAlgorithm", Shape::kString},
    {"KeySpec", "keySpec", Shape::kString},
    {"KeyPairSpec", "keyPairSpec", Shape::kString},
    {"NumberOfBytes", "numberOfBytes", Shape::kInteger},
    {"DryRun", "dryRun", Shape::kBoolean},
    // Key lifecycle.
    {"KeyUsage", "keyUsage", Shape::kString},
    {"CustomerMasterKeySpec", "customerMasterKeySpec", Shape::kString},
    {"Origin", "origin", Shape::kString},
    {"MultiRegion", "multiRegion", Shape::kBoolean},
    {"Description", "description", Shape::kString},
    {"PendingWindowInDays", "pendingWindowInDays", Shape::kInteger},
    {"RotationPeriodInDays", "rotationPeriodInDays", Shape::kInteger},
    {"PolicyName", "policyName", Shape::kString},  // the policy itself is not kept: too large
    {"BypassPolicyLockoutSafetyCheck", "bypassPolicyLockoutSafetyCheck", Shape::kBoolean},
    {"Tags", "tags", Shape::kStructureList, kTagKeyOnly},
    {"TagKeys", "tagKeys", Shape::kStringList},
    {"ExpirationModel", "expirationModel", Shape::kString},
    {"WrappingAlgorithm", "wrappingAlgorithm", Shape::kString},
    {"WrappingKeySpec", "wrappingKeySpec", Shape::kString},
    {"ReplicaRegion", "replicaRegion", Shape::kString},
    {"PrimaryRegion", "primaryRegion", Shape::kString},
    {"Limit", "limit", Shape::kInteger},
    // Secrets Manager.
    {"SecretId", "secretId", Shape::kString},
    {"SecretIdList", "secretIdList", Shape::kStringList},
    {"VersionId", "versionId", Shape::kString},
    {"VersionStage", "versionStage", Shape::kString},
    {"VersionStages", "versionStages", Shape::kStringList},
    {"MoveToVersionId", "moveToVersionId", Shape::kString},
    {"RemoveFromVersionId", "removeFromVersionId", Shape::kString},
    {"KmsKeyId", "kmsKeyId", Shape::kString},
    {"RotationRules", "rotationRules", Shape::kStructure, kRotationRules},
    {"RotationLambdaARN", "rotationLambdaARN", Shape::kString},
    {"RotateImmediately", "rotateImmediately", Shape::kBoolean},
    {"RecoveryWindowInDays", "recoveryWindowInDays", Shape::kInteger},
    {"ForceDeleteWithoutRecovery", "forceDeleteWithoutRecovery", Shape::kBoolean},
    {"BlockPublicPolicy", "blockPublicPolicy", Shape::kBoolean},
    {"AddReplicaRegions", "addReplicaRegions", Shape::kStructureList, kReplicaRegion},
    {"RemoveReplicaRegions", "removeReplicaRegions", Shape::kStringList},
    {"ForceOverwriteReplicaSecret", "forceOverwriteReplicaSecret", Shape::kBoolean},
    {"Filters", "filters", Shape::kStructureList, kListFilter},
    {"MaxResults", "maxResults", Shape::kInteger},
    {"SortOrder", "sortOrder", Shape::kString},
    {"IncludeDeprecated", "includeDeprecated", Shape::kBoolean},
    {"IncludePlannedDeletion", "includePlannedDeletion", Shape::kBoolean},
    {"PasswordLength", "passwordLength", Shape::kInteger},
    {"ExcludeCharacters", "excludeCharacters", Shape::kString},
    {"ExcludeNumbers", "excludeNumbers", Shape::kBoolean},
    {"ExcludePunctuation", "excludePunctuation", Shape::kBoolean},
    {"ExcludeUppercase", "excludeUppercase", Shape::kBoolean},
    {"ExcludeLowercase", "excludeLowercase", Shape::kBoolean},
    {"IncludeSpace", "includeSpace", Shape::kBoolean},
    {"RequireEachIncludedType", "requireEachIncludedType", Shape::kBoolean},
    // Identity policies (coffer.v1.Principals); PolicyName is above, the document is not kept.
    {"Principal", "principal", Shape::kString},
    {"MaxItems", "maxItems", Shape::kInteger},
};

constexpr SafeMember kKeyMetadataIdentifiers[] = {
    {"KeyId", "keyId", Shape::kString},
    {"Arn", "arn", Shape::kString},
    {"KeyState", "keyState", Shape::kString},
};

constexpr SafeMember kResponseMembers[] = {
    {"KeyId", "keyId", Shape::kString},
    {"KeyMetadata", "keyMetadata", Shape::kStructure, kKeyMetadataIdentifiers},
    {"ARN", "arn", Shape::kString},
    {"Name", "name", Shape::kString},
    {"VersionId", "versionId", Shape::kString},
    {"GrantId", "grantId", Shape::kString},
};

json keep_safe_members(const json& object, std::span<const SafeMember> members);

bool is_string_list(const json& value) {
  if (!value.is_array()) return false;
  for (const json& item : value)
    if (!item.is_string()) return false;
  return true;
}

bool is_string_map(const json& value) {
  if (!value.is_object()) return false;
  for (const auto& item : value.items())
    if (!item.value().is_string()) return false;
  return true;
}

// The kept form of `value`, or null when it does not have the member's shape.
json keep_value(const json& value, const SafeMember& member) {
  switch (member.shape) {
    case Shape::kString:
      return value.is_string() ? value : json();
    case Shape::kInteger:
      return value.is_number_integer() ? value : json();
    case Shape::kBoolean:
      return value.is_boolean() ? value : json();
    case Shape::kStringList:
      return is_string_list(value) ? value : json();
    case Shape::kStringMap:
      return is_string_map(value) ? value : json();
    case Shape::kStructure:
      return value.is_object() ? keep_safe_members(value, member.members) : json();
    case Shape::kStructureList: {
      if (!value.is_array()) return json();
      json kept = json::array();
      for (const json& item : value) {
        if (!item.is_object()) return json();
        kept.push_back(keep_safe_members(item, member.members));
      }
      return kept;
    }
  }
  return json();
}

const SafeMember* find_member(std::span<const SafeMember> members, std::string_view name) {
  for (const SafeMember& member : members)
    if (member.name == name) return &member;
  return nullptr;
}

// Walks the request's few members, not the table's many: this runs for every request.
json keep_safe_members(const json& object, std::span<const SafeMember> members) {
  json kept = json::object();
  for (const auto& item : object.items()) {
    const SafeMember* member = find_member(members, item.key());
    if (member == nullptr) continue;
    json value = keep_value(item.value(), *member);
    if (!value.is_null()) kept[std::string(member->trail_name)] = std::move(value);
  }
  return kept;
}

void default_member(json& kept, std::string_view trail_name, std::string_view value) {
  const std::string name(trail_name);
  if (!kept.contains(name)) kept[name] = value;
}

json null_if_empty(json kept) { return kept.empty() ? json() : kept; }

}  // namespace

bool answer_is_data(std::string_view event_name) {
  static constexpr std::string_view kDataAnswers[] = {"Encrypt",
                                                      "Decrypt",
                                                      "ReEncrypt",
                                                      "GenerateDataKey",
                                                      "GenerateDataKeyWithoutPlaintext",
                                                      "GenerateDataKeyPair",
                                                      "GenerateDataKeyPairWithoutPlaintext",
                                                      "Sign",
                                                      "Verify",
                                                      "GenerateMac",
                                                      "VerifyMac",
                                                      "GenerateRandom",
                                                      "DeriveSharedSecret",
                                                      "GetSecretValue"};
  for (std::string_view name : kDataAnswers)
    if (name == event_name) return true;
  return false;
}

json audit_request_parameters(std::string_view event_name, const json& request_body) {
  if (!request_body.is_object()) return json();
  json kept = keep_safe_members(request_body, kRequestMembers);
  if (event_name == "Encrypt" || event_name == "Decrypt") {
    default_member(kept, "encryptionAlgorithm", "SYMMETRIC_DEFAULT");
  } else if (event_name == "ReEncrypt") {
    default_member(kept, "sourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    default_member(kept, "destinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  }
  return null_if_empty(std::move(kept));
}

json audit_response_elements(std::string_view event_name, const json& response_body) {
  if (!response_body.is_object() || answer_is_data(event_name)) return json();
  return null_if_empty(keep_safe_members(response_body, kResponseMembers));
}

}  // namespace coffer::core::audit
