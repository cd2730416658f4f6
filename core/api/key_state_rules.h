// What each operation does to a key in each key state: AWS's table "Key states of AWS KMS
// keys" (developer guide, key-state.html), one row per operation (key_state_rules.cc).
// core calls require_key_state() on every key an operation names; no handler decides it.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/api/operations.h"
#include "core/model/key_enums.h"

namespace coffer::core::api {

enum class StateOutcome : std::uint8_t {
  kAllowed,             // ✓
  kDisabled,            // X: DisabledException
  kInvalidState,        // X: KMSInvalidStateException
  kNotPendingDeletion,  // X: KMSInvalidStateException "... is not pending deletion."
  kUnsupported,         // X: UnsupportedOperationException (imported material, custom key stores)
};

// The columns of AWS's table, in its order. Coffer's KeyState has the ones it can reach today.
enum class AwsKeyState : std::uint8_t {
  kEnabled,
  kDisabled,
  kPendingDeletion,
  kPendingReplicaDeletion,
  kPendingImport,
  kUnavailable,
  kCreating,
  kUpdating,
};
inline constexpr std::size_t kAwsKeyStateCount = 8;
std::string_view to_string(AwsKeyState state);
AwsKeyState aws_state_of(KeyState state);

// False for operations that name no existing key (CreateKey, ListKeys, GenerateRandom...).
bool names_a_key(Operation operation);
StateOutcome key_state_outcome(Operation operation, AwsKeyState state);

// Throws DisabledException or KMSInvalidStateException, with AWS's message naming the key
// by ARN, when `operation` may not run on a key in `state`.
void require_key_state(Operation operation, KeyState state, std::string_view key_arn);

}  // namespace coffer::core::api
