// Random access: byte ranges decrypt from their own segments only; the length is
// authenticated at opening; damage outside a range does not matter, inside it fails.
#include <gtest/gtest.h>

#include "core/envelope/range_reader.h"
#include "tests/envelope/fake_key_service.h"
#include "tests/envelope/stream_test_util.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

using namespace core::envelope;

constexpr std::size_t kSegment = 16384;

class RangeReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plaintext_ = pattern(5 * kSegment + 321);
    auto materials = make_encryption_materials(service_, {"k1"}, {});
    StreamEncryptor encryptor(materials, {14});
    stream_ = run_stream(encryptor, plaintext_);
  }
  StreamRangeReader open(const std::vector<std::uint8_t>& stream) {
    return StreamRangeReader(service_, {}, stream.size(),
                             [&stream, this](std::uint64_t offset, std::span<std::uint8_t> out) {
                               reads_ += out.size();
                               ASSERT_LE(offset + out.size(), stream.size());
                               std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(offset),
                                           out.size(), out.begin());
                             });
  }
  FakeKeyService service_;
  std::vector<std::uint8_t> plaintext_;
  std::vector<std::uint8_t> stream_;
  std::size_t reads_ = 0;
};

TEST_F(RangeReaderTest, RangesMatchThePlaintext) {
  auto reader = open(stream_);
  EXPECT_EQ(reader.plaintext_size(), plaintext_.size());
  for (auto [offset, length] :
       std::vector<std::pair<std::size_t, std::size_t>>{{0, 0},
                                                        {0, 10},
                                                        {kSegment - 3, 7},
                                                        {2 * kSegment, kSegment},
                                                        {100, 3 * kSegment},
                                                        {5 * kSegment, 321},
                                                        {0, 5 * kSegment + 321}}) {
    std::vector<std::uint8_t> out(length);
    reader.read(offset, out);
    EXPECT_TRUE(std::equal(out.begin(), out.end(),
                           plaintext_.begin() + static_cast<std::ptrdiff_t>(offset)))
        << offset;
  }
  std::vector<std::uint8_t> one(1);
  EXPECT_THAT([&] { reader.read(plaintext_.size(), one); },
              ThrowsError(ErrorCode::kValidation, ::testing::HasSubstr("past the end")));
}

TEST_F(RangeReaderTest, ReadsOnlyTheSegmentsOfTheRange) {
  auto reader = open(stream_);
  reads_ = 0;
  std::vector<std::uint8_t> out(100);
  reader.read(3 * kSegment + 5, out);
  EXPECT_EQ(reads_, kSegment + 16);
}

TEST_F(RangeReaderTest, DamageCountsOnlyInsideTheRange) {
  const std::size_t header = parse_header(stream_)->size;
  auto damaged = stream_;
  damaged[header + 2 * (kSegment + 16) + 9] ^= 1;  // segment 2
  auto reader = open(damaged);
  std::vector<std::uint8_t> out(kSegment);
  EXPECT_NO_THROW(reader.read(0, out));
  EXPECT_THAT([&] { reader.read(2 * kSegment, out); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](auto b) { return b == 0; }));
}

TEST_F(RangeReaderTest, TruncatedOrExtendedStreamsDoNotOpen) {
  const std::size_t header = parse_header(stream_)->size;
  auto at_boundary = stream_;
  at_boundary.resize(header + 5 * (kSegment + 16));  // final segment dropped
  EXPECT_THAT([&] { open(at_boundary); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  auto shorter = stream_;
  shorter.resize(stream_.size() - 1);
  EXPECT_THAT([&] { open(shorter); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  auto longer = stream_;
  longer.push_back(0);
  EXPECT_THAT([&] { open(longer); }, ThrowsError(ErrorCode::kInvalidCiphertext));
}

}  // namespace
}  // namespace coffer::testing
