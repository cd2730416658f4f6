// Moving blobs between the command line, files, stdin/stdout and request messages:
// plaintexts travel in SecretBytes and are wiped from every buffer they pass through.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/secret_bytes.h"
#include "tools/coffer/cli_args.h"

namespace coffer::tools::cli {

// Reads a whole file, or stdin for "-" (at most 1 MiB: the server's frame cap).
SecretBytes read_file(const std::string& path);

// The input blob: --<literal> TEXT if given, else --in FILE, else stdin. With `base64`,
// the text read is base64 (white space ignored) and is decoded.
SecretBytes read_input(const Args& args, const std::string& literal_option, bool base64);

// Writes `bytes` to --out FILE (created 0600) or, without --out or with "-", stdout;
// with `base64` as one base64 line.
void write_output(const std::optional<std::string>& path, std::span<const std::uint8_t> bytes,
                  bool base64);

// True when --out names a file, not stdout.
bool writes_to_file(const std::optional<std::string>& path);

// "k=v" options into a map; a UsageError for anything without "=".
std::map<std::string, std::string> parse_pairs(const std::vector<std::string>& items,
                                               const std::string& option);

// Zeroes a std::string (inside a request or response message) when the scope ends.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string* s) : s_(s) {}
  ~WipeOnExit() { secure_zero(s_->data(), s_->size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::string* s_;
};

}  // namespace coffer::tools::cli
