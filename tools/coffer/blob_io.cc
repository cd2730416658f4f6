#include "tools/coffer/blob_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.h"
#include "common/hex.h"

namespace coffer::tools::cli {
namespace {

constexpr std::size_t kMaxInput = 1 << 20;

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw Error(ErrorCode::kValidation,
              what + " " + (path == "-" ? "stdin/stdout" : path) + ": " + std::strerror(errno));
}

SecretBytes read_fd(int fd, const std::string& path) {
  SecretBytes buffer(4096);
  std::size_t used = 0;
  for (;;) {
    if (used == buffer.size()) {
      if (buffer.size() > kMaxInput)
        throw Error(ErrorCode::kValidation, path + ": input larger than 1 MiB");
      buffer.resize(buffer.size() * 2);
    }
    const ssize_t n = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot read", path);
    }
    used += static_cast<std::size_t>(n);
  }
  if (used > kMaxInput) throw Error(ErrorCode::kValidation, path + ": input larger than 1 MiB");
  buffer.resize(used);
  return buffer;
}

void write_all(int fd, const std::uint8_t* data, std::size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write", path);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

SecretBytes read_file(const std::string& path) {
  if (path == "-") return read_fd(STDIN_FILENO, path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) io_error("cannot open", path);
  try {
    SecretBytes bytes = read_fd(fd, path);
    ::close(fd);
    return bytes;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

SecretBytes read_input(const Args& args, const std::string& literal_option, bool base64) {
  SecretBytes raw;
  if (auto literal = args.get(literal_option)) {
    if (args.has("in")) throw UsageError("give either --" + literal_option + " or --in, not both");
    raw = SecretBytes(as_bytes(*literal));
  } else {
    raw = read_file(args.get("in").value_or("-"));
  }
  if (!base64) return raw;
  std::string text;
  text.reserve(raw.size());
  for (std::uint8_t c : raw.span()) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') text.push_back(static_cast<char>(c));
  }
  auto decoded = from_base64(text);
  secure_zero(text.data(), text.size());
  if (!decoded) throw Error(ErrorCode::kValidation, "the input is not valid base64");
  SecretBytes out{std::span<const std::uint8_t>(*decoded)};
  secure_zero(decoded->data(), decoded->size());
  return out;
}

bool writes_to_file(const std::optional<std::string>& path) {
  return path.has_value() && *path != "-";
}

void write_output(const std::optional<std::string>& path, std::span<const std::uint8_t> bytes,
                  bool base64) {
  std::string text = base64 ? to_base64(bytes) : std::string();
  WipeOnExit wipe(&text);  // base64 of a data key is as secret as the key
  const std::span<const std::uint8_t> data = base64 ? as_bytes(text) : bytes;
  const std::string name = path.value_or("-");
  int fd = STDOUT_FILENO;
  if (writes_to_file(path)) {
    // 0600: the output may be a plaintext or a data key.
    fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) io_error("cannot create", name);
  } else {
    std::fflush(stdout);  // keep order with anything printed through stdio
  }
  try {
    write_all(fd, data.data(), data.size(), name);
    if (base64) write_all(fd, reinterpret_cast<const std::uint8_t*>("\n"), 1, name);
  } catch (...) {
    if (fd != STDOUT_FILENO) ::close(fd);
    throw;
  }
  if (fd != STDOUT_FILENO && ::close(fd) != 0) io_error("cannot write", name);
}

std::map<std::string, std::string> parse_pairs(const std::vector<std::string>& items,
                                               const std::string& option) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--" + option + " takes KEY=VALUE, not '" + item + "'");
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

}  // namespace coffer::tools::cli
