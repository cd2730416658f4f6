// Reads a file line by line without trusting it: a line longer than the limit is skipped
// (reported, never held in memory), and a last line without its newline is reported as torn.
// Memory stays bounded by the limit whatever the file holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace coffer::core::audit {

struct Line {
  std::string_view text;     // without the newline; empty when too_long
  std::uint64_t number = 0;  // 1-based
  std::uint64_t offset = 0;  // of the line's first byte in the file
  bool terminated = true;    // false: the file ends inside this line (a torn write)
  bool too_long = false;     // longer than the limit; text is empty
};

class LineReader {
 public:
  // Throws std::system_error when the file cannot be opened.
  LineReader(const std::filesystem::path& file, std::size_t max_line_bytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line (its text valid until the next call), or nullopt at the end of the file.
  // Throws std::system_error on a read error.
  std::optional<Line> next();

 private:
  bool fill();  // reads more; false at the end of the file

  int fd_ = -1;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t begin_ = 0;       // start of the current line in buffer_
  std::size_t scan_from_ = 0;   // where to look for the next newline
  std::uint64_t consumed_ = 0;  // file offset of buffer_[0]
  std::uint64_t line_number_ = 0;
  bool skipping_ = false;  // inside a line that is too long
  std::uint64_t skipped_line_offset_ = 0;
};

}  // namespace coffer::core::audit
