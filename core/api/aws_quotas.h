// AWS's request quotas: which quota each operation counts against and its default rate
// (AWS KMS developer guide, "Request quotas"; Secrets Manager user guide, "Quotas"). The
// cryptographic operations of KMS share one quota per key type; every other operation has
// its own, or shares one with its kin as AWS does. The server's request quotas
// (server/quota) enforce what an operator configures over these names.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/api/operations.h"
#include "core/model/key_enums.h"

namespace coffer::core::api {

// The shared cryptographic-operation quotas, by the type of the key a request uses.
inline constexpr std::string_view kSymmetricCryptoQuota = "kms.cryptographic.symmetric";
inline constexpr std::string_view kRsaCryptoQuota = "kms.cryptographic.rsa";
inline constexpr std::string_view kEccCryptoQuota = "kms.cryptographic.ecc";

struct OperationQuota {
  std::string_view name;  // "kms.CreateKey": how a quotas file names it
  double aws_default;     // requests per second; 0: AWS publishes none (no limit)
  bool by_key_type;       // a cryptographic operation: the quota of its key's type
};

// The quota `operation` counts against. For a cryptographic operation the name is the
// symmetric quota; quota_name() picks the one of the key's type.
const OperationQuota& quota_of(Operation operation);

// The quota a cryptographic request counts against, for the spec of its key (nullopt: not
// known yet, or no key, as GenerateRandom: the symmetric quota, as AWS counts it).
std::string_view crypto_quota_name(std::optional<KeySpec> spec);

// Every quota name with AWS's default rate, each once, in a stable order (the defaults
// `coffer quotas` shows and a quotas file may override).
struct NamedQuota {
  std::string_view name;
  double aws_default;
};
std::span<const NamedQuota> all_quotas();

}  // namespace coffer::core::api
