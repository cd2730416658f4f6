// Sealing and opening a run of segments that sits whole in memory, spread over a
// WorkerPool: the multi-threaded form of the stream API (the CLI works through it batch by
// batch, the benchmarks on whole buffers).
#pragma once

#include <cstdint>
#include <span>

#include "core/envelope/segment_cipher.h"
#include "core/envelope/worker_pool.h"

namespace coffer::core::envelope {

// Seals `plaintext` as segments first_index, first_index + 1, ... into `out`, which must
// hold sealed_body_size(plaintext.size()) bytes when `final` (the last segment is then the
// short final one, possibly empty), or plaintext.size() / segment * (segment + 16) bytes
// otherwise (plaintext.size() must then be a multiple of the segment size).
void seal_segments(const SegmentCipher& cipher, WorkerPool& pool, std::uint64_t first_index,
                   std::span<const std::uint8_t> plaintext, bool final,
                   std::span<std::uint8_t> out);

// Opens sealed segments first_index, ... from `sealed` into `out` (plaintext size). With
// `final`, the last segment is the short final one. Throws InvalidCiphertextException for
// any segment that does not verify; `out` is then wiped.
void open_segments(const SegmentCipher& cipher, WorkerPool& pool, std::uint64_t first_index,
                   std::span<const std::uint8_t> sealed, bool final, std::span<std::uint8_t> out);

// The plaintext size of `sealed_size` bytes of segments (see plaintext_size_of); throws
// InvalidCiphertextException when no run of segments has that size.
std::uint64_t plaintext_size_of_segments(std::uint64_t sealed_size, std::size_t segment_size,
                                         bool final);

}  // namespace coffer::core::envelope
