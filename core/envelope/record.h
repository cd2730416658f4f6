// One-shot envelope records for small messages (docs/FORMAT.md, "Envelope record,
// version 1"): header | record number (u64 BE) | AES-256-GCM ciphertext | tag.
//
// Tuned for many small messages: with a DataKeyCache, records under the same keys and
// context share one data key and one derived record key, so a seal costs a cache lookup,
// a nonce (base nonce XOR record number) and one GCM call; an open of a header seen before
// costs the same. Without a cache every record gets its own data key.
#pragma once

#include <string>
#include <vector>

#include "core/envelope/data_key_cache.h"
#include "core/envelope/stream_decryptor.h"

namespace coffer::core::envelope {

inline constexpr std::size_t kMaxRecordPlaintext = 64 * 1024;

class RecordSealer {
 public:
  // `cache` may be null (a new data key per record); it must outlive the sealer.
  RecordSealer(DataKeyService& service, DataKeyCache* cache, std::vector<std::string> keys,
               EncryptionContext context);

  Bytes seal(std::span<const std::uint8_t> plaintext);
  // Into a reused buffer (resized to the record): no allocation once it is big enough.
  void seal(std::span<const std::uint8_t> plaintext, Bytes& record);

 private:
  DataKeyService& service_;
  DataKeyCache* cache_;
  std::vector<std::string> keys_;
  EncryptionContext context_;
  std::string cache_key_;
};

class RecordOpener {
 public:
  RecordOpener(DataKeyService& service, DataKeyCache* cache, DecryptOptions options = {});

  SecretBytes open(std::span<const std::uint8_t> record);
  // Into a caller's buffer of at least the plaintext size; returns the plaintext size.
  [[nodiscard]] std::size_t open(std::span<const std::uint8_t> record, std::span<std::uint8_t> out);

 private:
  std::shared_ptr<const SegmentCipher> cipher_for(std::span<const std::uint8_t> header);

  DataKeyService& service_;
  DataKeyCache* cache_;
  DecryptOptions options_;
  std::string options_key_;  // the cache key prefix: openers with other options share nothing
};

// Header size of a record or stream without decoding it (lengths only); nullopt if the
// bytes are too short. Throws InvalidCiphertextException for impossible lengths.
[[nodiscard]] std::optional<std::size_t> scan_header_size(std::span<const std::uint8_t> bytes);

}  // namespace coffer::core::envelope
