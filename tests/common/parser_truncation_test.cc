// Every binary parser over every truncation of a valid encoding: each prefix shorter than
// the whole is refused the way that parser refuses (a typed InvalidCiphertextException, or
// "read more" where the bytes arrive incrementally), the whole is accepted, and nothing
// reads outside its input (this runs under AddressSanitizer).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "coffer/v1/frame.pb.h"
#include "common/error.h"
#include "core/envelope/record.h"
#include "core/envelope/stream_header.h"
#include "core/format/ciphertext_format.h"
#include "core/model/encryption_context.h"
#include "proto/frame_codec.h"
#include "tests/envelope/fake_key_service.h"

namespace coffer::testing {
namespace {

using core::Bytes;
using Input = std::span<const std::uint8_t>;

enum class Outcome { kAccepted, kNeedMore, kInvalidCiphertext, kOtherError };

std::ostream& operator<<(std::ostream& out, Outcome outcome) {
  const char* names[] = {"accepted", "need more", "InvalidCiphertext", "other error"};
  return out << names[static_cast<int>(outcome)];
}

// Runs a parser and names what it did; any other exception escapes and fails the test.
Outcome outcome_of(const std::function<Outcome(Input)>& parse, Input bytes) {
  try {
    return parse(bytes);
  } catch (const Error& e) {
    return e.code() == ErrorCode::kInvalidCiphertext ? Outcome::kInvalidCiphertext
                                                     : Outcome::kOtherError;
  }
}

struct Format {
  std::string name;
  std::function<Bytes()> encode;  // a valid encoding
  std::function<Outcome(Input)> parse;
  Outcome truncated;  // how the parser refuses every proper prefix
};

const core::EncryptionContext kContext{{"app", "x"}, {"z", ""}};

Bytes envelope_header() {
  core::envelope::HeaderFields fields{
      core::envelope::EnvelopeKind::kStream, 16, {Bytes(40, 0xAB), Bytes(3, 0x01)}, kContext};
  auto out = core::envelope::encode_prefix(fields);
  out.resize(out.size() + core::envelope::kSaltSize + core::envelope::kCommitmentSize, 0x5C);
  return out;
}

// The service must outlive the sealed record's opening: one for the whole test program.
FakeKeyService& key_service() {
  static FakeKeyService service;
  return service;
}

std::vector<Format> formats() {
  return {
      {"CiphertextBlob",
       // Empty plaintext: the ciphertext length is implicit in the blob, so only the
       // smallest blob makes every truncation structural (longer ones fail the GCM tag).
       [] {
         return core::assemble_blob(core::encode_header({"key-1", 7}), Bytes(core::kGcmIvSize, 1),
                                    Bytes(core::kGcmTagSize, 2));
       },
       [](Input bytes) {
         auto parsed = core::parse_blob(bytes);
         return parsed.sealed.size() == core::kGcmTagSize ? Outcome::kAccepted
                                                          : Outcome::kOtherError;
       },
       Outcome::kInvalidCiphertext},
      {"EnvelopeStreamHeader", envelope_header,
       [](Input bytes) {
         auto parsed = core::envelope::parse_header(bytes);
         if (!parsed) return Outcome::kNeedMore;
         return parsed->size == bytes.size() ? Outcome::kAccepted : Outcome::kOtherError;
       },
       Outcome::kNeedMore},
      {"EnvelopeHeaderScan", envelope_header,
       [](Input bytes) {
         auto size = core::envelope::scan_header_size(bytes);
         if (!size) return Outcome::kNeedMore;
         return *size == bytes.size() ? Outcome::kAccepted : Outcome::kOtherError;
       },
       Outcome::kNeedMore},
      {"EnvelopeRecord",
       [] {
         core::envelope::RecordSealer sealer(key_service(), nullptr, {"k1"}, kContext);
         return sealer.seal(Bytes(40, 0x33));
       },
       [](Input bytes) {
         core::envelope::RecordOpener opener(key_service(), nullptr);
         return opener.open(bytes).size() == 40 ? Outcome::kAccepted : Outcome::kOtherError;
       },
       Outcome::kInvalidCiphertext},
      {"RpcFrame",
       [] {
         v1::RequestFrame request;
         request.set_request_id(42);
         request.set_method("Encrypt");
         request.set_payload(std::string(30, 'p'));
         std::string frame;
         proto::append_frame(request, frame);
         return Bytes(frame.begin(), frame.end());
       },
       [](Input bytes) {
         proto::FrameDecoder decoder;
         decoder.feed(bytes.data(), bytes.size());
         std::string body;
         switch (decoder.next(body)) {
           case proto::FrameDecoder::Status::kNeedMore:
             return Outcome::kNeedMore;
           case proto::FrameDecoder::Status::kFrame:
             return body.size() + proto::kFrameHeaderSize == bytes.size() ? Outcome::kAccepted
                                                                          : Outcome::kOtherError;
           default:
             return Outcome::kOtherError;
         }
       },
       Outcome::kNeedMore},
      {"EncryptionContext",
       [] {
         Bytes out;
         core::append_canonical(kContext, out);
         return out;
       },
       [](Input bytes) {
         return core::envelope::decode_canonical_context(bytes) == kContext ? Outcome::kAccepted
                                                                            : Outcome::kOtherError;
       },
       Outcome::kInvalidCiphertext},
  };
}

// Names the parameter in test output (instead of gtest's byte dump).
void PrintTo(const Format& format, std::ostream* out) { *out << format.name; }

class ByteReaderTruncationTest : public ::testing::TestWithParam<Format> {};

TEST_P(ByteReaderTruncationTest, EveryTruncationIsRefusedAndTheWholeIsAccepted) {
  const Format& format = GetParam();
  const Bytes valid = format.encode();
  ASSERT_EQ(outcome_of(format.parse, valid), Outcome::kAccepted);
  for (std::size_t n = 0; n < valid.size(); ++n) {
    // A copy of exactly n bytes, so reading past it is an ASan error, not a silent read.
    const Bytes prefix(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(outcome_of(format.parse, prefix), format.truncated) << n << " of " << valid.size();
  }
}

INSTANTIATE_TEST_SUITE_P(AllFormats, ByteReaderTruncationTest, ::testing::ValuesIn(formats()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace coffer::testing
