// Encryption: encrypt, decrypt, re-encrypt. The blob a command produces goes to --out or
// stdout (raw, or one base64 line with --base64); with --json the response is printed
// instead, and written to --out as well when that names a file.
#include <unistd.h>

#include "common/hex.h"
#include "tools/coffer/blob_io.h"
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"

namespace coffer::tools::cli {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) { return as_bytes(s); }

// A ciphertext from --ciphertext-blob BASE64, or --in FILE / stdin (base64 with --base64).
SecretBytes read_ciphertext(const Args& args) {
  if (auto literal = args.get("ciphertext-blob")) {
    if (args.has("in")) throw UsageError("give either --ciphertext-blob or --in, not both");
    auto decoded = from_base64(*literal);
    if (!decoded) throw UsageError("--ciphertext-blob takes base64");
    return SecretBytes(std::span<const std::uint8_t>(*decoded));
  }
  return read_input(args, "ciphertext-blob", args.has("base64"));
}

void refuse_binary_to_terminal(const Args& args, const char* what) {
  if (!args.has("base64") && !writes_to_file(args.get("out")) && ::isatty(STDOUT_FILENO)) {
    throw UsageError(std::string("not writing a binary ") + what +
                     " to a terminal: use --out FILE or --base64");
  }
}

void encrypt(Context& c) {
  const Args& a = c.args();
  v1::EncryptRequest request;
  WipeOnExit wipe(request.mutable_plaintext());
  request.set_key_id(a.required("key-id"));
  {
    SecretBytes plaintext = read_input(a, "plaintext", false);
    request.set_plaintext(plaintext.data(), plaintext.size());
  }
  for (auto& [k, v] : parse_pairs(a.all("encryption-context"), "encryption-context")) {
    (*request.mutable_encryption_context())[k] = v;
  }
  if (auto alg = a.get("encryption-algorithm")) request.set_encryption_algorithm(*alg);
  if (!c.json()) refuse_binary_to_terminal(a, "ciphertext");
  auto response = c.client().encrypt(request);
  if (c.json()) {
    print_json(response);
    if (writes_to_file(a.get("out")))
      write_output(a.get("out"), bytes_of(response.ciphertext_blob()), a.has("base64"));
    return;
  }
  write_output(a.get("out"), bytes_of(response.ciphertext_blob()), a.has("base64"));
  if (writes_to_file(a.get("out"))) {
    print_fields(
        {{"KeyId", response.key_id()}, {"EncryptionAlgorithm", response.encryption_algorithm()}});
  }
}

void decrypt(Context& c) {
  const Args& a = c.args();
  v1::DecryptRequest request;
  {
    SecretBytes blob = read_ciphertext(a);
    request.set_ciphertext_blob(blob.data(), blob.size());
  }
  if (auto key = a.get("key-id")) request.set_key_id(*key);
  for (auto& [k, v] : parse_pairs(a.all("encryption-context"), "encryption-context")) {
    (*request.mutable_encryption_context())[k] = v;
  }
  if (auto alg = a.get("encryption-algorithm")) request.set_encryption_algorithm(*alg);
  auto response = c.client().decrypt(request);
  WipeOnExit wipe(response.mutable_plaintext());
  if (c.json()) {
    print_json(response);
    if (writes_to_file(a.get("out")))
      write_output(a.get("out"), bytes_of(response.plaintext()), false);
    return;
  }
  write_output(a.get("out"), bytes_of(response.plaintext()), false);
  if (writes_to_file(a.get("out"))) {
    print_fields({{"KeyId", response.key_id()},
                  {"EncryptionAlgorithm", response.encryption_algorithm()},
                  {"KeyMaterialId", or_dash(response.key_material_id())}});
  }
}

void re_encrypt(Context& c) {
  const Args& a = c.args();
  v1::ReEncryptRequest request;
  {
    SecretBytes blob = read_ciphertext(a);
    request.set_ciphertext_blob(blob.data(), blob.size());
  }
  request.set_destination_key_id(a.required("destination-key-id"));
  if (auto v = a.get("source-key-id")) request.set_source_key_id(*v);
  if (auto v = a.get("source-encryption-algorithm")) request.set_source_encryption_algorithm(*v);
  if (auto v = a.get("destination-encryption-algorithm"))
    request.set_destination_encryption_algorithm(*v);
  for (auto& [k, v] :
       parse_pairs(a.all("source-encryption-context"), "source-encryption-context")) {
    (*request.mutable_source_encryption_context())[k] = v;
  }
  for (auto& [k, v] :
       parse_pairs(a.all("destination-encryption-context"), "destination-encryption-context")) {
    (*request.mutable_destination_encryption_context())[k] = v;
  }
  if (!c.json()) refuse_binary_to_terminal(a, "ciphertext");
  auto response = c.client().re_encrypt(request);
  if (c.json()) {
    print_json(response);
    if (writes_to_file(a.get("out")))
      write_output(a.get("out"), bytes_of(response.ciphertext_blob()), a.has("base64"));
    return;
  }
  write_output(a.get("out"), bytes_of(response.ciphertext_blob()), a.has("base64"));
  if (writes_to_file(a.get("out"))) {
    print_fields({{"SourceKeyId", response.source_key_id()},
                  {"KeyId", response.key_id()},
                  {"SourceEncryptionAlgorithm", response.source_encryption_algorithm()},
                  {"DestinationEncryptionAlgorithm", response.destination_encryption_algorithm()}});
  }
}

const OptionSpec kOut{"out", "FILE",
                      "Write the result here (created 0600; - for stdout, the default)"};
const OptionSpec kBase64{"base64", "", "Ciphertexts as base64 text instead of raw bytes"};
const OptionSpec kCiphertextIn{"in", "FILE",
                               "Read the ciphertext from FILE (- for stdin, the default)"};
const OptionSpec kCiphertextLiteral{"ciphertext-blob", "BASE64",
                                    "The ciphertext itself, in base64"};

}  // namespace

void add_crypto_commands(std::vector<Command>& out) {
  out.push_back(
      {"encrypt",
       "Encrypt up to 4096 bytes under a key",
       {key_id_option(),
        {"plaintext", "TEXT", "Encrypt TEXT (visible to other users in ps: prefer --in)"},
        {"in", "FILE", "Read the plaintext from FILE (- for stdin, the default)"},
        kOut,
        {"encryption-context", "KEY=VALUE", "Bind the ciphertext to this context", false, true},
        {"encryption-algorithm", "ALG", "SYMMETRIC_DEFAULT (default), RSAES_OAEP_SHA_256, ..."},
        kBase64},
       encrypt});
  out.push_back({"decrypt",
                 "Decrypt a ciphertext; the plaintext goes to --out or stdout",
                 {kCiphertextIn,
                  kCiphertextLiteral,
                  kOut,
                  {"key-id", "KEY",
                   "Fail unless this key made the ciphertext (required for asymmetric keys)"},
                  {"encryption-context", "KEY=VALUE", "The context given to encrypt", false, true},
                  {"encryption-algorithm", "ALG", "The algorithm given to encrypt"},
                  {"base64", "", "The ciphertext read is base64 text"}},
                 decrypt});
  out.push_back(
      {"re-encrypt",
       "Decrypt and encrypt again under another key, without exposing the plaintext",
       {kCiphertextIn,
        kCiphertextLiteral,
        kOut,
        {"destination-key-id", "KEY", "The key to encrypt under", true},
        {"source-key-id", "KEY", "The key that made the ciphertext"},
        {"source-encryption-context", "KEY=VALUE", "Context of the input ciphertext", false, true},
        {"destination-encryption-context", "KEY=VALUE", "Context for the output ciphertext", false,
         true},
        {"source-encryption-algorithm", "ALG", "Algorithm of the input ciphertext"},
        {"destination-encryption-algorithm", "ALG", "Algorithm for the output ciphertext"},
        {"base64", "", "Ciphertexts, in and out, as base64 text"}},
       re_encrypt});
}

}  // namespace coffer::tools::cli
