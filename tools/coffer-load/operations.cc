#include "tools/coffer-load/operations.h"

#include <algorithm>
#include <random>

#include "client/methods.h"
#include "coffer/v1/secrets.pb.h"

namespace coffer::tools::load {
namespace {

namespace method = client::method;

std::string random_bytes(std::size_t size) {
  std::mt19937_64 rng(std::random_device{}());
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

// Whether the request of `name` names a key, so that it has one payload per key.
bool names_key(const std::string& name) { return name != "generate-random"; }

// The method of `name` and its payload for `key_id`.
Operation make(const std::string& name, const LoadOptions& options, client::KmsClient& kms,
               const std::string& key_id, const std::string& plaintext) {
  Operation op{name, "", {}, 0};
  std::string payload;
  if (name == "encrypt") {
    v1::EncryptRequest r;
    r.set_key_id(key_id);
    r.set_plaintext(plaintext);
    op.method = method::kEncrypt;
    payload = r.SerializeAsString();
  } else if (name == "decrypt") {
    v1::EncryptRequest e;
    e.set_key_id(key_id);
    e.set_plaintext(plaintext);
    v1::DecryptRequest r;
    r.set_ciphertext_blob(kms.encrypt(e).ciphertext_blob());
    r.set_key_id(key_id);
    op.method = method::kDecrypt;
    payload = r.SerializeAsString();
  } else if (name == "generate-data-key" || name == "generate-data-key-without-plaintext") {
    v1::GenerateDataKeyRequest r;  // the same fields, numbered alike, in both requests
    r.set_key_id(key_id);
    r.set_key_spec("AES_256");
    op.method = name == "generate-data-key" ? method::kGenerateDataKey
                                            : method::kGenerateDataKeyWithoutPlaintext;
    payload = r.SerializeAsString();
  } else if (name == "generate-random") {
    v1::GenerateRandomRequest r;
    r.set_number_of_bytes(static_cast<std::int32_t>(std::clamp(options.payload_bytes, 1u, 1024u)));
    op.method = method::kGenerateRandom;
    payload = r.SerializeAsString();
  } else if (name == "get-secret-value") {  // the "key" names a secret (issue 15's benchmark)
    v1::secrets::GetSecretValueRequest r;
    r.set_secret_id(key_id);
    op.method = method::kGetSecretValue;
    payload = r.SerializeAsString();
  } else {  // describe-key
    v1::DescribeKeyRequest r;
    r.set_key_id(key_id);
    op.method = method::kDescribeKey;
    payload = r.SerializeAsString();
  }
  op.payloads.push_back(std::move(payload));
  return op;
}

}  // namespace

std::vector<Operation> prepare_operations(const LoadOptions& options, client::KmsClient& kms,
                                          const std::vector<std::string>& key_ids) {
  const std::string plaintext = random_bytes(std::clamp(options.payload_bytes, 1u, 4096u));
  std::vector<Operation> ops;
  for (const auto& entry : options.mix) {
    Operation op = make(entry.operation, options, kms, key_ids.front(), plaintext);
    op.weight = entry.weight;
    kms.rpc().call_serialized(op.method, op.payloads.front()).value();  // throws the server's error
    if (names_key(entry.operation)) {
      op.payloads.reserve(key_ids.size());
      for (std::size_t i = 1; i < key_ids.size(); ++i) {
        op.payloads.push_back(
            std::move(make(entry.operation, options, kms, key_ids[i], plaintext).payloads.front()));
      }
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

Operation create_key_operation() {
  v1::CreateKeyRequest r;  // the defaults: SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT
  r.set_description("coffer-load");
  return {"create-key", std::string(method::kCreateKey), {r.SerializeAsString()}, 1};
}

}  // namespace coffer::tools::load
