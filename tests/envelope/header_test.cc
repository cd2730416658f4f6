// The envelope header parser: what it accepts, what it asks more bytes for, and what it
// rejects (docs/FORMAT.md, "Envelope stream, version 1", decoding rules).
#include <gtest/gtest.h>

#include "common/error.h"
#include "core/envelope/record.h"
#include "core/envelope/stream_header.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

using namespace core::envelope;

core::Bytes sample_header(core::EncryptionContext context = {{"app", "x"}, {"z", ""}}) {
  HeaderFields fields{
      EnvelopeKind::kStream, 16, {core::Bytes(40, 0xAB), core::Bytes(3, 0x01)}, std::move(context)};
  auto out = encode_prefix(fields);
  out.resize(out.size() + kSaltSize + kCommitmentSize, 0x5C);
  return out;
}

// parse_header(bytes) as a callable for ThrowsError.
auto parse(std::span<const std::uint8_t> bytes) {
  return [bytes] { return parse_header(bytes); };
}

TEST(HeaderTest, RoundTrips) {
  auto bytes = sample_header();
  auto parsed = parse_header(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->size, bytes.size());
  EXPECT_EQ(parsed->fields.kind, EnvelopeKind::kStream);
  EXPECT_EQ(parsed->segment_size(), 65536u);
  ASSERT_EQ(parsed->fields.encrypted_keys.size(), 2u);
  EXPECT_EQ(parsed->fields.encrypted_keys[1], core::Bytes(3, 0x01));
  EXPECT_EQ(parsed->fields.context, (core::EncryptionContext{{"app", "x"}, {"z", ""}}));
  EXPECT_EQ(parsed->prefix.size() + kSaltSize + kCommitmentSize, bytes.size());
  EXPECT_EQ(scan_header_size(bytes), bytes.size());
}

TEST(HeaderTest, EveryShortPrefixAsksForMore) {
  auto bytes = sample_header();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(parse_header(std::span(bytes).first(n))) << n;
    EXPECT_FALSE(scan_header_size(std::span(bytes).first(n))) << n;
  }
}

TEST(HeaderTest, RejectsMalformedFields) {
  const auto invalid = ThrowsError(ErrorCode::kInvalidCiphertext);
  auto bytes = sample_header();
  auto with = [&](std::size_t at, std::uint8_t value) {
    auto copy = bytes;
    copy[at] = value;
    return copy;
  };
  EXPECT_THAT(parse(with(0, 'X')), invalid);   // magic
  EXPECT_THAT(parse(with(3, 0x02)), invalid);  // version
  EXPECT_THAT(parse(with(4, 0x03)), invalid);  // kind
  EXPECT_THAT(parse(with(5, 13)), invalid);    // segment 2^13
  EXPECT_THAT(parse(with(5, 25)), invalid);    // segment 2^25
  EXPECT_THAT(parse(with(6, 0)), invalid);     // no keys
  EXPECT_THAT(parse(with(6, 17)), invalid);    // too many keys
  EXPECT_THAT(parse(with(7, 0x18)), invalid);  // key length 6144 + ...
  auto zero_length = with(8, 0);
  zero_length[7] = 0;
  EXPECT_THAT(parse(zero_length), invalid);
  // A record with a segment size.
  auto record = with(4, 0x02);
  EXPECT_THAT(parse(record), invalid);
}

TEST(HeaderTest, ContextMustBeCanonical) {
  core::Bytes good;
  core::append_canonical({{"a", "1"}, {"b", "2"}}, good);
  EXPECT_EQ(decode_canonical_context(good), (core::EncryptionContext{{"a", "1"}, {"b", "2"}}));
  // Same pairs, wrong order.
  core::Bytes swapped = {0, 0,   0, 2, 0, 0, 0,   1, 'b', 0, 0, 0,
                         1, '2', 0, 0, 0, 1, 'a', 0, 0,   0, 1, '1'};
  const auto invalid = ThrowsError(ErrorCode::kInvalidCiphertext);
  EXPECT_THAT([&] { (void)decode_canonical_context(swapped); }, invalid);
  // Duplicate key.
  core::Bytes dup = {0, 0, 0, 2, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 0, 0};
  EXPECT_THAT([&] { (void)decode_canonical_context(dup); }, invalid);
  // Empty key, trailing byte, count larger than the bytes, lengths past the end.
  EXPECT_THAT(
      [&] {
        (void)decode_canonical_context(core::Bytes{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0});
      },
      invalid);
  auto trailing = good;
  trailing.push_back(0);
  EXPECT_THAT([&] { (void)decode_canonical_context(trailing); }, invalid);
  EXPECT_THAT(
      [&] {
        (void)decode_canonical_context(core::Bytes{0xFF, 0xFF, 0xFF, 0xFF});
      },
      invalid);
  EXPECT_THAT(
      [&] {
        (void)decode_canonical_context(core::Bytes{0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF});
      },
      invalid);
  EXPECT_EQ(decode_canonical_context(core::Bytes{0, 0, 0, 0}), core::EncryptionContext{});
}

TEST(HeaderTest, NonAsciiContextKeysSortAsUnsignedBytes) {
  core::EncryptionContext context{{"\xc3\xa9t\xc3\xa9", "1"}, {"zz", "2"}};
  auto bytes = sample_header(context);
  EXPECT_EQ(parse_header(bytes)->fields.context, context);
}

}  // namespace
}  // namespace coffer::testing
