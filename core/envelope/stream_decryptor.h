// Decrypts an envelope stream pushed in pieces of any size: collects the header, gets the
// data key from the key service, checks the key commitment (before any segment is
// touched), then decrypts segments with BodyDecryptor. Memory stays bounded: the header
// is capped (kMaxHeaderSize) and at most one segment is buffered.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/envelope/body_decryptor.h"
#include "core/envelope/data_key_service.h"

namespace coffer::core::envelope {

struct DecryptOptions {
  std::vector<std::string> allowed_keys;  // empty: any key the service can use
  EncryptionContext required_context;     // pairs the header must carry
};

// The cipher for a stream whose data key is known: derives keys and checks the commitment
// (InvalidCiphertextException if it differs).
std::shared_ptr<const SegmentCipher> open_header(const ParsedHeader& header,
                                                 std::span<const std::uint8_t> data_key);

class StreamDecryptor {
 public:
  StreamDecryptor(DataKeyService& service, DecryptOptions options = {});

  void update(std::span<const std::uint8_t> bytes, const Sink& sink);
  void finish(const Sink& sink);

  // Once the header has been read (after the first update that completed it).
  const HeaderFields* header() const { return header_ ? &*header_ : nullptr; }
  std::size_t header_size() const { return header_size_; }
  std::size_t segment_size() const;
  const SegmentCipher* cipher() const { return cipher_.get(); }

 private:
  DataKeyService& service_;
  DecryptOptions options_;
  Bytes header_bytes_;
  std::optional<HeaderFields> header_;
  std::size_t header_size_ = 0;
  std::shared_ptr<const SegmentCipher> cipher_;
  std::unique_ptr<BodyDecryptor> body_;
};

}  // namespace coffer::core::envelope
