#include "core/audit/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace coffer::core::audit {
namespace {

constexpr std::size_t kChunkBytes = 256 * 1024;

}  // namespace

LineReader::LineReader(const std::filesystem::path& file, std::size_t max_line_bytes)
    : max_line_bytes_(max_line_bytes) {
  fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + file.string());
}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool LineReader::fill() {
  // Drop what was consumed, so that the buffer holds at most one line plus one chunk.
  buffer_.erase(0, begin_);
  consumed_ += begin_;
  scan_from_ -= begin_;
  begin_ = 0;
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kChunkBytes);
  ssize_t n;
  do {
    n = ::read(fd_, buffer_.data() + old_size, kChunkBytes);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    buffer_.resize(old_size);
    throw std::system_error(errno, std::generic_category(), "read");
  }
  buffer_.resize(old_size + static_cast<std::size_t>(n));
  return n > 0;
}

std::optional<Line> LineReader::next() {
  while (true) {
    const std::size_t newline = buffer_.find('\n', scan_from_);
    if (newline != std::string::npos) {
      Line line;
      line.number = ++line_number_;
      if (skipping_) {
        skipping_ = false;
        line.too_long = true;
        line.offset = skipped_line_offset_;
      } else {
        line.offset = consumed_ + begin_;
        line.text = std::string_view(buffer_).substr(begin_, newline - begin_);
        if (line.text.size() > max_line_bytes_) {
          line.text = {};
          line.too_long = true;
        }
      }
      begin_ = scan_from_ = newline + 1;
      return line;
    }
    scan_from_ = buffer_.size();
    if (!skipping_ && buffer_.size() - begin_ > max_line_bytes_) {
      skipping_ = true;
      skipped_line_offset_ = consumed_ + begin_;
    }
    if (skipping_) begin_ = scan_from_ = buffer_.size();  // forget the line's bytes
    if (!fill()) {
      if (skipping_) {
        skipping_ = false;
        Line line;
        line.number = ++line_number_;
        line.offset = skipped_line_offset_;
        line.terminated = false;
        line.too_long = true;
        return line;
      }
      if (begin_ == buffer_.size()) return std::nullopt;
      Line line;
      line.number = ++line_number_;
      line.offset = consumed_ + begin_;
      line.text = std::string_view(buffer_).substr(begin_);
      line.terminated = false;
      begin_ = scan_from_ = buffer_.size();
      return line;
    }
  }
}

}  // namespace coffer::core::audit
