// Data keys and randomness: generate-data-key, generate-data-key-without-plaintext,
// generate-random. Blobs go to the files named (raw, or base64 with --base64); those not
// sent to a file are shown in base64.
#include "common/hex.h"
#include "tools/coffer/blob_io.h"
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"

namespace coffer::tools::cli {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) { return as_bytes(s); }

// Exactly one of number_of_bytes and key_spec; AES_256 when neither is given.
template <class Request>
void size_data_key(const Args& a, Request& request) {
  auto bytes = a.get_int("number-of-bytes");
  auto spec = a.get("key-spec");
  if (bytes && spec) throw UsageError("give either --number-of-bytes or --key-spec, not both");
  if (bytes)
    request.set_number_of_bytes(static_cast<std::int32_t>(*bytes));
  else
    request.set_key_spec(spec.value_or("AES_256"));
}

// Writes `blob` to the file option if given; otherwise adds it, in base64, to `fields`.
void place(const Args& a, const std::string& option, const std::string& label,
           const std::string& blob, Fields& fields) {
  if (writes_to_file(a.get(option)))
    write_output(a.get(option), bytes_of(blob), a.has("base64"));
  else
    fields.emplace_back(label, to_base64(bytes_of(blob)));
}

template <class Request>
Request data_key_request(const Args& a) {
  Request request;
  request.set_key_id(a.required("key-id"));
  size_data_key(a, request);
  for (auto& [k, v] : parse_pairs(a.all("encryption-context"), "encryption-context")) {
    (*request.mutable_encryption_context())[k] = v;
  }
  return request;
}

void generate_data_key(Context& c) {
  const Args& a = c.args();
  auto response = c.client().generate_data_key(data_key_request<v1::GenerateDataKeyRequest>(a));
  WipeOnExit wipe(response.mutable_plaintext());
  Fields fields = {{"KeyId", response.key_id()},
                   {"KeyMaterialId", or_dash(response.key_material_id())}};
  if (c.json()) {
    print_json(response);
    fields.clear();
  }
  place(a, "out", "CiphertextBlob", response.ciphertext_blob(), fields);
  place(a, "plaintext-out", "Plaintext", response.plaintext(), fields);
  if (!c.json()) print_fields(fields);
  for (auto& [name, value] : fields) secure_zero(value.data(), value.size());
}

void generate_data_key_without_plaintext(Context& c) {
  const Args& a = c.args();
  auto response = c.client().generate_data_key_without_plaintext(
      data_key_request<v1::GenerateDataKeyWithoutPlaintextRequest>(a));
  Fields fields = {{"KeyId", response.key_id()},
                   {"KeyMaterialId", or_dash(response.key_material_id())}};
  if (c.json()) {
    print_json(response);
    fields.clear();
  }
  place(a, "out", "CiphertextBlob", response.ciphertext_blob(), fields);
  if (!c.json()) print_fields(fields);
}

void generate_random(Context& c) {
  const Args& a = c.args();
  v1::GenerateRandomRequest request;
  request.set_number_of_bytes(static_cast<std::int32_t>(a.get_int("number-of-bytes").value_or(32)));
  auto response = c.client().generate_random(request);
  WipeOnExit wipe(response.mutable_plaintext());
  if (c.json()) print_json(response);
  if (writes_to_file(a.get("out"))) {
    write_output(a.get("out"), bytes_of(response.plaintext()), a.has("base64"));
  } else if (!c.json()) {
    write_output(std::nullopt, bytes_of(response.plaintext()), true);
  }
}

std::vector<OptionSpec> data_key_options() {
  return {key_id_option("The key that encrypts the data key"),
          {"number-of-bytes", "N", "Data key length in bytes", false, false, IntRange{1, 1024}},
          {"key-spec", "SPEC", "AES_128 or AES_256 (the default)"},
          {"encryption-context", "KEY=VALUE", "Bind the encrypted data key to this context", false,
           true},
          {"out", "FILE", "Write the encrypted data key (CiphertextBlob) to FILE"},
          {"base64", "", "Write files as base64 text instead of raw bytes"}};
}

}  // namespace

void add_data_key_commands(std::vector<Command>& out) {
  out.push_back({"generate-data-key",
                 "Make a data key: returned in plaintext and encrypted under a KMS key",
                 with(data_key_options(),
                      {{"plaintext-out", "FILE", "Write the plaintext data key to FILE (0600)"}}),
                 generate_data_key});
  out.push_back({"generate-data-key-without-plaintext",
                 "Make a data key, returned only encrypted under a KMS key", data_key_options(),
                 generate_data_key_without_plaintext});
  out.push_back(
      {"generate-random",
       "Random bytes from the token (base64 on stdout unless --out)",
       {{"number-of-bytes", "N", "How many bytes (default 32)", false, false, IntRange{1, 1024}},
        {"out", "FILE", "Write the raw bytes to FILE"},
        {"base64", "", "Write the file as base64 text"}},
       generate_random});
}

}  // namespace coffer::tools::cli
