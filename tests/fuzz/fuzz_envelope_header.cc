// libFuzzer target: the envelope header parser (streams and records) must accept, ask for
// more bytes, or reject any input without reading outside it; whatever it accepts must
// re-encode to the same prefix, and the length-only scan must agree on the header size.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "common/error.h"
#include "core/envelope/record.h"
#include "core/envelope/stream_header.h"

using namespace coffer::core::envelope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  try {
    auto parsed = parse_header(bytes);
    if (!parsed) return 0;
    auto again = encode_prefix(parsed->fields);
    if (again.size() != parsed->prefix.size() ||
        !std::equal(again.begin(), again.end(), parsed->prefix.begin()))
      std::abort();
    auto scanned = scan_header_size(bytes);
    if (!scanned || *scanned != parsed->size) std::abort();
  } catch (const coffer::Error& e) {
    if (e.code() != coffer::ErrorCode::kInvalidCiphertext) std::abort();
  }
  return 0;
}
