// libFuzzer target: the KMS ciphertext parser must reject or accept any bytes without
// reading outside them, and whatever it accepts must re-assemble to the same bytes.
#include <cstdint>
#include <cstdlib>

#include "common/error.h"
#include "core/format/ciphertext_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto parsed = coffer::core::parse_blob({data, size});
    auto header = coffer::core::encode_header(parsed.header);
    auto again = coffer::core::assemble_blob(header, parsed.iv, parsed.sealed);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  } catch (const coffer::Error& e) {
    if (e.code() != coffer::ErrorCode::kInvalidCiphertext) std::abort();
  }
  return 0;
}
