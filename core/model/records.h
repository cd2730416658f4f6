// What the metadata store keeps: keys, their versions, aliases and tags. Plain data; the
// rules that change them live in the service.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/clock.h"
#include "core/model/key_enums.h"

namespace coffer::core {

struct KeyRecord {
  std::string key_id;  // UUID, or mrk- + 32 hex digits
  std::string region;
  std::string description;
  KeyUsage key_usage = KeyUsage::kEncryptDecrypt;
  KeySpec key_spec = KeySpec::kSymmetricDefault;
  Origin origin = Origin::kAwsKms;
  bool multi_region = false;
  KeyState state = KeyState::kEnabled;
  Timestamp created_at{};
  std::optional<Timestamp> deletion_date;
  std::optional<int> pending_window_days;
  bool rotation_enabled = false;
  std::optional<int> rotation_period_days;
  std::optional<Timestamp> next_rotation_at;
  std::optional<Timestamp> on_demand_rotation_started_at;
  int on_demand_rotations = 0;
  std::uint32_t current_version = 1;
};

struct KeyVersionRecord {
  std::string key_id;
  std::uint32_t version = 1;
  std::string token_object_id;  // CKA_ID of the token object(s) holding this version
  Timestamp created_at{};
  // Empty for the key's first version; AUTOMATIC or ON_DEMAND for rotations.
  std::optional<RotationType> rotation_type;
  // Encryptions reserved for this version (durable upper bound of those made).
  std::uint64_t encryptions_reserved = 0;
};

struct AliasRecord {
  std::string region;
  std::string alias_name;  // "alias/…"
  std::string target_key_id;
  Timestamp created_at{};
  Timestamp updated_at{};
};

// A credential for the rpc API and AWS SigV4. The secret is stored only as a ciphertext
// under a key in the token.
struct AccessKeyRecord {
  std::string access_key_id;  // "AKIA…" style, 20 characters
  std::string principal;
  std::vector<std::uint8_t> secret_ciphertext;
  Timestamp created_at{};
  bool active = true;
};

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

}  // namespace coffer::core
