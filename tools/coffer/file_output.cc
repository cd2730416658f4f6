#include "tools/coffer/file_output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace coffer::tools::cli {
namespace {

[[noreturn]] void io_error(const std::string& what) {
  throw Error(ErrorCode::kValidation, what + ": " + std::strerror(errno));
}

// The temporary to remove if a signal ends the process (one output at a time).
char g_temp[4096];
std::atomic<bool> g_armed{false};

extern "C" void remove_temp_and_exit(int sig) {
  if (g_armed.load()) ::unlink(g_temp);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void arm(const std::string& temp) {
  if (temp.size() >= sizeof g_temp) return;
  std::memcpy(g_temp, temp.c_str(), temp.size() + 1);
  g_armed.store(true);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, remove_temp_and_exit);
}

void disarm() { g_armed.store(false); }

}  // namespace

FileOutput::FileOutput(const std::string& path) : path_(path) {
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    return;
  }
  const auto slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty()) throw Error(ErrorCode::kValidation, "--out names a directory: " + path);
  std::string pattern = dir + "/." + base + ".coffer-XXXXXX";
  fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);  // mode 0600
  if (fd_ < 0) io_error("cannot create a file in " + dir);
  temp_ = pattern;
  arm(temp_);
}

FileOutput::~FileOutput() {
  if (temp_.empty()) return;
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
  disarm();
}

void FileOutput::write(std::span<const std::uint8_t> bytes) {
  const std::uint8_t* data = bytes.data();
  std::size_t size = bytes.size();
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write " + (temp_.empty() ? std::string("stdout") : path_));
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void FileOutput::pwrite(std::span<const std::uint8_t> bytes, std::uint64_t offset) {
  const std::uint8_t* data = bytes.data();
  std::size_t size = bytes.size();
  while (size > 0) {
    const ssize_t n = ::pwrite(fd_, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write " + path_);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

void FileOutput::commit(bool sync) {
  if (temp_.empty()) return;
  if (sync && ::fdatasync(fd_) != 0) io_error("cannot flush " + path_);
  if (::close(fd_) != 0) {
    fd_ = -1;
    io_error("cannot write " + path_);
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) io_error("cannot rename into " + path_);
  committed_ = true;
}

std::size_t read_full(int fd, std::span<std::uint8_t> buffer, const std::string& what) {
  std::size_t used = 0;
  while (used < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot read " + what);
    }
    used += static_cast<std::size_t>(n);
  }
  return used;
}

void pread_full(int fd, std::span<std::uint8_t> buffer, std::uint64_t offset,
                const std::string& what) {
  std::size_t used = 0;
  while (used < buffer.size()) {
    const ssize_t n =
        ::pread(fd, buffer.data() + used, buffer.size() - used, static_cast<off_t>(offset + used));
    if (n == 0) throw Error(ErrorCode::kValidation, what + " changed while it was read");
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot read " + what);
    }
    used += static_cast<std::size_t>(n);
  }
}

}  // namespace coffer::tools::cli
