// Envelopes made by earlier versions must open forever. The vectors come from an
// independent Python implementation of docs/FORMAT.md (golden/make_envelope_v1.py); the
// streams must also re-encrypt to the same bytes given the same salt.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "common/error.h"
#include "common/hex.h"
#include "core/envelope/record.h"
#include "tests/envelope/stream_test_util.h"

namespace coffer::testing {
namespace {

using namespace core::envelope;

// Opens the golden "encrypted keys" (labels) from the file's table.
class GoldenKeyService final : public DataKeyService {
 public:
  explicit GoldenKeyService(const nlohmann::json& doc) : doc_(doc) {}
  DataKey generate_data_key(const std::string&, const core::EncryptionContext&) override {
    throw Error(ErrorCode::kUnsupportedOperation, "golden service only decrypts");
  }
  core::Bytes encrypt(const std::string&, std::span<const std::uint8_t>,
                      const core::EncryptionContext&) override {
    throw Error(ErrorCode::kUnsupportedOperation, "golden service only decrypts");
  }
  SecretBytes decrypt(std::span<const std::uint8_t> blob, const core::EncryptionContext&,
                      const std::optional<std::string>&) override {
    const std::string label(blob.begin(), blob.end());
    if (!doc_["encrypted_keys"].contains(label))
      throw Error(ErrorCode::kInvalidCiphertext, "unknown key");
    return key_named(doc_["encrypted_keys"][label].get<std::string>());
  }
  SecretBytes key_named(const std::string& name) const {
    return SecretBytes(*from_hex(doc_["data_keys"][name].get<std::string>()));
  }

 private:
  const nlohmann::json& doc_;
};

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(bytes.data(), bytes.size(), digest);
  return to_hex(digest);
}

TEST(GoldenEnvelopeTest, FormatV1EnvelopesStillOpen) {
  std::ifstream in(std::string(COFFER_ENVELOPE_GOLDEN_DIR) + "/envelope_v1.json");
  const auto doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc["format"], "coffer-envelope-v1");
  GoldenKeyService service(doc);
  int streams = 0, records = 0;
  for (const auto& v : doc["vectors"]) {
    const auto envelope = *from_hex(v["envelope_hex"].get<std::string>());
    const auto context = v["context"].get<core::EncryptionContext>();
    std::vector<std::uint8_t> plaintext;
    if (v["kind"] == "stream") {
      StreamDecryptor decryptor(service, {{}, context});
      plaintext = run_stream(decryptor, envelope, 1000);
      EXPECT_EQ(decryptor.header()->context, context);
      // Same data key, keys, context, segment size and salt: the same bytes.
      auto parsed = parse_header(envelope);
      EncryptionMaterials materials{service.key_named(v["data_key"]), parsed->fields.encrypted_keys,
                                    context};
      StreamEncryptor encryptor(materials, {parsed->fields.segment_shift}, parsed->salt);
      EXPECT_EQ(run_stream(encryptor, plaintext), envelope);
      ++streams;
    } else {
      RecordOpener opener(service, nullptr, {{}, context});
      auto opened = opener.open(envelope);
      plaintext.assign(opened.span().begin(), opened.span().end());
      ++records;
    }
    EXPECT_EQ(plaintext.size(), v["plaintext_size"].get<std::size_t>());
    EXPECT_EQ(sha256_hex(plaintext), v["plaintext_sha256"].get<std::string>());
    if (!v["plaintext_hex"].is_null()) {
      EXPECT_EQ(to_hex(plaintext), v["plaintext_hex"].get<std::string>());
    }
  }
  EXPECT_EQ(streams, 4);
  EXPECT_EQ(records, 3);
}

}  // namespace
}  // namespace coffer::testing
