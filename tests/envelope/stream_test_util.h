// Helpers for the envelope tests: encrypt/decrypt whole buffers through the streaming API
// in pieces of a chosen size, and deterministic test data.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/envelope/stream_decryptor.h"
#include "core/envelope/stream_encryptor.h"

namespace coffer::testing {

inline std::vector<std::uint8_t> pattern(std::size_t n, std::uint32_t seed = 1) {
  std::vector<std::uint8_t> out(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : out) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  return out;
}

// Feeds `input` to update() in pieces of `piece` bytes (0: all at once), then finish().
template <class Codec>
std::vector<std::uint8_t> run_stream(Codec& codec, std::span<const std::uint8_t> input,
                                     std::size_t piece = 0) {
  std::vector<std::uint8_t> out;
  auto sink = [&](std::span<const std::uint8_t> bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
  };
  if (piece == 0) piece = input.size() + 1;
  for (std::size_t at = 0; at < input.size(); at += piece)
    codec.update(input.subspan(at, std::min(piece, input.size() - at)), sink);
  codec.finish(sink);
  return out;
}

}  // namespace coffer::testing
