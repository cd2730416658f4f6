#include "core/format/ciphertext_format.h"

#include <algorithm>

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
  for (std::size_t i = 0; i < 4; ++i) {
    out[5 + id_size + i] = static_cast<std::uint8_t>(header.key_version >> (24 - 8 * i));
  }
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
  // Fixed part: magic(3) version(1) id length(1) ... version(4) iv(12) tag(16).
  if (blob.size() < sizeof kMagic + 2) malformed("too short");
  for (std::size_t i = 0; i < sizeof kMagic; ++i)
    if (blob[i] != kMagic[i]) malformed("not a Coffer ciphertext");
  if (blob[3] != kCiphertextFormatV1) malformed("unknown format version");
  const std::size_t id_length = blob[4];
  if (id_length == 0) malformed("empty key id");
  const std::size_t header_size = 5 + id_length + 4;
  if (blob.size() < header_size + kGcmIvSize + kGcmTagSize) malformed("too short");
  ParsedCiphertext parsed;
  auto id = blob.subspan(5, id_length);
  for (std::uint8_t c : id)
    if (!valid_key_id_char(c)) malformed("bad key id");
  parsed.header.key_id.assign(id.begin(), id.end());
  auto version = blob.subspan(5 + id_length, 4);
  parsed.header.key_version = static_cast<std::uint32_t>(version[0]) << 24 |
                              static_cast<std::uint32_t>(version[1]) << 16 |
                              static_cast<std::uint32_t>(version[2]) << 8 | version[3];
  if (parsed.header.key_version == 0) malformed("bad key version");
  parsed.header_bytes = blob.first(header_size);
  parsed.iv = blob.subspan(header_size, kGcmIvSize);
  parsed.sealed = blob.subspan(header_size + kGcmIvSize);
  return parsed;
}

pkcs11::Bytes additional_data(std::span<const std::uint8_t> header_bytes, const EncryptionContext& context) {
  pkcs11::Bytes aad(header_bytes.begin(), header_bytes.end());
  append_canonical(context, aad);
  return aad;
}

}  // namespace coffer::core
