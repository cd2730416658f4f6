// ByteReader and ByteWriter: every read at the exact end, one past it, on empty input;
// failure is sticky and consumes nothing; integers are big-endian.
#include "common/byte_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "common/byte_writer.h"

namespace coffer::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

// One read of each width, so the end-of-input cases run over all of them.
struct Read {
  const char* name;
  std::size_t width;
  bool (*read)(ByteReader&);
};

const Read kReads[] = {
    {"u8", 1,
     [](ByteReader& in) {
       std::uint8_t v = 0;
       return in.read_u8(v);
     }},
    {"u16", 2,
     [](ByteReader& in) {
       std::uint16_t v = 0;
       return in.read_u16(v);
     }},
    {"u32", 4,
     [](ByteReader& in) {
       std::uint32_t v = 0;
       return in.read_u32(v);
     }},
    {"u64", 8,
     [](ByteReader& in) {
       std::uint64_t v = 0;
       return in.read_u64(v);
     }},
    {"bytes(3)", 3,
     [](ByteReader& in) {
       std::span<const std::uint8_t> v;
       return in.read_bytes(3, v);
     }},
    {"skip(5)", 5, [](ByteReader& in) { return in.skip(5); }},
};

TEST(ByteReaderTest, EveryReadSucceedsAtTheExactEnd) {
  for (const auto& read : kReads) {
    const Bytes bytes(read.width, 0x5A);
    ByteReader in(bytes);
    EXPECT_TRUE(read.read(in)) << read.name;
    EXPECT_TRUE(in.empty()) << read.name;
    EXPECT_EQ(in.position(), read.width) << read.name;
    EXPECT_FALSE(in.failed()) << read.name;
    std::uint8_t past = 0;
    EXPECT_FALSE(in.read_u8(past)) << read.name;
  }
}

TEST(ByteReaderTest, EveryReadFailsOnePastTheEndAndConsumesNothing) {
  for (const auto& read : kReads) {
    const Bytes bytes(read.width - 1, 0x5A);
    ByteReader in(bytes);
    EXPECT_FALSE(read.read(in)) << read.name;
    EXPECT_TRUE(in.failed()) << read.name;
    EXPECT_EQ(in.position(), 0u) << read.name;
    EXPECT_EQ(in.remaining(), read.width - 1) << read.name;
  }
}

TEST(ByteReaderTest, EveryReadFailsOnEmptyInput) {
  for (const auto& read : kReads) {
    ByteReader in(std::span<const std::uint8_t>{});
    EXPECT_TRUE(in.empty());
    EXPECT_FALSE(read.read(in)) << read.name;
    EXPECT_TRUE(in.failed()) << read.name;
  }
  ByteReader in(std::span<const std::uint8_t>{});
  std::span<const std::uint8_t> none;
  EXPECT_TRUE(in.read_bytes(0, none));  // nothing asked, nothing missing
  EXPECT_TRUE(in.skip(0));
  EXPECT_FALSE(in.failed());
}

TEST(ByteReaderTest, AFailedReadLeavesItsOutputUntouched) {
  const Bytes bytes{1, 2, 3};
  ByteReader in(bytes);
  std::uint32_t value = 0xDEADBEEF;
  EXPECT_FALSE(in.read_u32(value));
  EXPECT_EQ(value, 0xDEADBEEFu);
  std::span<const std::uint8_t> span(bytes);
  EXPECT_FALSE(in.read_bytes(4, span));
  EXPECT_EQ(span.data(), bytes.data());
  EXPECT_EQ(span.size(), 3u);
}

TEST(ByteReaderTest, FailureIsSticky) {
  const Bytes bytes{1, 2, 3};
  ByteReader in(bytes);
  std::uint32_t wide = 0;
  ASSERT_FALSE(in.read_u32(wide));
  // Three bytes are still there, but a parser that ignored the failure gets none of them.
  std::uint8_t narrow = 0;
  EXPECT_FALSE(in.read_u8(narrow));
  EXPECT_EQ(narrow, 0);
  std::span<const std::uint8_t> none;
  EXPECT_FALSE(in.read_bytes(0, none));
  EXPECT_FALSE(in.skip(0));
  EXPECT_TRUE(in.failed());
  EXPECT_EQ(in.position(), 0u);
}

TEST(ByteReaderTest, HugeLengthsFailWithoutWrappingAround) {
  const Bytes bytes{1, 2, 3, 4};
  ByteReader in(bytes);
  ASSERT_TRUE(in.skip(1));
  EXPECT_FALSE(in.skip(std::numeric_limits<std::size_t>::max()));
  EXPECT_TRUE(in.failed());
  EXPECT_EQ(in.position(), 1u);
}

TEST(ByteReaderTest, IntegersAreBigEndian) {
  const Bytes bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                    0x0C, 0x0D, 0x0E, 0x0F, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6};
  ByteReader in(bytes);
  std::uint64_t u64 = 0;
  std::uint32_t u32 = 0;
  std::uint16_t u16 = 0;
  std::uint8_t u8 = 0;
  ASSERT_TRUE(in.read_u64(u64));
  ASSERT_TRUE(in.read_u32(u32));
  ASSERT_TRUE(in.read_u16(u16));
  ASSERT_TRUE(in.read_u8(u8));
  EXPECT_EQ(u64, 0x0102030405060708u);
  EXPECT_EQ(u32, 0x090A0B0Cu);
  EXPECT_EQ(u16, 0x0D0Eu);
  EXPECT_EQ(u8, 0x0Fu);
  // High bits set: no sign extension anywhere.
  ASSERT_TRUE(in.read_u32(u32));
  EXPECT_EQ(u32, 0xF0F1F2F3u);
  ASSERT_TRUE(in.read_u16(u16));
  EXPECT_EQ(u16, 0xF4F5u);
  EXPECT_EQ(in.remaining(), 1u);
}

TEST(ByteReaderTest, ReadBytesPointsIntoTheInputAndConsumedCoversWhatWasRead) {
  const Bytes bytes{9, 8, 7, 6, 5};
  ByteReader in(bytes);
  ASSERT_TRUE(in.skip(1));
  std::span<const std::uint8_t> middle;
  ASSERT_TRUE(in.read_bytes(3, middle));
  EXPECT_EQ(middle.data(), bytes.data() + 1);
  EXPECT_EQ(Bytes(middle.begin(), middle.end()), (Bytes{8, 7, 6}));
  EXPECT_EQ(in.consumed().data(), bytes.data());
  EXPECT_EQ(in.consumed().size(), 4u);
  EXPECT_EQ(in.remaining(), 1u);
}

TEST(ByteWriterTest, WritesBigEndianThatTheReaderReadsBack) {
  Bytes out{0xAA};  // appends after what is already there
  ByteWriter writer(out);
  writer.write_u8(0x01);
  writer.write_u16(0x0203);
  writer.write_u32(0x04050607);
  writer.write_u64(0x08090A0B0C0D0E0F);
  writer.write_bytes(Bytes{0x10, 0x11});
  writer.write_bytes(std::string_view("AB"));
  EXPECT_EQ(out, (Bytes{0xAA, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                        0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 'A',  'B'}));
  ByteReader in(out);
  std::uint8_t u8 = 0;
  std::uint16_t u16 = 0;
  std::uint32_t u32 = 0;
  std::uint64_t u64 = 0;
  ASSERT_TRUE(in.skip(1) && in.read_u8(u8) && in.read_u16(u16) && in.read_u32(u32) &&
              in.read_u64(u64));
  EXPECT_EQ(u8, 0x01u);
  EXPECT_EQ(u16, 0x0203u);
  EXPECT_EQ(u32, 0x04050607u);
  EXPECT_EQ(u64, 0x08090A0B0C0D0E0Fu);
}

}  // namespace
}  // namespace coffer::testing
