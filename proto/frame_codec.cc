#include "proto/frame_codec.h"

namespace coffer::proto {

void append_frame(const google::protobuf::MessageLite& message, std::string& out) {
  const std::size_t size = message.ByteSizeLong();
  const std::size_t start = out.size();
  out.resize(start + kFrameHeaderSize + size);
  auto* p = reinterpret_cast<std::uint8_t*>(out.data() + start);
  p[0] = static_cast<std::uint8_t>(size >> 24);
  p[1] = static_cast<std::uint8_t>(size >> 16);
  p[2] = static_cast<std::uint8_t>(size >> 8);
  p[3] = static_cast<std::uint8_t>(size);
  message.SerializeWithCachedSizesToArray(p + kFrameHeaderSize);
}

std::uint32_t frame_length(const std::uint8_t* h) {
  return static_cast<std::uint32_t>(h[0]) << 24 | static_cast<std::uint32_t>(h[1]) << 16 |
         static_cast<std::uint32_t>(h[2]) << 8 | h[3];
}

FrameDecoder::Status FrameDecoder::next(std::string& frame) {
  const std::size_t available = buffer_.size() - consumed_;
  if (available < kFrameHeaderSize) {
    if (consumed_ > 0) {  // keep the buffer small: drop what was already handed out
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    return Status::kNeedMore;
  }
  const std::uint32_t length = frame_length(reinterpret_cast<const std::uint8_t*>(buffer_.data() + consumed_));
  if (length == 0) return Status::kEmpty;
  if (length > max_frame_) return Status::kTooLarge;
  if (available < kFrameHeaderSize + length) {
    if (consumed_ > 0) {
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    return Status::kNeedMore;
  }
  frame.assign(buffer_, consumed_ + kFrameHeaderSize, length);
  consumed_ += kFrameHeaderSize + length;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  return Status::kFrame;
}

}  // namespace coffer::proto
