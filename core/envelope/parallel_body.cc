#include "core/envelope/parallel_body.h"

#include <string>

#include "common/error.h"
#include "core/envelope/stream_encryptor.h"

namespace coffer::core::envelope {
namespace {

// Segments per task: enough to make the hand-off cost nothing, few enough to balance.
std::size_t segments_per_task(std::size_t segments, std::size_t threads) {
  return std::max<std::size_t>(1, std::min<std::size_t>(16, segments / (threads * 4)));
}

[[noreturn]] void bad_length() {
  throw Error(ErrorCode::kInvalidCiphertext,
              "The envelope stream is invalid: truncated or extended");
}

}  // namespace

std::uint64_t plaintext_size_of_segments(std::uint64_t sealed_size, std::size_t segment_size,
                                         bool final) {
  if (final) {
    auto size = plaintext_size_of(sealed_size, segment_size);
    if (!size) bad_length();
    return *size;
  }
  if (sealed_size % (segment_size + kTagSize) != 0) bad_length();
  return sealed_size / (segment_size + kTagSize) * segment_size;
}

void seal_segments(const SegmentCipher& cipher, WorkerPool& pool, std::uint64_t first_index,
                   std::span<const std::uint8_t> plaintext, bool final,
                   std::span<std::uint8_t> out) {
  const std::size_t segment = cipher.segment_size();
  if (!final && plaintext.size() % segment != 0)
    throw Error(ErrorCode::kInternal, "partial segment in the middle");
  const std::size_t segments = plaintext.size() / segment + (final ? 1 : 0);
  if (out.size() !=
      (final ? sealed_body_size(plaintext.size(), segment) : segments * (segment + kTagSize)))
    throw Error(ErrorCode::kInternal, "output buffer size");
  const std::size_t per_task = segments_per_task(segments, pool.threads());
  pool.run((segments + per_task - 1) / per_task, [&](std::size_t task) {
    const std::size_t end = std::min(segments, (task + 1) * per_task);
    for (std::size_t s = task * per_task; s < end; ++s) {
      const std::size_t from = s * segment;
      const std::size_t size = std::min(segment, plaintext.size() - from);
      cipher.seal(first_index + s, plaintext.subspan(from, size),
                  out.data() + s * (segment + kTagSize));
    }
  });
}

void open_segments(const SegmentCipher& cipher, WorkerPool& pool, std::uint64_t first_index,
                   std::span<const std::uint8_t> sealed, bool final, std::span<std::uint8_t> out) {
  const std::size_t segment = cipher.segment_size();
  const std::size_t full = segment + kTagSize;
  if (out.size() != plaintext_size_of_segments(sealed.size(), segment, final))
    throw Error(ErrorCode::kInternal, "output buffer size");
  const std::size_t segments = (sealed.size() + full - 1) / full;
  const std::size_t per_task = segments_per_task(segments, pool.threads());
  try {
    pool.run((segments + per_task - 1) / per_task, [&](std::size_t task) {
      const std::size_t end = std::min(segments, (task + 1) * per_task);
      for (std::size_t s = task * per_task; s < end; ++s) {
        const std::size_t from = s * full;
        const std::size_t size = std::min(full, sealed.size() - from);
        if (!cipher.open(first_index + s, sealed.subspan(from, size), out.data() + s * segment))
          throw Error(ErrorCode::kInvalidCiphertext, "The envelope stream is invalid: segment " +
                                                         std::to_string(first_index + s) +
                                                         " does not verify");
      }
    });
  } catch (...) {
    secure_zero(out.data(), out.size());
    throw;
  }
}

}  // namespace coffer::core::envelope
