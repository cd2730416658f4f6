// Ciphertexts made by earlier versions must decrypt forever. The vectors come from an
// independent implementation of docs/FORMAT.md (golden/make_ciphertext_v1.py).
#include <nlohmann/json.hpp>

#include <fstream>

#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

class GoldenCiphertextTest : public ServiceTest {
 protected:
  nlohmann::json load() {
    std::ifstream in(std::string(COFFER_GOLDEN_DIR) + "/ciphertext_v1.json");
    return nlohmann::json::parse(in);
  }

  // Puts a known key into the token and the store exactly as a Coffer that made it would.
  void install(const nlohmann::json& golden) {
    std::map<std::string, std::uint32_t> latest;
    for (const auto& k : golden["keys"])
      latest[k["key_id"]] = std::max(latest[k["key_id"]], k["version"].get<std::uint32_t>());
    for (const auto& [key_id, current] : latest) {
      core::KeyRecord key;
      key.key_id = key_id;
      key.region = "us-east-1";
      key.multi_region = key_id.starts_with("mrk-");
      key.created_at = test_epoch();
      key.current_version = 1;
      std::vector<core::KeyVersionRecord> versions;
      for (const auto& k : golden["keys"]) {
        if (k["key_id"] != key_id) continue;
        const auto version = k["version"].get<std::uint32_t>();
        const std::string object = "coffer/us-east-1/" + key_id + "/v" + std::to_string(version);
        token_->import_aes(object, *from_hex(k["material_hex"].get<std::string>()));
        versions.push_back(
            {key_id, version, object, test_epoch(),
             version == 1 ? std::nullopt : std::optional(core::RotationType::kOnDemand), 0});
      }
      std::sort(versions.begin(), versions.end(),
                [](auto& a, auto& b) { return a.version < b.version; });
      store_->create_key(key, versions.front(), {});
      for (std::size_t i = 1; i < versions.size(); ++i) {
        key.current_version = versions[i].version;
        store_->add_version(key, versions[i]);
      }
    }
  }
};

TEST_F(GoldenCiphertextTest, FormatV1BlobsStillDecrypt) {
  auto golden = load();
  ASSERT_EQ(golden["format"], "coffer-ciphertext-v1");
  install(golden);
  open_service();  // a fresh service reads the installed metadata
  int checked = 0;
  for (const auto& v : golden["vectors"]) {
    core::EncryptionContext context = v["context"].get<core::EncryptionContext>();
    auto blob = *from_hex(v["blob_hex"].get<std::string>());
    auto result = service_->decrypt({blob, context, std::nullopt, std::nullopt});
    EXPECT_EQ(to_hex(result.plaintext.span()), v["plaintext_hex"].get<std::string>());
    EXPECT_EQ(result.key_id,
              "arn:aws:kms:us-east-1:111122223333:key/" + v["key_id"].get<std::string>());
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

}  // namespace
}  // namespace coffer::testing
