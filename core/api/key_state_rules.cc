#include "core/api/key_state_rules.h"

#include <array>
#include <cctype>
#include <string>

#include "common/error.h"

namespace coffer::core::api {
namespace {

constexpr auto A = StateOutcome::kAllowed;
constexpr auto D = StateOutcome::kDisabled;
constexpr auto I = StateOutcome::kInvalidState;
constexpr auto N = StateOutcome::kNotPendingDeletion;
constexpr auto U = StateOutcome::kUnsupported;

using Row = std::array<StateOutcome, kAwsKeyStateCount>;
struct Rule {
  Operation operation;
  Row outcomes;
};

// The rows of AWS's table. Columns: Enabled, Disabled, PendingDeletion, PendingReplicaDeletion,
// PendingImport, Unavailable, Creating, Updating. Conditional cells ("?") hold the outcome
// for the keys Coffer has (AWS_KMS origin, no custom key store); the condition is noted.
// clang-format off
constexpr Row kUse        {A, D, I, I, I, I, I, A};  // cryptographic use of the key
constexpr Row kAlways     {A, A, A, A, A, A, A, A};  // metadata, policies, aliases, tags: read
constexpr Row kManage     {A, A, I, I, A, A, A, A};  // TagResource, UntagResource, CreateAlias...
constexpr Row kEnableable {A, A, I, I, I, A, I, I};  // EnableKey, DisableKey
// "?" in Enabled: UnsupportedOperationException for imported material or a custom key store.
constexpr Row kRotation   {A, D, I, I, U, U, I, A};
constexpr Row kRotationStatus {A, A, A, A, U, U, A, A};

constexpr std::array kRules{
    Rule{Operation::kDescribeKey,                         kAlways},
    Rule{Operation::kEnableKey,                           kEnableable},
    Rule{Operation::kDisableKey,                          kEnableable},
    Rule{Operation::kScheduleKeyDeletion,                 {A, A, I, I, A, A, A, I}},
    Rule{Operation::kCancelKeyDeletion,                   {N, N, A, A, N, N, N, N}},
    Rule{Operation::kUpdateKeyDescription,                kManage},
    Rule{Operation::kGetKeyPolicy,                        kAlways},
    Rule{Operation::kPutKeyPolicy,                        kAlways},
    Rule{Operation::kListKeyPolicies,                     kAlways},
    Rule{Operation::kEnableKeyRotation,                   kRotation},
    Rule{Operation::kDisableKeyRotation,                  kRotation},
    Rule{Operation::kGetKeyRotationStatus,                kRotationStatus},
    // Newer than AWS's published table: as EnableKeyRotation (its documented exceptions).
    Rule{Operation::kRotateKeyOnDemand,                   kRotation},
    Rule{Operation::kListKeyRotations,                    kRotationStatus},
    Rule{Operation::kCreateAlias,                         kManage},
    // "?" in PendingDeletion: the alias may leave a key pending deletion, not point to one;
    // the row applies to the new target.
    Rule{Operation::kUpdateAlias,                         kManage},
    Rule{Operation::kListAliases,                         kAlways},
    Rule{Operation::kTagResource,                         kManage},
    Rule{Operation::kUntagResource,                       kManage},
    Rule{Operation::kListResourceTags,                    kAlways},
    Rule{Operation::kEncrypt,                             kUse},
    Rule{Operation::kDecrypt,                             kUse},
    Rule{Operation::kReEncrypt,                           kUse},  // source and destination
    Rule{Operation::kGenerateDataKey,                     kUse},
    Rule{Operation::kGenerateDataKeyWithoutPlaintext,     kUse},
    Rule{Operation::kSign,                                kUse},
    Rule{Operation::kVerify,                              kUse},
    Rule{Operation::kGetPublicKey,                        kUse},
    Rule{Operation::kGenerateMac,                         kUse},
    Rule{Operation::kVerifyMac,                           kUse},
    Rule{Operation::kGenerateDataKeyPair,                 kUse},
    Rule{Operation::kGenerateDataKeyPairWithoutPlaintext, kUse},
    Rule{Operation::kCreateGrant,                         kManage},
    Rule{Operation::kListGrants,                          kAlways},
    Rule{Operation::kRevokeGrant,                         kAlways},
};
// clang-format on

// Indexed by operation: every cryptographic call looks its row up.
const Rule* rule_of(Operation operation) {
  static const auto index = [] {
    std::array<const Rule*, kOperationCount> rows{};
    for (const auto& rule : kRules) rows[static_cast<std::size_t>(rule.operation)] = &rule;
    return rows;
  }();
  return index[static_cast<std::size_t>(operation)];
}

}  // namespace

std::string_view to_string(AwsKeyState state) {
  constexpr std::array<std::string_view, kAwsKeyStateCount> names{
      "Enabled",       "Disabled",    "PendingDeletion", "PendingReplicaDeletion",
      "PendingImport", "Unavailable", "Creating",        "Updating"};
  return names[static_cast<std::size_t>(state)];
}

AwsKeyState aws_state_of(KeyState state) {
  switch (state) {
    case KeyState::kEnabled:
      return AwsKeyState::kEnabled;
    case KeyState::kDisabled:
      return AwsKeyState::kDisabled;
    case KeyState::kPendingDeletion:
      return AwsKeyState::kPendingDeletion;
    case KeyState::kUnavailable:
      return AwsKeyState::kUnavailable;
    case KeyState::kCreating:
      return AwsKeyState::kCreating;
  }
  return AwsKeyState::kUnavailable;
}

bool names_a_key(Operation operation) { return rule_of(operation) != nullptr; }

StateOutcome key_state_outcome(Operation operation, AwsKeyState state) {
  const Rule* rule = rule_of(operation);
  return rule ? rule->outcomes[static_cast<std::size_t>(state)] : StateOutcome::kAllowed;
}

void require_key_state(Operation operation, KeyState state, std::string_view key_arn) {
  const std::string arn(key_arn);
  switch (key_state_outcome(operation, aws_state_of(state))) {
    case StateOutcome::kAllowed:
      return;
    case StateOutcome::kDisabled:
      throw Error(ErrorCode::kDisabled, arn + " is disabled.");
    case StateOutcome::kNotPendingDeletion:
      throw Error(ErrorCode::kInvalidState, arn + " is not pending deletion.");
    case StateOutcome::kUnsupported:
      throw Error(ErrorCode::kUnsupportedOperation,
                  arn + " is " + std::string(to_string(state)) + ": not valid for this operation.");
    case StateOutcome::kInvalidState:
      break;
  }
  // AWS's footnotes: "<key ARN> is pending deletion.", "... is unavailable.", "... is creating."
  std::string words;
  for (char c : to_string(aws_state_of(state))) {
    if (std::isupper(static_cast<unsigned char>(c)) && !words.empty()) words += ' ';
    words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  throw Error(ErrorCode::kInvalidState, arn + " is " + words + ".");
}

}  // namespace coffer::core::api
