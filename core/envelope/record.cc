#include "core/envelope/record.h"

#include "common/error.h"

namespace coffer::core::envelope {
namespace {

constexpr std::size_t kCounterSize = 8;

[[noreturn]] void invalid(const char* why) {
  throw Error(ErrorCode::kInvalidCiphertext, std::string("The envelope record is invalid: ") + why);
}

}  // namespace

std::optional<std::size_t> scan_header_size(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 7) return std::nullopt;
  std::size_t at = 7;
  const std::size_t count = bytes[6];
  if (count == 0 || count > kMaxEncryptedKeys) invalid("1 to 16 encrypted data keys");
  for (std::size_t i = 0; i < count; ++i) {
    if (bytes.size() - at < 2) return std::nullopt;
    const std::size_t size = std::size_t{bytes[at]} << 8 | bytes[at + 1];
    if (size == 0 || size > kMaxEncryptedKeySize) invalid("encrypted data key length");
    at += 2 + size;
    if (at > bytes.size()) return std::nullopt;
  }
  if (bytes.size() - at < 4) return std::nullopt;
  const std::size_t context = std::size_t{bytes[at]} << 24 | std::size_t{bytes[at + 1]} << 16 |
                              std::size_t{bytes[at + 2]} << 8 | bytes[at + 3];
  if (context > kMaxContextEncoding) invalid("encryption context length");
  at += 4 + context + kSaltSize + kCommitmentSize;
  if (at > bytes.size()) return std::nullopt;
  return at;
}

RecordSealer::RecordSealer(DataKeyService& service, DataKeyCache* cache, std::vector<std::string> keys,
                           EncryptionContext context)
    : service_(service), cache_(cache), keys_(std::move(keys)), context_(std::move(context)),
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
      cache_ ? cache_->session(cache_key_, plaintext.size(), make) : std::make_shared<EncryptionSession>(make());
  const std::uint64_t number = session->next_record.fetch_add(1, std::memory_order_relaxed);
  const auto& header = session->record_header;
  record.resize(header.size() + kCounterSize + plaintext.size() + kTagSize);
  std::copy(header.begin(), header.end(), record.begin());
  std::uint8_t* counter = record.data() + header.size();
  for (std::size_t i = 0; i < kCounterSize; ++i) counter[i] = static_cast<std::uint8_t>(number >> (56 - 8 * i));
  session->record_cipher->seal(number, plaintext, counter + kCounterSize);
}

RecordOpener::RecordOpener(DataKeyService& service, DataKeyCache* cache, DecryptOptions options)
    : service_(service), cache_(cache), options_(std::move(options)) {
  options_key_ = DataKeyCache::encryption_key(options_.allowed_keys, options_.required_context);
}

std::shared_ptr<const SegmentCipher> RecordOpener::cipher_for(std::span<const std::uint8_t> header) {
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
  static constexpr std::uint8_t kRecordStart[] = {'C', 'F', 'E', kEnvelopeFormatV1,
                                                  static_cast<std::uint8_t>(EnvelopeKind::kRecord), 0};
  if (record.size() < sizeof kRecordStart || !std::equal(std::begin(kRecordStart), std::end(kRecordStart), record.begin()))
    invalid("not a Coffer envelope record");
  const auto header_size = scan_header_size(record);
  if (!header_size || record.size() - *header_size < kCounterSize + kTagSize) invalid("truncated");
  const auto sealed = record.subspan(*header_size + kCounterSize);
  if (sealed.size() - kTagSize > kMaxRecordPlaintext) invalid("too long");
  if (out.size() < sealed.size() - kTagSize) throw Error(ErrorCode::kInternal, "output buffer too small");
  const auto* c = record.data() + *header_size;
  std::uint64_t number = 0;
  for (std::size_t i = 0; i < kCounterSize; ++i) number = number << 8 | c[i];
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
