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
  // The key policy document; none: AWS's default key policy. Read by get_key, written by
  // create_key and put_key_policy (not by update_key).
  std::optional<std::string> policy;
};

using Bytes = std::vector<std::uint8_t>;

// Where a version's key material lives (docs/FORMAT.md, "Key versions").
enum class MaterialForm {
  kTokenObject,  // a persistent token object named token_object_id (stores before schema 3)
  kWrapped,      // wrapped_material, under the region's domain key domain_key_version
  kPublicOnly,   // an imported public key: public_key only, nothing secret
};

struct KeyVersionRecord {
  std::string key_id;
  std::uint32_t version = 1;
  // The version's name: the CKA_ID of its token object(s) for kTokenObject, and the stem of
  // the session objects it is unwrapped into otherwise. Unique; also the key material id.
  std::string token_object_id;
  Timestamp created_at{};
  // Empty for the key's first version; AUTOMATIC or ON_DEMAND for rotations.
  std::optional<RotationType> rotation_type;
  // Encryptions reserved for this version (durable upper bound of those made).
  std::uint64_t encryptions_reserved = 0;
  // Secret or private key material wrapped inside the token (RFC 5649 AES-KWP) under the
  // domain key `domain_key_version` of the key's region; empty for the other forms.
  Bytes wrapped_material;
  std::uint32_t domain_key_version = 0;
  // DER SubjectPublicKeyInfo of an RSA or EC version made or imported since schema 3.
  Bytes public_key;

  MaterialForm form() const {
    if (!wrapped_material.empty()) return MaterialForm::kWrapped;
    if (!public_key.empty()) return MaterialForm::kPublicOnly;
    return MaterialForm::kTokenObject;
  }
};

// A region's domain key: an AES-256 token object that only wraps and unwraps key versions.
struct DomainKeyRecord {
  std::string region;
  std::uint32_t version = 1;
  std::string token_object_id;
  Timestamp created_at{};
  // False once a newer domain key exists: nothing new is wrapped under it, and it is
  // destroyed when no version refers to it any more.
  bool active = true;
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
