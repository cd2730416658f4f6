#include "tools/cofferd/first_run.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/hex.h"
#include "common/log.h"

namespace coffer::daemon {
namespace {

void write_private_file(const std::string& path, const std::string& content) {
  const mode_t old_mask = ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  ::umask(old_mask);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << content;
  out.close();
  ::chmod(path.c_str(), 0600);
}

std::string random_pin() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::uint8_t bytes[16];
  urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  return to_hex(bytes);
}

// Runs a program without a shell; PINs never pass through /bin/sh.
int run(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

void prepare_softhsm(const std::string& state_dir, const std::string& label) {
  namespace fs = std::filesystem;
  fs::create_directories(state_dir + "/tokens");
  const std::string dir = fs::absolute(state_dir).lexically_normal().string();
  const std::string conf = dir + "/softhsm2.conf";
  if (std::getenv("SOFTHSM2_CONF") == nullptr) ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  if (fs::exists(conf)) return;
  write_private_file(conf, "directories.tokendir = " + dir + "/tokens\nobjectstore.backend = file\n"
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
  if (run({"softhsm2-util", "--init-token", "--free", "--label", label, "--pin", read(dir + "/user.pin"),
           "--so-pin", read(dir + "/so.pin")}) != 0) {
    throw std::runtime_error("softhsm2-util --init-token failed");
  }
  log_event(LogLevel::kInfo, "token_created", {{"label", label}, {"dir", dir + "/tokens"}});
}

void ensure_admin_credential(core::AccessKeys& keys, const std::string& state_dir) {
  if (!keys.list().empty()) return;
  auto made = keys.create("admin");
  const std::string path = state_dir + "/admin.credentials";
  write_private_file(path, made.access_key_id + ":" + made.secret + "\n");
  log_event(LogLevel::kInfo, "admin_credential_created",
            {{"access_key_id", made.access_key_id}, {"principal", "admin"}, {"file", path}});
}

}  // namespace coffer::daemon
