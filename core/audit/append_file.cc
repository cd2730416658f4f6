#include "core/audit/append_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace coffer::core::audit {
namespace {

[[noreturn]] void fail(const std::string& what, int error) {
  throw Error(ErrorCode::kInternal, "audit log: " + what + ": " + std::strerror(error));
}

void write_all(int fd, std::string_view text, const std::string& what) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(what, errno);
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::shared_ptr<AppendFile> AppendFile::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) fail("open " + path.string(), errno);
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    const int error = errno;
    ::close(fd);
    fail("stat " + path.string(), error);
  }
  return std::shared_ptr<AppendFile>(
      new AppendFile(fd, path.filename().string(), static_cast<std::uint64_t>(status.st_size)));
}

AppendFile::AppendFile(int fd, std::string name, std::uint64_t size)
    : fd_(fd), name_(std::move(name)), size_(size) {}

AppendFile::~AppendFile() { ::close(fd_); }

void AppendFile::append(std::string_view head, std::string_view body) {
  if (!intact_) throw Error(ErrorCode::kInternal, "audit log: " + name_ + " is damaged");
  iovec pieces[2] = {{const_cast<char*>(head.data()), head.size()},
                     {const_cast<char*>(body.data()), body.size()}};
  std::size_t remaining = head.size() + body.size();
  iovec* next = pieces;
  int count = 2;
  while (remaining > 0) {
    const ssize_t n = ::writev(fd_, next, count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;
      // Never leave half a line: the next record would be glued to it.
      if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) intact_ = false;
      fail("write " + name_, error);
    }
    remaining -= static_cast<std::size_t>(n);
    auto written = static_cast<std::size_t>(n);
    while (count > 0 && written >= next->iov_len) {
      written -= next->iov_len;
      ++next;
      --count;
    }
    if (count > 0) {
      next->iov_base = static_cast<char*>(next->iov_base) + written;
      next->iov_len -= written;
    }
  }
  size_ += head.size() + body.size();
}

void AppendFile::sync() {
  if (::fdatasync(fd_) != 0) fail("fdatasync " + name_, errno);
}

void sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open " + directory.string(), errno);
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0) fail("fsync " + directory.string(), error);
}

void write_file_atomically(const std::filesystem::path& directory, const std::string& name,
                           std::string_view text) {
  const std::filesystem::path temporary = directory / (name + ".tmp");
  const std::filesystem::path final_path = directory / name;
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("open " + temporary.string(), errno);
  try {
    write_all(fd, text, "write " + temporary.string());
    if (::fsync(fd) != 0) fail("fsync " + temporary.string(), errno);
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail("rename " + final_path.string(), error);
  }
  sync_directory(directory);
}

}  // namespace coffer::core::audit
