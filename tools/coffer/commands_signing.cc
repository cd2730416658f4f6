// Asymmetric and HMAC keys: sign, verify, get-public-key, generate-mac, verify-mac and
// generate-data-key-pair(-without-plaintext). Signatures and MACs go to --out or stdout
// (raw, or base64 with --base64); verify answers with the exit status (0 valid, 1 not).
#include <unistd.h>

#include "common/hex.h"
#include "tools/coffer/blob_io.h"
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"

namespace coffer::tools::cli {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) { return as_bytes(s); }

// A signature or MAC from --NAME BASE64 or --NAME-file FILE (raw bytes).
std::string read_tag(const Args& args, const std::string& name) {
  const auto literal = args.get(name);
  const auto file = args.get(name + "-file");
  if (literal && file)
    throw UsageError("give either --" + name + " or --" + name + "-file, not both");
  if (literal) {
    auto decoded = from_base64(*literal);
    if (!decoded) throw UsageError("--" + name + " takes base64");
    return std::string(decoded->begin(), decoded->end());
  }
  if (!file) throw UsageError("--" + name + " or --" + name + "-file is required");
  SecretBytes bytes = read_file(*file);
  return std::string(bytes.data(), bytes.data() + bytes.size());
}

void refuse_binary_to_terminal(const Args& args, const char* what) {
  if (!args.has("base64") && !writes_to_file(args.get("out")) && ::isatty(STDOUT_FILENO)) {
    throw UsageError(std::string("not writing a binary ") + what +
                     " to a terminal: use --out FILE or --base64");
  }
}

// The result blob to --out/stdout, or the response as JSON.
void emit(Context& c, const google::protobuf::Message& response, const std::string& blob,
          const Fields& fields) {
  const Args& a = c.args();
  if (c.json()) {
    print_json(response);
    if (writes_to_file(a.get("out"))) write_output(a.get("out"), bytes_of(blob), a.has("base64"));
    return;
  }
  write_output(a.get("out"), bytes_of(blob), a.has("base64"));
  if (writes_to_file(a.get("out"))) print_fields(fields);
}

std::string pem_of(const std::string& der) {
  const std::string b64 = to_base64(bytes_of(der));
  std::string pem = "-----BEGIN PUBLIC KEY-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END PUBLIC KEY-----\n";
}

void sign(Context& c) {
  const Args& a = c.args();
  v1::SignRequest request;
  request.set_key_id(a.required("key-id"));
  SecretBytes message = read_input(a, "message", false);
  request.set_message(message.data(), message.size());
  if (auto v = a.get("message-type")) request.set_message_type(*v);
  request.set_signing_algorithm(a.required("signing-algorithm"));
  if (!c.json()) refuse_binary_to_terminal(a, "signature");
  auto response = c.client().sign(request);
  emit(c, response, response.signature(),
       {{"KeyId", response.key_id()}, {"SigningAlgorithm", response.signing_algorithm()}});
}

void verify(Context& c) {
  const Args& a = c.args();
  v1::VerifyRequest request;
  request.set_key_id(a.required("key-id"));
  SecretBytes message = read_input(a, "message", false);
  request.set_message(message.data(), message.size());
  if (auto v = a.get("message-type")) request.set_message_type(*v);
  request.set_signature(read_tag(a, "signature"));
  request.set_signing_algorithm(a.required("signing-algorithm"));
  auto response = c.client().verify(request);  // an invalid signature throws: exit 1
  if (c.json()) return print_json(response);
  print_fields({{"KeyId", response.key_id()},
                {"SignatureValid", yes_no(response.signature_valid())},
                {"SigningAlgorithm", response.signing_algorithm()}});
}

void get_public_key(Context& c) {
  const Args& a = c.args();
  v1::GetPublicKeyRequest request;
  request.set_key_id(a.required("key-id"));
  auto response = c.client().get_public_key(request);
  if (c.json()) return print_json(response);
  const bool der = a.has("der");
  if (der) refuse_binary_to_terminal(a, "public key");
  const std::string out = der ? response.public_key() : pem_of(response.public_key());
  write_output(a.get("out"), bytes_of(out), false);
  if (writes_to_file(a.get("out"))) {
    print_fields({{"KeyId", response.key_id()},
                  {"KeySpec", response.key_spec()},
                  {"KeyUsage", response.key_usage()},
                  {"EncryptionAlgorithms", join(response.encryption_algorithms())},
                  {"SigningAlgorithms", join(response.signing_algorithms())}});
  }
}

void generate_mac(Context& c) {
  const Args& a = c.args();
  v1::GenerateMacRequest request;
  request.set_key_id(a.required("key-id"));
  SecretBytes message = read_input(a, "message", false);
  request.set_message(message.data(), message.size());
  request.set_mac_algorithm(a.required("mac-algorithm"));
  if (!c.json()) refuse_binary_to_terminal(a, "MAC");
  auto response = c.client().generate_mac(request);
  emit(c, response, response.mac(),
       {{"KeyId", response.key_id()}, {"MacAlgorithm", response.mac_algorithm()}});
}

void verify_mac(Context& c) {
  const Args& a = c.args();
  v1::VerifyMacRequest request;
  request.set_key_id(a.required("key-id"));
  SecretBytes message = read_input(a, "message", false);
  request.set_message(message.data(), message.size());
  request.set_mac(read_tag(a, "mac"));
  request.set_mac_algorithm(a.required("mac-algorithm"));
  auto response = c.client().verify_mac(request);  // a wrong MAC throws: exit 1
  if (c.json()) return print_json(response);
  print_fields({{"KeyId", response.key_id()},
                {"MacValid", yes_no(response.mac_valid())},
                {"MacAlgorithm", response.mac_algorithm()}});
}

template <class Request>
Request pair_request(const Args& a) {
  Request request;
  request.set_key_id(a.required("key-id"));
  request.set_key_pair_spec(a.required("key-pair-spec"));
  for (auto& [k, v] : parse_pairs(a.all("encryption-context"), "encryption-context")) {
    (*request.mutable_encryption_context())[k] = v;
  }
  return request;
}

template <class Response>
void write_pair(Context& c, Response& response, const std::string* private_key) {
  const Args& a = c.args();
  if (c.json()) return print_json(response);
  write_output(a.required("ciphertext-out"), bytes_of(response.private_key_ciphertext_blob()),
               false);
  write_output(a.required("public-key-out"), bytes_of(response.public_key()), false);
  if (private_key) write_output(a.required("private-key-out"), bytes_of(*private_key), false);
  print_fields({{"KeyId", response.key_id()}, {"KeyPairSpec", response.key_pair_spec()}});
}

void generate_data_key_pair(Context& c) {
  auto response =
      c.client().generate_data_key_pair(pair_request<v1::GenerateDataKeyPairRequest>(c.args()));
  WipeOnExit wipe(response.mutable_private_key_plaintext());
  write_pair(c, response, &response.private_key_plaintext());
}

void generate_data_key_pair_without_plaintext(Context& c) {
  auto response = c.client().generate_data_key_pair_without_plaintext(
      pair_request<v1::GenerateDataKeyPairWithoutPlaintextRequest>(c.args()));
  write_pair(c, response, nullptr);
}

const OptionSpec kOut{"out", "FILE",
                      "Write the result here (created 0600; - for stdout, the default)"};
const OptionSpec kBase64{"base64", "", "Write the result as base64 text instead of raw bytes"};
const OptionSpec kMessage{"message", "TEXT", "The message itself (or use --in)"};
const OptionSpec kIn{"in", "FILE", "Read the message from FILE (- for stdin, the default)"};
const OptionSpec kMessageType{"message-type", "TYPE",
                              "RAW (default) or DIGEST (the message is a digest)"};
const OptionSpec kSigningAlgorithm{
    "signing-algorithm", "ALG", "ECDSA_SHA_256, RSASSA_PSS_SHA_256, RSASSA_PKCS1_V1_5_SHA_256, ...",
    true};
const OptionSpec kMacAlgorithm{"mac-algorithm", "ALG",
                               "HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512", true};

std::vector<OptionSpec> pair_options(bool with_private) {
  std::vector<OptionSpec> options = {
      key_id_option("The symmetric key that encrypts the private key"),
      {"key-pair-spec", "SPEC", "RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ...",
       true},
      {"encryption-context", "KEY=VALUE", "Bind the encrypted private key to this context", false,
       true},
      {"ciphertext-out", "FILE", "Write the encrypted private key here"},
      {"public-key-out", "FILE", "Write the public key (DER SubjectPublicKeyInfo) here"}};
  if (with_private)
    options.push_back({"private-key-out", "FILE", "Write the private key (PKCS#8 DER) here, 0600"});
  return options;
}

}  // namespace

void add_signing_commands(std::vector<Command>& out) {
  out.push_back({"sign",
                 "Sign a message (or a digest) with an asymmetric key",
                 {key_id_option(), kMessage, kIn, kMessageType, kSigningAlgorithm, kOut, kBase64},
                 sign});
  out.push_back({"verify",
                 "Verify a signature; exit status 0 if valid, 1 if not",
                 {key_id_option(),
                  kMessage,
                  kIn,
                  kMessageType,
                  kSigningAlgorithm,
                  {"signature", "BASE64", "The signature, in base64"},
                  {"signature-file", "FILE", "Read the raw signature from FILE"}},
                 verify});
  out.push_back({"get-public-key",
                 "The public key of an asymmetric key (PEM; --der for DER)",
                 {key_id_option(), kOut, {"der", "", "DER SubjectPublicKeyInfo instead of PEM"}},
                 get_public_key});
  out.push_back({"generate-mac",
                 "Compute an HMAC of a message with an HMAC key",
                 {key_id_option(), kMessage, kIn, kMacAlgorithm, kOut, kBase64},
                 generate_mac});
  out.push_back({"verify-mac",
                 "Verify an HMAC; exit status 0 if valid, 1 if not",
                 {key_id_option(),
                  kMessage,
                  kIn,
                  kMacAlgorithm,
                  {"mac", "BASE64", "The MAC, in base64"},
                  {"mac-file", "FILE", "Read the raw MAC from FILE"}},
                 verify_mac});
  out.push_back({"generate-data-key-pair",
                 "Make a key pair; the private key also comes back encrypted under a symmetric key",
                 pair_options(true), generate_data_key_pair});
  out.push_back({"generate-data-key-pair-without-plaintext",
                 "Make a key pair; only the encrypted private key and the public key come back",
                 pair_options(false), generate_data_key_pair_without_plaintext});
}

}  // namespace coffer::tools::cli
