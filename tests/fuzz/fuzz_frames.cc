// libFuzzer target: the rpc frame decoder and RequestFrame parser over any byte stream,
// delivered in chunks of fuzzer-chosen sizes, exactly as a network read would.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "coffer/v1/frame.pb.h"
#include "proto/frame_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size, the rest is the stream.
  const std::size_t chunk = 1 + data[0] % 64;
  coffer::proto::FrameDecoder decoder(4096);
  std::string frame;
  std::size_t total = 0;
  for (std::size_t offset = 1; offset < size; offset += chunk) {
    const std::size_t n = std::min(chunk, size - offset);
    decoder.feed(data + offset, n);
    for (;;) {
      auto status = decoder.next(frame);
      if (status == coffer::proto::FrameDecoder::Status::kNeedMore) break;
      if (status != coffer::proto::FrameDecoder::Status::kFrame)
        return 0;  // the server closes here
      if (frame.empty() || frame.size() > 4096) std::abort();
      total += frame.size() + 4;
      if (total > size) std::abort();  // never more bytes out than in
      coffer::v1::RequestFrame request;
      (void)request.ParseFromString(frame);
    }
  }
  return 0;
}
