// Envelope records (docs/FORMAT.md, "Envelope record, version 1"): round trips with and
// without a cache, every altered byte fails, records and streams are not interchangeable.
#include <gtest/gtest.h>

#include "core/envelope/record.h"
#include "tests/envelope/fake_key_service.h"
#include "tests/envelope/stream_test_util.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

using namespace core::envelope;

TEST(RecordTest, RoundTripsWithAndWithoutACache) {
  FakeKeyService service;
  DataKeyCache cache;
  for (DataKeyCache* c : {static_cast<DataKeyCache*>(nullptr), &cache}) {
    RecordSealer sealer(service, c, {"k1", "k2"}, {{"app", "r"}});
    RecordOpener opener(service, c);
    for (std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{1024}, kMaxRecordPlaintext}) {
      auto plaintext = pattern(size);
      auto record = sealer.seal(plaintext);
      auto opened = opener.open(record);
      EXPECT_TRUE(std::equal(opened.span().begin(), opened.span().end(), plaintext.begin(),
                             plaintext.end()))
          << size;
    }
    EXPECT_THAT([&] { sealer.seal(pattern(kMaxRecordPlaintext + 1)); },
                ThrowsError(ErrorCode::kValidation, ::testing::HasSubstr("at most 64 KiB")));
  }
}

TEST(RecordTest, EveryAlteredByteFails) {
  FakeKeyService service;
  DataKeyCache cache;
  RecordSealer sealer(service, &cache, {"k1"}, {{"app", "r"}});
  auto record = sealer.seal(pattern(40));
  RecordOpener warm(service, &cache);
  ASSERT_NO_THROW(warm.open(record));  // the genuine header is now cached
  for (std::size_t i = 0; i < record.size(); ++i) {
    auto bad = record;
    bad[i] ^= 0x04;
    for (DataKeyCache* c : {static_cast<DataKeyCache*>(nullptr), &cache}) {
      RecordOpener opener(service, c);
      EXPECT_THAT([&] { (void)opener.open(bad); }, ThrowsError(ErrorCode::kInvalidCiphertext))
          << "byte " << i;
    }
  }
  for (std::size_t n = 0; n < record.size(); ++n)
    EXPECT_THAT([&] { warm.open(std::span(record).first(n)); },
                ThrowsError(ErrorCode::kInvalidCiphertext))
        << n;
  auto longer = record;
  longer.push_back(0);
  EXPECT_THAT([&] { warm.open(longer); }, ThrowsError(ErrorCode::kInvalidCiphertext));
}

TEST(RecordTest, OpenerOptionsAreNotBypassedByTheCache) {
  FakeKeyService service;
  DataKeyCache cache;
  RecordSealer sealer(service, &cache, {"k1"}, {{"tenant", "1"}});
  auto record = sealer.seal(pattern(10));
  RecordOpener any(service, &cache);
  ASSERT_NO_THROW(any.open(record));
  RecordOpener strict(service, &cache, {{}, {{"tenant", "2"}}});
  EXPECT_THAT([&] { strict.open(record); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  RecordOpener other_key(service, &cache, {{"k9"}, {}});
  EXPECT_THAT([&] { other_key.open(record); }, ThrowsError(ErrorCode::kIncorrectKey));
}

TEST(RecordTest, RecordsAndStreamsAreNotInterchangeable) {
  FakeKeyService service;
  RecordSealer sealer(service, nullptr, {"k1"}, {});
  auto record = sealer.seal(pattern(10));
  StreamDecryptor decryptor(service);
  auto sink = [](std::span<const std::uint8_t>) {};
  EXPECT_THAT(
      [&] {
        decryptor.update(record, sink);
        decryptor.finish(sink);
      },
      ThrowsError(ErrorCode::kInvalidCiphertext));
  auto materials = make_encryption_materials(service, {"k1"}, {});
  StreamEncryptor encryptor(materials, {14});
  auto stream = run_stream(encryptor, pattern(10));
  RecordOpener opener(service, nullptr);
  EXPECT_THAT([&] { (void)opener.open(stream); }, ThrowsError(ErrorCode::kInvalidCiphertext));
}

}  // namespace
}  // namespace coffer::testing
