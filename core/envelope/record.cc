#include "core/envelope/record.h"

#include <boost/endian/conversion.hpp>

#include "common/byte_reader.h"
#include "common/error.h"

namespace coffer::core::envelope {
namespace {

constexpr std::size_t kCounterSize = 8;

[[noreturn]] void invalid(const char* why) {
  throw Error(ErrorCode::kInvalidCiphertext, std::string("The envelope record is invalid: ") + why);
}

}  // namespace

std::optional<std::size_t> scan_header_size(std::span<const std::uint8_t> bytes) {
  ByteReader in(bytes);
  // Magic, version, kind and segment shift are parse_header's to check; only lengths here.
  std::uint8_t count = 0;
  if (!in.skip(6) || !in.read_u8(count)) return std::nullopt;
  if (count == 0 || count > kMaxEncryptedKeys) invalid("1 to 16 encrypted data keys");
  for (std::size_t i = 0; i < count; ++i) {
    std::uint16_t size = 0;
    if (!in.read_u16(size)) return std::nullopt;
    if (size == 0 || size > kMaxEncryptedKeySize) invalid("encrypted data key length");
    if (!in.skip(size)) return std::nullopt;
  }
  std::uint32_t context = 0;
  if (!in.read_u32(context)) return std::nullopt;
  if (context > kMaxContextEncoding) invalid("encryption context length");
  if (!in.skip(context) || !in.skip(kSaltSize + kCommitmentSize)) return std::nullopt;
  return in.position();
}

RecordSealer::RecordSealer(DataKeyService& service, DataKeyCache* cache,
                           std::vector<std::string> keys, EncryptionContext context)
    : service_(service),
      cache_(cache),
      keys_(std::move(keys)),
      context_(std::move(context)),
      cache_key_(DataKeyCache::encryption_key(keys_, context_)) {}

Bytes RecordSealer::seal(std::span<const std::uint8_t> plaintext) {
  Bytes record;
  seal(plaintext, record);
  return record;
}

void RecordSealer::seal(std::span<const std::uint8_t> plaintext, Bytes& record) {
  if (plaintext.size() > kMaxRecordPlaintext)
    throw Error(ErrorCode::kValidation, "a record holds at most 64 KiB; use a stream");
  auto make = [&] { return make_encryption_materials(service_, keys_, context_); };
  std::shared_ptr<EncryptionSession> session =
      cache_ ? cache_->session(cache_key_, plaintext.size(), make)
             : std::make_shared<EncryptionSession>(make());
  const std::uint64_t number = session->next_record.fetch_add(1, std::memory_order_relaxed);
  const auto& header = session->record_header;
  record.resize(header.size() + kCounterSize + plaintext.size() + kTagSize);
  std::copy(header.begin(), header.end(), record.begin());
  std::uint8_t* counter = record.data() + header.size();
  boost::endian::store_big_u64(counter, number);
  session->record_cipher->seal(number, plaintext, counter + kCounterSize);
}

RecordOpener::RecordOpener(DataKeyService& service, DataKeyCache* cache, DecryptOptions options)
    : service_(service), cache_(cache), options_(std::move(options)) {
  options_key_ = DataKeyCache::encryption_key(options_.allowed_keys, options_.required_context);
}

std::shared_ptr<const SegmentCipher> RecordOpener::cipher_for(
    std::span<const std::uint8_t> header) {
  auto make = [&]() -> std::shared_ptr<const SegmentCipher> {
    auto parsed = parse_header(header);
    if (!parsed || parsed->size != header.size()) invalid("header");
    if (parsed->fields.kind != EnvelopeKind::kRecord) invalid("a stream, not a record");
    require_context(parsed->fields.context, options_.required_context);
    const auto data_key = decrypt_data_key(service_, parsed->fields, options_.allowed_keys);
    auto keys = derive_chunked_keys(data_key, parsed->salt, parsed->prefix);
    check_commitment(keys, parsed->commitment);
    return std::make_shared<const SegmentCipher>(keys, kMaxRecordPlaintext);
  };
  if (!cache_) return make();
  std::string key = options_key_;
  key.append(reinterpret_cast<const char*>(header.data()), header.size());
  return cache_->record_cipher(key, make);
}

std::size_t RecordOpener::open(std::span<const std::uint8_t> record, std::span<std::uint8_t> out) {
  // The magic, version and kind are checked here; a cached header has been parsed whole
  // before, and byte-equal headers share its cipher.
  static constexpr std::uint8_t kRecordStart[] = {
      'C', 'F', 'E', kEnvelopeFormatV1, static_cast<std::uint8_t>(EnvelopeKind::kRecord), 0};
  if (record.size() < sizeof kRecordStart ||
      !std::equal(std::begin(kRecordStart), std::end(kRecordStart), record.begin()))
    invalid("not a Coffer envelope record");
  const auto header_size = scan_header_size(record);
  ByteReader in(record);
  std::uint64_t number = 0;
  std::span<const std::uint8_t> sealed;
  if (!header_size || !in.skip(*header_size) || !in.read_u64(number) || in.remaining() < kTagSize ||
      !in.read_bytes(in.remaining(), sealed))
    invalid("truncated");
  if (sealed.size() - kTagSize > kMaxRecordPlaintext) invalid("too long");
  if (out.size() < sealed.size() - kTagSize)
    throw Error(ErrorCode::kInternal, "output buffer too small");
  if (number >= kMaxSegments) invalid("record number out of range");
  auto cipher = cipher_for(record.first(*header_size));
  if (!cipher->open(number, sealed, out.data())) invalid("the tag does not verify");
  return sealed.size() - kTagSize;
}

SecretBytes RecordOpener::open(std::span<const std::uint8_t> record) {
  SecretBytes out(record.size());
  out.resize(open(record, out.span()));
  return out;
}

}  // namespace coffer::core::envelope
