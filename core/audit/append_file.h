// An audit log file open for appending: each record goes in one write(2) (so the kernel
// holds the whole line or, after a failure we undo, none of it), and fdatasync on demand.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace coffer::core::audit {

class AppendFile {
 public:
  // Opens `path` for appending, creating it (mode 0600). Throws Error(kInternal).
  static std::shared_ptr<AppendFile> open(const std::filesystem::path& path);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  const std::string& name() const { return name_; }
  std::uint64_t size() const { return size_; }

  // Writes head then body as one line. On any failure the file is cut back to its old size
  // and Error(kInternal) is thrown; if even that fails, `intact()` turns false and the file
  // must not be written again. Not thread-safe: the log serializes appends.
  void append(std::string_view head, std::string_view body);
  // The same for whole lines already joined (several records in one write).
  void append(std::string_view lines) { append(lines, {}); }
  bool intact() const { return intact_; }

  // fdatasync. May run while another thread appends. Throws Error(kInternal).
  void sync();

 private:
  AppendFile(int fd, std::string name, std::uint64_t size);

  int fd_;
  std::string name_;
  std::uint64_t size_;
  bool intact_ = true;
};

// fsync of a directory, so that files created or renamed in it survive a crash. Throws.
void sync_directory(const std::filesystem::path& directory);

// Writes `text` to directory/name through a temporary file, fsync and rename: readers see
// the old file or the whole new one, never a part. Throws Error(kInternal).
void write_file_atomically(const std::filesystem::path& directory, const std::string& name,
                           std::string_view text);

}  // namespace coffer::core::audit
