#include "core/audit/log_recovery.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.h"
#include "common/log.h"
#include "core/audit/audit_record.h"

namespace coffer::core::audit {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw Error(ErrorCode::kInternal, "audit log recovery: " + what);
}

class File {
 public:
  explicit File(const std::filesystem::path& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) fail("open " + path.string() + ": " + std::strerror(errno));
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  std::uint64_t size() const {
    struct stat status {};
    if (::fstat(fd_, &status) != 0) fail("stat " + path_.string());
    return static_cast<std::uint64_t>(status.st_size);
  }

  std::string read(std::uint64_t offset, std::size_t size) const {
    std::string bytes(size, '\0');
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n =
          ::pread(fd_, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("read " + path_.string());
      done += static_cast<std::size_t>(n);
    }
    return bytes;
  }

  // Offset of the last '\n' in [end - limit, end), or nullopt.
  std::optional<std::uint64_t> last_newline_before(std::uint64_t end, std::uint64_t limit) const {
    constexpr std::uint64_t kChunk = 64 * 1024;
    const std::uint64_t stop = end > limit ? end - limit : 0;
    while (end > stop) {
      const std::uint64_t begin = end - std::min(kChunk, end - stop);
      const std::string chunk = read(begin, static_cast<std::size_t>(end - begin));
      const std::size_t found = chunk.rfind('\n');
      if (found != std::string::npos) return begin + found;
      end = begin;
    }
    return std::nullopt;
  }

  void truncate(std::uint64_t size) {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0 || ::fsync(fd_) != 0)
      fail("truncate " + path_.string() + ": " + std::strerror(errno));
  }

 private:
  std::filesystem::path path_;
  int fd_;
};

// Cuts a torn last line away; returns the file's size after.
std::uint64_t drop_torn_line(File& file, const LogFileName& name) {
  const std::uint64_t size = file.size();
  if (size == 0 || file.read(size - 1, 1) == "\n") return size;
  const auto newline = file.last_newline_before(size, kMaxRecordLineBytes + 1);
  if (!newline && size > kMaxRecordLineBytes)
    fail(name.name + " ends in " + std::to_string(size) + " bytes without a newline");
  const std::uint64_t kept = newline ? *newline + 1 : 0;
  file.truncate(kept);
  log_event(LogLevel::kWarn, "audit_torn_line_removed",
            {{"file", name.name},
             {"offset", std::to_string(kept)},
             {"bytes", std::to_string(size - kept)}});
  return kept;
}

}  // namespace

RecoveredChain recover_chain(const std::filesystem::path& directory) {
  RecoveredChain chain;
  chain.files = list_log_files(directory);
  while (!chain.files.empty()) {
    const LogFileName& newest = chain.files.back();
    File file(directory / newest.name);
    const std::uint64_t size = drop_torn_line(file, newest);
    if (size == 0) {
      // Created, then the process stopped before its first record was written.
      std::filesystem::remove(directory / newest.name);
      log_event(LogLevel::kInfo, "audit_empty_file_removed", {{"file", newest.name}});
      chain.files.pop_back();
      continue;
    }
    const auto newline = file.last_newline_before(size - 1, kMaxRecordLineBytes + 1);
    const std::uint64_t begin = newline ? *newline + 1 : 0;
    if (!newline && size - 1 > kMaxRecordLineBytes)
      fail("the last line of " + newest.name + " is longer than a record can be");
    const std::string line = file.read(begin, static_cast<std::size_t>(size - 1 - begin));
    std::string error;
    const auto record = parse_record_line(line, &error);
    if (!record)
      fail("the last line of " + newest.name + " is not an audit record (" + error +
           "); run the verifier and move the damaged file aside");
    if (record->sequence < newest.first_sequence)
      fail("the last record of " + newest.name + " has sequence " +
           std::to_string(record->sequence) + ", before the file's first");
    chain.next_sequence = record->sequence + 1;
    chain.head_hash = sha256(line);
    return chain;
  }
  return chain;
}

std::string read_small_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open " + path.string() + ": " + std::strerror(errno));
  std::string text;
  char buffer[16 * 1024];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("read " + path.string());
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      ::close(fd);
      fail(path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  return text;
}

std::optional<AuditDigest> read_newest_digest(const std::filesystem::path& directory) {
  const auto digests = list_digest_files(directory);
  if (digests.empty()) return std::nullopt;
  const std::string text = read_small_file(directory / digests.back().name, kMaxDigestFileBytes);
  std::string error;
  auto digest = parse_digest(text, &error);
  if (!digest) fail(digests.back().name + " is not a digest (" + error + ")");
  if (digest->digest_sequence != digests.back().digest_sequence)
    fail(digests.back().name + " holds digest " + std::to_string(digest->digest_sequence));
  return digest;
}

}  // namespace coffer::core::audit
