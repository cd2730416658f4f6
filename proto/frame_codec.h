// Length-prefixed frames (docs/PROTOCOL.md, "Frames"): a 4-byte big-endian length, then
// the serialized message. Shared by the server and the client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

namespace coffer::proto {

inline constexpr std::size_t kFrameHeaderSize = 4;
inline constexpr std::size_t kDefaultMaxFrame = 1 << 20;

// Appends header + serialized message to `out`.
void append_frame(const google::protobuf::MessageLite& message, std::string& out);

// Reads the length prefix of a frame header (exactly 4 bytes).
[[nodiscard]] std::uint32_t frame_length(const std::uint8_t* header);

// Incremental decoder over a byte stream: feed what arrives, take whole frames out.
class FrameDecoder {
 public:
  enum class Status { kNeedMore, kFrame, kTooLarge, kEmpty };

  explicit FrameDecoder(std::size_t max_frame = kDefaultMaxFrame) : max_frame_(max_frame) {}

  void feed(const void* data, std::size_t size) {
    buffer_.append(static_cast<const char*>(data), size);
  }
  // kFrame: `frame` holds the next frame's body. kTooLarge / kEmpty: the stream is
  // broken and must be closed. kNeedMore: wait for more bytes.
  [[nodiscard]] Status next(std::string& frame);
  // True while part of a frame has arrived but not all of it (for read timeouts).
  bool in_partial_frame() const { return !buffer_.empty(); }

 private:
  std::size_t max_frame_;
  std::string buffer_;
  std::size_t consumed_ = 0;
};

}  // namespace coffer::proto
