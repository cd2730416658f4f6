#include "proto/frame_codec.h"

#include <boost/endian/conversion.hpp>

#include "common/byte_reader.h"

namespace coffer::proto {

void append_frame(const google::protobuf::MessageLite& message, std::string& out) {
  const std::size_t size = message.ByteSizeLong();
  const std::size_t start = out.size();
  out.resize(start + kFrameHeaderSize + size);
  auto* p = reinterpret_cast<std::uint8_t*>(out.data() + start);
  boost::endian::store_big_u32(p, static_cast<std::uint32_t>(size));
  message.SerializeWithCachedSizesToArray(p + kFrameHeaderSize);
}

std::uint32_t frame_length(const std::uint8_t* header) {
  return boost::endian::load_big_u32(header);
}

FrameDecoder::Status FrameDecoder::next(std::string& frame) {
  auto need_more = [this] {
    if (consumed_ > 0) {  // keep the buffer small: drop what was already handed out
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    return Status::kNeedMore;
  };
  ByteReader in({reinterpret_cast<const std::uint8_t*>(buffer_.data()) + consumed_,
                 buffer_.size() - consumed_});
  std::uint32_t length = 0;
  if (!in.read_u32(length)) return need_more();
  if (length == 0) return Status::kEmpty;
  if (length > max_frame_) return Status::kTooLarge;
  std::span<const std::uint8_t> body;
  if (!in.read_bytes(length, body)) return need_more();
  frame.assign(reinterpret_cast<const char*>(body.data()), body.size());
  consumed_ += in.position();
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  return Status::kFrame;
}

}  // namespace coffer::proto
