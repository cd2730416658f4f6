// libFuzzer target: `coffer audit verify` and `coffer audit query` on a hostile audit
// directory. The input is cut into files at each "\n--file--\n": the first is a log file, the
// second a digest, the third the public key, the rest more log files; the verifier and the
// query read them as they read a directory someone may have edited. Findings: a crash, an
// escaping exception, a sanitizer report.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/audit/audit_query.h"
#include "core/audit/audit_verify.h"

namespace {

const std::filesystem::path& directory() {
  static const std::filesystem::path dir = [] {
    char pattern[] = "/tmp/coffer-fuzz-verify-XXXXXX";
    if (!mkdtemp(pattern)) std::abort();
    return std::filesystem::path(pattern);
  }();
  return dir;
}

std::string name_of(std::size_t index) {
  switch (index) {
    case 0:
      return "audit-20261203T101500Z-00000000000000000000.jsonl";
    case 1:
      return "digest-20261203T111500Z-00000000000000000000.json";
    case 2:
      return "audit-public-key.pem";
    default:
      return "audit-20261203T1" + std::to_string(index % 10) + "1500Z-0000000000000000" +
             std::to_string(1000 + index) + ".jsonl";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = directory();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directory(dir);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kCut = "\n--file--\n";
  for (std::size_t index = 0; index < 8 && !input.empty(); ++index) {
    const auto cut = input.find(kCut);
    std::ofstream(dir / name_of(index), std::ios::binary) << input.substr(0, cut);
    if (cut == std::string_view::npos) break;
    input.remove_prefix(cut + kCut.size());
  }
  try {
    coffer::core::audit::verify_audit_directory(dir, std::nullopt);
    coffer::core::audit::AuditFilter filter;
    filter.key = "1234abcd";
    coffer::core::audit::query_audit(dir, filter);
  } catch (const std::exception& e) {
    // Only a missing directory may throw; everything inside is a finding of the report.
    std::fprintf(stderr, "finding: verify threw: %s\n", e.what());
    std::abort();
  }
  return 0;
}
