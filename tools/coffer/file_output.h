// Where encrypt-file and decrypt-file write: stdout, or a file that appears only when the
// whole output is good. A file is written as a temporary (0600) in the destination's own
// directory and renamed over the destination by commit(); destroying an uncommitted
// FileOutput removes the temporary, and so does SIGINT/SIGTERM/SIGHUP/SIGPIPE meanwhile,
// so a failed or interrupted decrypt leaves no partial plaintext behind.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace coffer::tools::cli {

class FileOutput {
 public:
  // "-" is stdout.
  explicit FileOutput(const std::string& path);
  ~FileOutput();
  FileOutput(const FileOutput&) = delete;
  FileOutput& operator=(const FileOutput&) = delete;

  int fd() const { return fd_; }
  // A regular file written at offsets (pwrite) rather than a stream.
  bool positional() const { return !temp_.empty(); }
  const std::string& path() const { return path_; }

  void write(std::span<const std::uint8_t> bytes);
  void pwrite(std::span<const std::uint8_t> bytes, std::uint64_t offset);
  // Flushes (fdatasync with `sync`) and renames the temporary into place.
  void commit(bool sync);

 private:
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// Reads until `buffer` is full or the input ends; returns the bytes read.
std::size_t read_full(int fd, std::span<std::uint8_t> buffer, const std::string& what);
// pread of exactly buffer.size() bytes at `offset`; a short read means the input changed.
void pread_full(int fd, std::span<std::uint8_t> buffer, std::uint64_t offset,
                const std::string& what);

}  // namespace coffer::tools::cli
