// The envelope stream (docs/FORMAT.md, "Envelope stream, version 1") against an in-memory
// key service: round trips at every size that matters, pieces of any size, several keys,
// and every way a stream can be misused: altered, truncated, reordered, duplicated,
// extended, wrong key or context. A failing stream never releases an unverified segment.
#include <gtest/gtest.h>

#include "core/envelope/parallel_body.h"
#include "tests/envelope/fake_key_service.h"
#include "tests/envelope/stream_test_util.h"
#include "tests/support/error_matchers.h"
#include "tests/support/token_fixture.h"

namespace coffer::testing {
namespace {

using namespace core::envelope;

constexpr unsigned kShift = 14;  // 16 KiB segments keep the tests small
constexpr std::size_t kSegment = std::size_t{1} << kShift;

class StreamTest : public ::testing::Test {
 protected:
  std::vector<std::uint8_t> encrypt(std::span<const std::uint8_t> plaintext,
                                    std::vector<std::string> keys = {"k1"},
                                    core::EncryptionContext context = {{"app", "test"}},
                                    std::size_t piece = 0) {
    auto materials = make_encryption_materials(service_, keys, context);
    StreamEncryptor encryptor(materials, {kShift});
    return run_stream(encryptor, plaintext, piece);
  }
  std::vector<std::uint8_t> decrypt(std::span<const std::uint8_t> stream,
                                    DecryptOptions options = {}, std::size_t piece = 0) {
    StreamDecryptor decryptor(service_, std::move(options));
    return run_stream(decryptor, stream, piece);
  }
  // Decrypts and expects InvalidCiphertextException; returns what was released before.
  std::vector<std::uint8_t> expect_invalid(std::span<const std::uint8_t> stream) {
    StreamDecryptor decryptor(service_);
    std::vector<std::uint8_t> released;
    auto sink = [&](std::span<const std::uint8_t> b) {
      released.insert(released.end(), b.begin(), b.end());
    };
    EXPECT_THAT(
        [&] {
          decryptor.update(stream, sink);
          decryptor.finish(sink);
        },
        ThrowsError(ErrorCode::kInvalidCiphertext));
    // Sticky: it keeps failing.
    EXPECT_THAT([&] { decryptor.finish(sink); }, ThrowsError(ErrorCode::kInvalidCiphertext));
    return released;
  }
  static std::size_t header_size(std::span<const std::uint8_t> stream) {
    return parse_header(stream)->size;
  }

  FakeKeyService service_;
};

TEST_F(StreamTest, RoundTripsAtSegmentBoundaries) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kSegment - 1, kSegment, kSegment + 1,
                           3 * kSegment, 3 * kSegment + 77}) {
    auto plaintext = pattern(size, static_cast<std::uint32_t>(size));
    auto stream = encrypt(plaintext);
    EXPECT_EQ(stream.size() - header_size(stream), sealed_body_size(size, kSegment)) << size;
    EXPECT_EQ(decrypt(stream), plaintext) << size;
  }
}

TEST_F(StreamTest, AnyPieceSizeGivesTheSameResult) {
  auto plaintext = pattern(2 * kSegment + 1000);
  auto stream = encrypt(plaintext, {"k1"}, {}, 777);
  for (std::size_t piece :
       {std::size_t{1}, std::size_t{13}, kSegment + kTagSize, std::size_t{100000}})
    EXPECT_EQ(decrypt(stream, {}, piece), plaintext) << piece;
}

TEST_F(StreamTest, HeaderCarriesEveryKeyAndTheContext) {
  auto stream = encrypt(pattern(10), {"us-east-1-key", "eu-west-1-key"}, {{"b", "2"}, {"a", "1"}});
  auto parsed = parse_header(stream);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->fields.encrypted_keys.size(), 2u);
  EXPECT_EQ(parsed->fields.context, (core::EncryptionContext{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(parsed->segment_size(), kSegment);
  EXPECT_EQ(service_.generate_calls, 1);  // one data key...
  EXPECT_EQ(service_.encrypt_calls, 1);   // ...sealed once more for the second region
}

TEST_F(StreamTest, OpensWithAnyOneOfItsKeys) {
  auto plaintext = pattern(5000);
  auto stream = encrypt(plaintext, {"k1", "k2"});
  service_.unavailable = {"k1"};  // as in the second region
  EXPECT_EQ(decrypt(stream), plaintext);
  DecryptOptions only_k2{{"k2"}, {}};
  EXPECT_EQ(decrypt(stream, only_k2), plaintext);
  service_.unavailable = {"k1", "k2"};
  // When no encrypted data key opens, the key service's last error is the answer.
  EXPECT_THAT([&] { decrypt(stream); }, ThrowsError(ErrorCode::kNotFound));
  service_.unavailable = {};
  DecryptOptions other{{"k3"}, {}};
  EXPECT_THAT([&] { decrypt(stream, other); }, ThrowsError(ErrorCode::kIncorrectKey));
}

TEST_F(StreamTest, RequiredContextMustMatch) {
  auto stream = encrypt(pattern(100), {"k1"}, {{"app", "x"}, {"tenant", "7"}});
  EXPECT_NO_THROW(decrypt(stream, {{}, {{"tenant", "7"}}}));
  EXPECT_THAT(
      [&] {
        decrypt(stream, {{}, {{"tenant", "8"}}});
      },
      ThrowsError(ErrorCode::kInvalidCiphertext));
}

TEST_F(StreamTest, EveryAlteredByteFails) {
  auto plaintext = pattern(kSegment + 100);
  auto stream = encrypt(plaintext);
  const std::size_t header = header_size(stream);
  // Every header byte and a sample of body bytes (each segment's start, middle and tag).
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < header; ++i) positions.push_back(i);
  for (std::size_t i : {header, header + 500, header + kSegment, header + kSegment + 15,
                        stream.size() - 1, stream.size() - 17})
    positions.push_back(i);
  for (std::size_t i : positions) {
    auto bad = stream;
    bad[i] ^= 0x01;
    EXPECT_THAT([&] { decrypt(bad); }, ThrowsError(ErrorCode::kInvalidCiphertext))
        << "byte " << i << " altered";
  }
}

TEST_F(StreamTest, NothingOfAFailingSegmentIsReleased) {
  auto plaintext = pattern(3 * kSegment + 10);
  auto stream = encrypt(plaintext);
  const std::size_t header = header_size(stream);
  auto bad = stream;
  bad[header + 2 * (kSegment + kTagSize) + 5] ^= 0x80;  // third segment
  auto released = expect_invalid(bad);
  // The two good segments before it may come out, nothing after.
  ASSERT_EQ(released.size(), 2 * kSegment);
  EXPECT_TRUE(std::equal(released.begin(), released.end(), plaintext.begin()));
}

TEST_F(StreamTest, TruncationIsDetected) {
  auto plaintext = pattern(2 * kSegment + 5);
  auto stream = encrypt(plaintext);
  const std::size_t header = header_size(stream);
  const std::size_t full = kSegment + kTagSize;
  // At a segment boundary (the short final segment dropped), mid-segment, mid-tag, in the
  // header, and to nothing.
  for (std::size_t keep :
       {header + 2 * full, header + full, header + full + 100, stream.size() - 1,
        stream.size() - kTagSize, header, header - 1, std::size_t{5}, std::size_t{0}}) {
    auto cut = std::span(stream).first(keep);
    StreamDecryptor decryptor(service_);
    auto sink = [](std::span<const std::uint8_t>) {};
    EXPECT_THAT(
        [&] {
          decryptor.update(cut, sink);
          decryptor.finish(sink);
        },
        ThrowsError(ErrorCode::kInvalidCiphertext))
        << keep;
  }
}

TEST_F(StreamTest, MessageEndingOnABoundaryNeedsItsEmptyFinalSegment) {
  auto plaintext = pattern(2 * kSegment);
  auto stream = encrypt(plaintext);
  EXPECT_EQ(stream.size(), header_size(stream) + 2 * (kSegment + kTagSize) + kTagSize);
  stream.resize(stream.size() - kTagSize);  // drop the empty final segment
  expect_invalid(stream);
}

TEST_F(StreamTest, ReorderedAndDuplicatedSegmentsFail) {
  auto stream = encrypt(pattern(3 * kSegment + 9));
  const std::size_t header = header_size(stream);
  const std::size_t full = kSegment + kTagSize;
  auto segment = [&](std::size_t i) {
    return std::vector<std::uint8_t>(
        stream.begin() + header + i * full,
        stream.begin() + std::min(stream.size(), header + (i + 1) * full));
  };
  auto assemble = [&](std::initializer_list<std::size_t> order) {
    std::vector<std::uint8_t> out(stream.begin(), stream.begin() + header);
    for (auto i : order) {
      auto s = segment(i);
      out.insert(out.end(), s.begin(), s.end());
    }
    return out;
  };
  EXPECT_EQ(decrypt(assemble({0, 1, 2, 3})), pattern(3 * kSegment + 9));
  expect_invalid(assemble({1, 0, 2, 3}));     // swapped
  expect_invalid(assemble({0, 0, 1, 2, 3}));  // duplicated
  expect_invalid(assemble({0, 1, 3}));        // one dropped from the middle
  expect_invalid(assemble({0, 1, 2, 3, 3}));  // final segment twice
}

TEST_F(StreamTest, TrailingDataFails) {
  auto plaintext = pattern(kSegment + 3);
  auto stream = encrypt(plaintext);
  for (std::size_t extra : {std::size_t{1}, std::size_t{16}, kSegment + kTagSize, 2 * kSegment}) {
    auto longer = stream;
    auto junk = pattern(extra, 99);
    longer.insert(longer.end(), junk.begin(), junk.end());
    expect_invalid(longer);
  }
  // A valid segment of another stream of the same key appended: fails too.
  auto other = encrypt(pattern(10));
  auto spliced = stream;
  spliced.insert(spliced.end(), other.end() - 26, other.end());
  expect_invalid(spliced);
}

TEST_F(StreamTest, BytesAfterFinishAreRefused) {
  auto stream = encrypt(pattern(100));
  StreamDecryptor decryptor(service_);
  auto sink = [](std::span<const std::uint8_t>) {};
  decryptor.update(stream, sink);
  decryptor.finish(sink);
  const std::uint8_t more[1] = {0};
  EXPECT_THAT([&] { decryptor.update(more, sink); }, ThrowsError(ErrorCode::kInvalidCiphertext));
}

TEST_F(StreamTest, SegmentsFromAnotherStreamFail) {
  // Same data key would still differ by salt; here also different keys.
  auto a = encrypt(pattern(2 * kSegment + 1, 1));
  auto b = encrypt(pattern(2 * kSegment + 1, 2));
  const std::size_t ha = header_size(a), hb = header_size(b);
  auto mixed = a;
  std::copy(b.begin() + hb, b.begin() + hb + kSegment + kTagSize, mixed.begin() + ha);
  expect_invalid(mixed);
}

TEST_F(StreamTest, ParallelSealingMatchesStreaming) {
  auto materials = make_encryption_materials(service_, {"k1"}, {});
  std::array<std::uint8_t, kSaltSize> salt{};
  salt[0] = 7;
  auto plaintext = pattern(40 * kSegment + 123);
  StreamEncryptor streaming(materials, {kShift}, salt);
  auto expected = run_stream(streaming, plaintext, 5000);

  StreamEncryptor parallel(materials, {kShift}, salt);
  WorkerPool pool(3);
  std::vector<std::uint8_t> body(sealed_body_size(plaintext.size(), kSegment));
  seal_segments(parallel.cipher(), pool, 0, plaintext, true, body);
  std::vector<std::uint8_t> stream(parallel.header().begin(), parallel.header().end());
  stream.insert(stream.end(), body.begin(), body.end());
  EXPECT_EQ(stream, expected);

  // And opening in parallel, in two batches, as the CLI does.
  auto parsed = parse_header(stream);
  auto cipher = open_header(*parsed, materials.data_key);
  const std::size_t first = 16 * (kSegment + kTagSize);
  std::vector<std::uint8_t> out(plaintext.size());
  open_segments(*cipher, pool, 0, std::span(body).first(first), false,
                std::span(out).first(16 * kSegment));
  open_segments(*cipher, pool, 16, std::span(body).subspan(first), true,
                std::span(out).subspan(16 * kSegment));
  EXPECT_EQ(out, plaintext);

  body[first + 3] ^= 1;
  std::vector<std::uint8_t> wiped(out.size() - 16 * kSegment, 0xAA);
  EXPECT_THAT(
      [&] { open_segments(*cipher, pool, 16, std::span(body).subspan(first), true, wiped); },
      ThrowsError(ErrorCode::kInvalidCiphertext));
  EXPECT_TRUE(std::all_of(wiped.begin(), wiped.end(), [](auto b) { return b == 0; }));
}

TEST_F(StreamTest, SegmentSizeIsConfigurable) {
  for (unsigned shift : {14u, 16u, 20u}) {
    auto materials = make_encryption_materials(service_, {"k1"}, {});
    StreamEncryptor encryptor(materials, {shift});
    auto plaintext = pattern((std::size_t{1} << shift) + 5);
    auto stream = run_stream(encryptor, plaintext);
    EXPECT_EQ(parse_header(stream)->segment_size(), std::size_t{1} << shift);
    EXPECT_EQ(decrypt(stream), plaintext);
  }
  auto materials = make_encryption_materials(service_, {"k1"}, {});
  EXPECT_THAT([&] { StreamEncryptor(materials, {13}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { StreamEncryptor(materials, {25}); }, ThrowsError(ErrorCode::kValidation));
}

TEST_F(StreamTest, SizesOfSealedBodies) {
  EXPECT_EQ(sealed_body_size(0, kSegment), kTagSize);
  EXPECT_EQ(sealed_body_size(kSegment, kSegment), kSegment + 2 * kTagSize);
  EXPECT_EQ(plaintext_size_of(kTagSize, kSegment), 0u);
  EXPECT_EQ(plaintext_size_of(kSegment + kTagSize, kSegment),
            std::nullopt);  // no short final segment
  EXPECT_EQ(plaintext_size_of(kSegment + kTagSize + 15, kSegment), std::nullopt);
  EXPECT_EQ(plaintext_size_of(kSegment + 2 * kTagSize + 1, kSegment), kSegment + 1);
}

}  // namespace
}  // namespace coffer::testing
