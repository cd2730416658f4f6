#include "core/envelope/stream_header.h"

#include <string>

#include "common/error.h"

namespace coffer::core::envelope {
namespace {

constexpr std::uint8_t kMagic[] = {'C', 'F', 'E'};

[[noreturn]] void malformed(const char* why) {
  throw Error(ErrorCode::kInvalidCiphertext, std::string("The envelope header is invalid: ") + why);
}

void put_u16(Bytes& out, std::size_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put_u32(Bytes& out, std::size_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// A bounds-checked cursor: every read says how much it needs first. `short_input` means
// the bytes ran out, which for a header still arriving is "read more", not an error.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool has(std::size_t n) const { return bytes_.size() - at_ >= n; }
  std::span<const std::uint8_t> take(std::size_t n) {
    auto out = bytes_.subspan(at_, n);
    at_ += n;
    return out;
  }
  std::uint32_t u8() { return take(1)[0]; }
  std::uint32_t u16() {
    auto b = take(2);
    return std::uint32_t{b[0]} << 8 | b[1];
  }
  std::uint32_t u32() {
    auto b = take(4);
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
  }
  std::size_t at() const { return at_; }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

}  // namespace

Bytes encode_prefix(const HeaderFields& fields) {
  if (fields.encrypted_keys.empty() || fields.encrypted_keys.size() > kMaxEncryptedKeys)
    throw Error(ErrorCode::kValidation, "an envelope carries 1 to 16 encrypted data keys");
  Bytes out(kMagic, kMagic + sizeof kMagic);
  out.push_back(kEnvelopeFormatV1);
  out.push_back(static_cast<std::uint8_t>(fields.kind));
  out.push_back(static_cast<std::uint8_t>(fields.kind == EnvelopeKind::kStream ? fields.segment_shift : 0));
  out.push_back(static_cast<std::uint8_t>(fields.encrypted_keys.size()));
  for (const auto& key : fields.encrypted_keys) {
    if (key.empty() || key.size() > kMaxEncryptedKeySize)
      throw Error(ErrorCode::kInternal, "encrypted data key does not fit the envelope header");
    put_u16(out, key.size());
    out.insert(out.end(), key.begin(), key.end());
  }
  Bytes context;
  append_canonical(fields.context, context);
  if (context.size() > kMaxContextEncoding) throw Error(ErrorCode::kValidation, "encryption context too large");
  put_u32(out, context.size());
  out.insert(out.end(), context.begin(), context.end());
  return out;
}

std::optional<ParsedHeader> parse_header(std::span<const std::uint8_t> bytes) {
  Reader in(bytes);
  // Each check below first rejects what can never become valid, then asks for more bytes.
  for (std::size_t i = 0; i < sizeof kMagic; ++i) {
    if (!in.has(1)) return std::nullopt;
    if (in.u8() != kMagic[i]) malformed("not a Coffer envelope");
  }
  if (!in.has(1)) return std::nullopt;
  if (in.u8() != kEnvelopeFormatV1) malformed("unknown format version");
  if (!in.has(3)) return std::nullopt;
  ParsedHeader parsed;
  const auto kind = in.u8();
  if (kind != 0x01 && kind != 0x02) malformed("unknown envelope kind");
  parsed.fields.kind = static_cast<EnvelopeKind>(kind);
  parsed.fields.segment_shift = in.u8();
  if (parsed.fields.kind == EnvelopeKind::kStream) {
    if (parsed.fields.segment_shift < kMinSegmentShift || parsed.fields.segment_shift > kMaxSegmentShift)
      malformed("segment size out of range");
  } else if (parsed.fields.segment_shift != 0) {
    malformed("a record has no segment size");
  }
  const std::size_t count = in.u8();
  if (count == 0 || count > kMaxEncryptedKeys) malformed("1 to 16 encrypted data keys");
  for (std::size_t i = 0; i < count; ++i) {
    if (!in.has(2)) return std::nullopt;
    const std::size_t size = in.u16();
    if (size == 0 || size > kMaxEncryptedKeySize) malformed("encrypted data key length");
    if (!in.has(size)) return std::nullopt;
    auto key = in.take(size);
    parsed.fields.encrypted_keys.emplace_back(key.begin(), key.end());
  }
  if (!in.has(4)) return std::nullopt;
  const std::size_t context_size = in.u32();
  if (context_size < 4 || context_size > kMaxContextEncoding) malformed("encryption context length");
  if (!in.has(context_size)) return std::nullopt;
  parsed.fields.context = decode_canonical_context(in.take(context_size));
  parsed.prefix = bytes.first(in.at());
  if (!in.has(kSaltSize + kCommitmentSize)) return std::nullopt;
  parsed.salt = in.take(kSaltSize);
  parsed.commitment = in.take(kCommitmentSize);
  parsed.size = in.at();
  return parsed;
}

EncryptionContext decode_canonical_context(std::span<const std::uint8_t> bytes) {
  Reader in(bytes);
  if (!in.has(4)) malformed("encryption context");
  const std::size_t count = in.u32();
  if (count > bytes.size() / 8) malformed("encryption context count");  // each pair needs 8 bytes
  EncryptionContext context;
  std::string previous;
  for (std::size_t i = 0; i < count; ++i) {
    std::string pair[2];
    for (auto& s : pair) {
      if (!in.has(4)) malformed("encryption context");
      const std::size_t size = in.u32();
      if (!in.has(size)) malformed("encryption context");
      auto b = in.take(size);
      s.assign(b.begin(), b.end());
    }
    // Canonical order is unsigned byte order; std::string compares chars as unsigned too.
    if (pair[0].empty() || (i > 0 && !(previous < pair[0]))) malformed("encryption context order");
    previous = pair[0];
    context.emplace(std::move(pair[0]), std::move(pair[1]));
  }
  if (!in.done()) malformed("encryption context has trailing bytes");
  return context;
}

}  // namespace coffer::core::envelope
