#include "tools/coffer/kms_client_data_keys.h"

#include "common/hex.h"
#include "tools/coffer/blob_io.h"

namespace coffer::tools::cli {
namespace {

template <class Request>
void set_context(Request& request, const core::EncryptionContext& context) {
  for (const auto& [k, v] : context) (*request.mutable_encryption_context())[k] = v;
}

core::Bytes bytes_of(const std::string& s) { return core::Bytes(s.begin(), s.end()); }

}  // namespace

std::pair<std::string, std::string> KmsClientDataKeys::split_key(const std::string& spec) {
  // Key ids, ARNs and alias names never contain '@'.
  const auto at = spec.rfind('@');
  if (at == std::string::npos) return {spec, ""};
  return {spec.substr(0, at), spec.substr(at + 1)};
}

client::KmsClient& KmsClientDataKeys::client_for(const std::string& endpoint) {
  if (endpoint.empty()) return home_();
  auto& slot = others_[endpoint];
  if (!slot) slot = connect_(endpoint);
  return *slot;
}

core::envelope::DataKey KmsClientDataKeys::generate_data_key(
    const std::string& key, const core::EncryptionContext& context) {
  const auto [id, endpoint] = split_key(key);
  v1::GenerateDataKeyRequest request;
  request.set_key_id(id);
  request.set_key_spec("AES_256");
  set_context(request, context);
  auto response = client_for(endpoint).generate_data_key(request);
  WipeOnExit wipe(response.mutable_plaintext());
  return {SecretBytes(as_bytes(response.plaintext())), bytes_of(response.ciphertext_blob())};
}

core::Bytes KmsClientDataKeys::encrypt(const std::string& key,
                                       std::span<const std::uint8_t> plaintext,
                                       const core::EncryptionContext& context) {
  const auto [id, endpoint] = split_key(key);
  v1::EncryptRequest request;
  request.set_key_id(id);
  request.set_plaintext(plaintext.data(), plaintext.size());
  WipeOnExit wipe(request.mutable_plaintext());
  set_context(request, context);
  return bytes_of(client_for(endpoint).encrypt(request).ciphertext_blob());
}

SecretBytes KmsClientDataKeys::decrypt(std::span<const std::uint8_t> blob,
                                       const core::EncryptionContext& context,
                                       const std::optional<std::string>& key) {
  v1::DecryptRequest request;
  request.set_ciphertext_blob(blob.data(), blob.size());
  set_context(request, context);
  std::string endpoint;
  if (key) {
    auto [id, where] = split_key(*key);
    request.set_key_id(id);
    endpoint = where;
  }
  auto response = client_for(endpoint).decrypt(request);
  WipeOnExit wipe(response.mutable_plaintext());
  return SecretBytes(as_bytes(response.plaintext()));
}

}  // namespace coffer::tools::cli
