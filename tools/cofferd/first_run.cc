#include "tools/cofferd/first_run.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/hex.h"
#include "common/log.h"
#include "common/secret_bytes.h"
#include "pkcs11/token_init.h"

namespace coffer::cofferd {
namespace {

// A new file only this user can read. O_EXCL|O_NOFOLLOW: never through a symlink an
// attacker planted, never into an existing file (whose mode might be wider). `replace`
// removes an existing entry first (the entry itself, not what a symlink points at).
void write_private_file(const std::string& path, const std::string& content, bool replace = false) {
  if (replace) ::unlink(path.c_str());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error("cannot write " + path);
}

// A state directory only this user can enter.
void make_private_directory(const std::string& path) {
  std::filesystem::create_directories(path);
  if (::chmod(path.c_str(), 0700) != 0) {
    throw std::runtime_error("cannot restrict " + path + ": " + std::strerror(errno));
  }
}

std::string random_pin() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::uint8_t bytes[16];
  urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  return to_hex(bytes);
}

}  // namespace

void prepare_softhsm(const std::string& state_dir, const std::string& label,
                     const std::string& module_path) {
  namespace fs = std::filesystem;
  make_private_directory(state_dir);
  make_private_directory(state_dir + "/tokens");
  const std::string dir = fs::absolute(state_dir).lexically_normal().string();
  const std::string conf = dir + "/softhsm2.conf";
  if (std::getenv("SOFTHSM2_CONF") == nullptr) ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  if (fs::exists(conf)) return;
  write_private_file(conf, "directories.tokendir = " + dir +
                               "/tokens\nobjectstore.backend = file\n"
                               "log.level = ERROR\nslots.removable = false\n");
  if (!fs::exists(dir + "/user.pin")) {
    write_private_file(dir + "/user.pin", random_pin());
    write_private_file(dir + "/so.pin", random_pin());
  }
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    return s;
  };
  ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  // Through PKCS#11 in this process: no PIN on any command line.
  std::string so_pin = read(dir + "/so.pin"), user_pin = read(dir + "/user.pin");
  try {
    pkcs11::initialize_free_token(module_path, label, so_pin, user_pin);
  } catch (...) {
    secure_zero(so_pin.data(), so_pin.size());
    secure_zero(user_pin.data(), user_pin.size());
    throw;
  }
  secure_zero(so_pin.data(), so_pin.size());
  secure_zero(user_pin.data(), user_pin.size());
  log_event(LogLevel::kInfo, "token_created", {{"label", label}, {"dir", dir + "/tokens"}});
}

void ensure_admin_credential(core::AccessKeys& keys, const std::string& state_dir) {
  if (!keys.list().empty()) return;
  auto made = keys.create("admin");
  const std::string path = state_dir + "/admin.credentials";
  // A file left by an earlier store names a key that no longer exists: replace it.
  write_private_file(path, made.access_key_id + ":" + made.secret + "\n", /*replace=*/true);
  log_event(LogLevel::kInfo, "admin_credential_created",
            {{"access_key_id", made.access_key_id}, {"principal", "admin"}, {"file", path}});
}

}  // namespace coffer::cofferd
