// Envelope encryption over a real KmsService on a throw-away SoftHSM token: streams under
// two Coffer keys (either opens them), and the data-key cache's saving counted in real
// key-service calls: 10,000 small records with the default limits.
#include <gtest/gtest.h>

#include <atomic>

#include "core/envelope/kms_data_key_service.h"
#include "core/envelope/record.h"
#include "tests/core/service_fixture.h"
#include "tests/envelope/stream_test_util.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

using namespace core::envelope;

// Counts every call that reaches the key service.
class CountingService final : public DataKeyService {
 public:
  explicit CountingService(DataKeyService& inner) : inner_(inner) {}
  DataKey generate_data_key(const std::string& k, const core::EncryptionContext& c) override {
    ++calls;
    return inner_.generate_data_key(k, c);
  }
  core::Bytes encrypt(const std::string& k, std::span<const std::uint8_t> p,
                      const core::EncryptionContext& c) override {
    ++calls;
    return inner_.encrypt(k, p, c);
  }
  SecretBytes decrypt(std::span<const std::uint8_t> b, const core::EncryptionContext& c,
                      const std::optional<std::string>& k) override {
    ++calls;
    return inner_.decrypt(b, c, k);
  }
  std::atomic<int> calls{0};

 private:
  DataKeyService& inner_;
};

class KmsEnvelopeTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    kms_ = std::make_unique<KmsDataKeyService>(*service_);
  }
  std::unique_ptr<KmsDataKeyService> kms_;
};

TEST_F(KmsEnvelopeTest, StreamUnderTwoKeysOpensWithEither) {
  const auto east = create_symmetric_key("east");
  const auto west = create_symmetric_key("west");
  const core::EncryptionContext context{{"file", "report.csv"}};
  auto materials = make_encryption_materials(*kms_, {east, west}, context);
  StreamEncryptor encryptor(materials, {14});
  const auto plaintext = pattern(3 * 16384 + 5);
  const auto stream = run_stream(encryptor, plaintext, 4096);

  StreamDecryptor any(*kms_);
  EXPECT_EQ(run_stream(any, stream), plaintext);
  service_->disable_key(east);  // the first region is gone: the second key still opens it
  StreamDecryptor second(*kms_);
  EXPECT_EQ(run_stream(second, stream), plaintext);
  StreamDecryptor only_east(*kms_, {{east}, {}});
  EXPECT_THAT([&] { run_stream(only_east, stream); }, ThrowsError(ErrorCode::kIncorrectKey));
}

TEST_F(KmsEnvelopeTest, AlteredContextInTheHeaderDoesNotOpen) {
  const auto key = create_symmetric_key();
  auto materials = make_encryption_materials(*kms_, {key}, {{"app", "a"}});
  StreamEncryptor encryptor(materials, {14});
  auto stream = run_stream(encryptor, pattern(100));
  // The context value "a" is the last byte of the prefix before salt and commitment.
  const auto parsed = parse_header(stream);
  stream[parsed->prefix.size() - 1] = 'b';
  StreamDecryptor decryptor(*kms_);
  // The KMS refuses the data key's context.
  EXPECT_THAT([&] { run_stream(decryptor, stream); }, ThrowsError(ErrorCode::kInvalidCiphertext));
}

TEST_F(KmsEnvelopeTest, TenThousandRecordsWithTheCacheCallTheKeyServiceOnce) {
  const auto key = create_symmetric_key();
  const auto message = pattern(1024);
  const int kMessages = 10000;

  CountingService uncached_service(*kms_);
  RecordSealer uncached(uncached_service, nullptr, {key}, {{"app", "records"}});
  for (int i = 0; i < kMessages; ++i) (void)uncached.seal(message);

  CountingService cached_service(*kms_);
  DataKeyCache cache;  // default limits: 5 minutes, 2^32 messages
  RecordSealer sealer(cached_service, &cache, {key}, {{"app", "records"}});
  std::vector<core::Bytes> records;
  for (int i = 0; i < kMessages; ++i) records.push_back(sealer.seal(message));
  RecordOpener opener(cached_service, &cache);
  for (const auto& r : records) ASSERT_EQ(opener.open(r).size(), message.size());

  EXPECT_EQ(uncached_service.calls, kMessages);
  EXPECT_EQ(cached_service.calls, 2);  // one GenerateDataKey, one Decrypt
  const double saved = 1.0 - static_cast<double>(cached_service.calls) / (2.0 * kMessages);
  EXPECT_GE(saved, 0.99);
  std::printf(
      "key-service calls for %d records: %d without the cache, %d with it (seal + open: %.2f%% "
      "saved)\n",
      kMessages, uncached_service.calls.load(), cached_service.calls.load(), 100 * saved);
}

}  // namespace
}  // namespace coffer::testing
