#include "core/format/ciphertext_format.h"

#include <algorithm>

#include <boost/endian/conversion.hpp>

#include "common/byte_reader.h"
#include "common/error.h"

namespace coffer::core {
namespace {

constexpr std::uint8_t kMagic[] = {'C', 'F', 'R'};

[[noreturn]] void malformed(const char* why) {
  throw Error(ErrorCode::kInvalidCiphertext, std::string("The ciphertext is invalid: ") + why);
}

bool valid_key_id_char(std::uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

}  // namespace

pkcs11::Bytes encode_header(const CiphertextHeader& header) {
  if (header.key_id.empty() || header.key_id.size() > 255) {
    throw Error(ErrorCode::kInternal, "key id does not fit the ciphertext header");
  }
  // Sized once and written by index (GCC 12 misreads growing inserts at -O2).
  const std::size_t id_size = header.key_id.size();
  pkcs11::Bytes out(sizeof kMagic + 2 + id_size + 4);
  std::copy(std::begin(kMagic), std::end(kMagic), out.begin());
  out[3] = kCiphertextFormatV1;
  out[4] = static_cast<std::uint8_t>(id_size);
  std::copy(header.key_id.begin(), header.key_id.end(), out.begin() + 5);
  boost::endian::store_big_u32(out.data() + 5 + id_size, header.key_version);
  return out;
}

pkcs11::Bytes assemble_blob(std::span<const std::uint8_t> header, std::span<const std::uint8_t> iv,
                            std::span<const std::uint8_t> sealed) {
  pkcs11::Bytes out;
  out.reserve(header.size() + iv.size() + sealed.size());
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), iv.begin(), iv.end());
  out.insert(out.end(), sealed.begin(), sealed.end());
  return out;
}

ParsedCiphertext parse_blob(std::span<const std::uint8_t> blob) {
  if (blob.size() > kMaxCiphertextBlob) malformed("longer than 6144 bytes");
  ByteReader in(blob);
  std::span<const std::uint8_t> magic;
  std::uint8_t format = 0;
  std::uint8_t id_length = 0;
  if (!in.read_bytes(sizeof kMagic, magic) || !in.read_u8(format) || !in.read_u8(id_length))
    malformed("too short");
  if (!std::equal(magic.begin(), magic.end(), std::begin(kMagic)))
    malformed("not a Coffer ciphertext");
  if (format != kCiphertextFormatV1) malformed("unknown format version");
  if (id_length == 0) malformed("empty key id");
  // Every length is checked before any field is: a short blob is "too short", whatever it holds.
  ParsedCiphertext parsed;
  std::span<const std::uint8_t> id;
  if (!in.read_bytes(id_length, id) || !in.read_u32(parsed.header.key_version))
    malformed("too short");
  parsed.header_bytes = in.consumed();
  if (!in.read_bytes(kGcmIvSize, parsed.iv) || in.remaining() < kGcmTagSize ||
      !in.read_bytes(in.remaining(), parsed.sealed))
    malformed("too short");
  for (std::uint8_t c : id)
    if (!valid_key_id_char(c)) malformed("bad key id");
  parsed.header.key_id.assign(id.begin(), id.end());
  if (parsed.header.key_version == 0) malformed("bad key version");
  return parsed;
}

std::string_view key_id_in_header(std::span<const std::uint8_t> blob) noexcept {
  constexpr std::size_t kIdAt = sizeof kMagic + 2;
  if (blob.size() < kIdAt || !std::equal(std::begin(kMagic), std::end(kMagic), blob.begin()) ||
      blob[sizeof kMagic] != kCiphertextFormatV1)
    return {};
  const std::size_t length = blob[sizeof kMagic + 1];
  if (length == 0 || blob.size() < kIdAt + length) return {};
  const auto id = blob.subspan(kIdAt, length);
  for (std::uint8_t c : id)
    if (!valid_key_id_char(c)) return {};
  return {reinterpret_cast<const char*>(id.data()), id.size()};
}

pkcs11::Bytes additional_data(std::span<const std::uint8_t> header_bytes,
                              const EncryptionContext& context) {
  pkcs11::Bytes aad(header_bytes.begin(), header_bytes.end());
  append_canonical(context, aad);
  return aad;
}

}  // namespace coffer::core
