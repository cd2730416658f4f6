#include "tools/coffer-load/operations.h"

#include <algorithm>
#include <random>

#include "client/methods.h"

namespace coffer::tools::load {
namespace {

namespace method = client::method;

std::string random_bytes(std::size_t size) {
  std::mt19937_64 rng(std::random_device{}());
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

Operation make(const std::string& name, const LoadOptions& options, client::KmsClient& kms,
               const std::string& key_id, const std::string& plaintext) {
  Operation op{name, "", "", 0};
  if (name == "encrypt") {
    v1::EncryptRequest r;
    r.set_key_id(key_id);
    r.set_plaintext(plaintext);
    op.method = method::kEncrypt;
    op.payload = r.SerializeAsString();
  } else if (name == "decrypt") {
    v1::EncryptRequest e;
    e.set_key_id(key_id);
    e.set_plaintext(plaintext);
    v1::DecryptRequest r;
    r.set_ciphertext_blob(kms.encrypt(e).ciphertext_blob());
    r.set_key_id(key_id);
    op.method = method::kDecrypt;
    op.payload = r.SerializeAsString();
  } else if (name == "generate-data-key" || name == "generate-data-key-without-plaintext") {
    v1::GenerateDataKeyRequest r;  // the same fields, numbered alike, in both requests
    r.set_key_id(key_id);
    r.set_key_spec("AES_256");
    op.method = name == "generate-data-key" ? method::kGenerateDataKey
                                            : method::kGenerateDataKeyWithoutPlaintext;
    op.payload = r.SerializeAsString();
  } else if (name == "generate-random") {
    v1::GenerateRandomRequest r;
    r.set_number_of_bytes(static_cast<std::int32_t>(std::clamp(options.payload_bytes, 1u, 1024u)));
    op.method = method::kGenerateRandom;
    op.payload = r.SerializeAsString();
  } else {  // describe-key
    v1::DescribeKeyRequest r;
    r.set_key_id(key_id);
    op.method = method::kDescribeKey;
    op.payload = r.SerializeAsString();
  }
  return op;
}

}  // namespace

std::vector<Operation> prepare_operations(const LoadOptions& options, client::KmsClient& kms,
                                          const std::string& key_id) {
  const std::string plaintext = random_bytes(std::clamp(options.payload_bytes, 1u, 4096u));
  std::vector<Operation> ops;
  for (const auto& entry : options.mix) {
    Operation op = make(entry.operation, options, kms, key_id, plaintext);
    op.weight = entry.weight;
    kms.rpc().call_serialized(op.method, op.payload).value();  // throws the server's error
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace coffer::tools::load
