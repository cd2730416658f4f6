#include "core/envelope/stream_header.h"

#include <string>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "common/error.h"

namespace coffer::core::envelope {
namespace {

constexpr std::uint8_t kMagic[] = {'C', 'F', 'E'};

[[noreturn]] void malformed(const char* why) {
  throw Error(ErrorCode::kInvalidCiphertext, std::string("The envelope header is invalid: ") + why);
}

}  // namespace

Bytes encode_prefix(const HeaderFields& fields) {
  if (fields.encrypted_keys.empty() || fields.encrypted_keys.size() > kMaxEncryptedKeys)
    throw Error(ErrorCode::kValidation, "an envelope carries 1 to 16 encrypted data keys");
  Bytes out(std::begin(kMagic), std::end(kMagic));  // not a growing insert: GCC 12 misreads it
  ByteWriter writer(out);
  writer.write_u8(kEnvelopeFormatV1);
  writer.write_u8(static_cast<std::uint8_t>(fields.kind));
  writer.write_u8(
      static_cast<std::uint8_t>(fields.kind == EnvelopeKind::kStream ? fields.segment_shift : 0));
  writer.write_u8(static_cast<std::uint8_t>(fields.encrypted_keys.size()));
  for (const auto& key : fields.encrypted_keys) {
    if (key.empty() || key.size() > kMaxEncryptedKeySize)
      throw Error(ErrorCode::kInternal, "encrypted data key does not fit the envelope header");
    writer.write_u16(static_cast<std::uint16_t>(key.size()));
    writer.write_bytes(key);
  }
  Bytes context;
  append_canonical(fields.context, context);
  if (context.size() > kMaxContextEncoding)
    throw Error(ErrorCode::kValidation, "encryption context too large");
  writer.write_u32(static_cast<std::uint32_t>(context.size()));
  writer.write_bytes(context);
  return out;
}

std::optional<ParsedHeader> parse_header(std::span<const std::uint8_t> bytes) {
  ByteReader in(bytes);
  // A failed read means the bytes ran out: for a header still arriving that is "read more",
  // not an error. Each check first rejects what can never become valid, then asks for more.
  for (std::uint8_t expected : kMagic) {
    std::uint8_t byte = 0;
    if (!in.read_u8(byte)) return std::nullopt;
    if (byte != expected) malformed("not a Coffer envelope");
  }
  std::uint8_t version = 0;
  if (!in.read_u8(version)) return std::nullopt;
  if (version != kEnvelopeFormatV1) malformed("unknown format version");
  std::uint8_t kind = 0;
  std::uint8_t segment_shift = 0;
  std::uint8_t count = 0;
  if (!in.read_u8(kind) || !in.read_u8(segment_shift) || !in.read_u8(count)) return std::nullopt;
  ParsedHeader parsed;
  if (kind != 0x01 && kind != 0x02) malformed("unknown envelope kind");
  parsed.fields.kind = static_cast<EnvelopeKind>(kind);
  parsed.fields.segment_shift = segment_shift;
  if (parsed.fields.kind == EnvelopeKind::kStream) {
    if (parsed.fields.segment_shift < kMinSegmentShift ||
        parsed.fields.segment_shift > kMaxSegmentShift)
      malformed("segment size out of range");
  } else if (parsed.fields.segment_shift != 0) {
    malformed("a record has no segment size");
  }
  if (count == 0 || count > kMaxEncryptedKeys) malformed("1 to 16 encrypted data keys");
  for (std::size_t i = 0; i < count; ++i) {
    std::uint16_t size = 0;
    if (!in.read_u16(size)) return std::nullopt;
    if (size == 0 || size > kMaxEncryptedKeySize) malformed("encrypted data key length");
    std::span<const std::uint8_t> key;
    if (!in.read_bytes(size, key)) return std::nullopt;
    parsed.fields.encrypted_keys.emplace_back(key.begin(), key.end());
  }
  std::uint32_t context_size = 0;
  if (!in.read_u32(context_size)) return std::nullopt;
  if (context_size < 4 || context_size > kMaxContextEncoding)
    malformed("encryption context length");
  std::span<const std::uint8_t> context;
  if (!in.read_bytes(context_size, context)) return std::nullopt;
  parsed.fields.context = decode_canonical_context(context);
  parsed.prefix = in.consumed();
  if (!in.read_bytes(kSaltSize, parsed.salt) || !in.read_bytes(kCommitmentSize, parsed.commitment))
    return std::nullopt;
  parsed.size = in.position();
  return parsed;
}

EncryptionContext decode_canonical_context(std::span<const std::uint8_t> bytes) {
  ByteReader in(bytes);
  std::uint32_t count = 0;
  if (!in.read_u32(count)) malformed("encryption context");
  if (count > bytes.size() / 8) malformed("encryption context count");  // each pair needs 8 bytes
  EncryptionContext context;
  std::string previous;
  for (std::size_t i = 0; i < count; ++i) {
    std::string pair[2];
    for (auto& s : pair) {
      std::uint32_t size = 0;
      std::span<const std::uint8_t> b;
      if (!in.read_u32(size) || !in.read_bytes(size, b)) malformed("encryption context");
      s.assign(b.begin(), b.end());
    }
    // Canonical order is unsigned byte order; std::string compares chars as unsigned too.
    if (pair[0].empty() || (i > 0 && !(previous < pair[0]))) malformed("encryption context order");
    previous = pair[0];
    context.emplace(std::move(pair[0]), std::move(pair[1]));
  }
  if (!in.empty()) malformed("encryption context has trailing bytes");
  return context;
}

}  // namespace coffer::core::envelope
