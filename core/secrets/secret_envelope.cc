#include "core/secrets/secret_envelope.h"

#include "common/error.h"
#include "core/envelope/kms_data_key_service.h"
#include "core/envelope/record.h"

namespace coffer::core {
namespace {

constexpr std::uint8_t kFormatVersion = 1;
constexpr std::uint8_t kString = 1;
constexpr std::uint8_t kBinary = 2;

EncryptionContext context_of(const std::string& arn, const std::string& version_id,
                             std::uint8_t type) {
  return {{"SecretARN", arn},
          {"SecretVersionId", version_id},
          {"coffer:SecretValueType", type == kString ? "SecretString" : "SecretBinary"}};
}

}  // namespace

Bytes seal_secret_value(KmsService& kms, const std::string& key_id, const std::string& secret_arn,
                        const std::string& version_id, const SecretValue& value) {
  const std::uint8_t type = value.string ? kString : kBinary;
  const SecretBytes& plaintext = value.string ? *value.string : *value.binary;
  envelope::KmsDataKeyService keys(kms);
  envelope::RecordSealer sealer(keys, nullptr, {key_id}, context_of(secret_arn, version_id, type));
  Bytes sealed{kFormatVersion, type};
  Bytes record = sealer.seal(plaintext.span());
  sealed.insert(sealed.end(), record.begin(), record.end());
  return sealed;
}

SecretValue open_secret_value(KmsService& kms, const std::string& secret_arn,
                              const std::string& version_id, const Bytes& sealed) {
  if (sealed.size() < 2 || sealed[0] != kFormatVersion ||
      (sealed[1] != kString && sealed[1] != kBinary))
    throw Error(ErrorCode::kDecryptionFailure, "The stored secret value has an unknown format");
  const std::uint8_t type = sealed[1];
  envelope::KmsDataKeyService keys(kms);
  envelope::DecryptOptions options;
  options.required_context = context_of(secret_arn, version_id, type);
  envelope::RecordOpener opener(keys, nullptr, options);
  SecretBytes plaintext = opener.open(std::span(sealed).subspan(2));
  SecretValue value;
  (type == kString ? value.string : value.binary) = std::move(plaintext);
  return value;
}

}  // namespace coffer::core
