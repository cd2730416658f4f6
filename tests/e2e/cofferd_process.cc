#include "tests/e2e/cofferd_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace coffer::testing {
namespace {

std::string read_whole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string cofferd_binary() { return COFFER_COFFERD; }

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/coffer-e2e-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  if (std::getenv("COFFER_KEEP_TEST_DIRS") != nullptr) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CofferdProcess::CofferdProcess(std::string state_dir, CofferdOptions options, unsigned short port)
    : state_dir_(std::move(state_dir)), options_(std::move(options)) {
  std::filesystem::create_directories(state_dir_);
  start(port);
}

CofferdProcess::~CofferdProcess() { stop(); }

void CofferdProcess::start(unsigned short port) {
  // One log per start, so a restart's "ready" is not the previous run's.
  static int starts = 0;
  log_path_ = state_dir_ + "/../cofferd-" + std::to_string(::getpid()) + "-" +
              std::to_string(++starts) + ".log";
  std::vector<std::string> args = {cofferd_binary(),
                                   "--state-dir",
                                   state_dir_,
                                   "--listen",
                                   "127.0.0.1:" + std::to_string(port),
                                   "--metrics-listen",
                                   "127.0.0.1:0"};
  if (options_.plaintext) args.push_back("--plaintext-loopback");
  if (options_.unauthenticated) args.push_back("--allow-unauthenticated-loopback");
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());

  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // The daemon logs to stderr; a file never blocks it the way an unread pipe would.
    FILE* log = std::freopen(log_path_.c_str(), "w", stderr);
    if (log == nullptr) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;

  const std::regex ready_port("\"event\":\"ready\".*\"port\":\"([0-9]+)\"");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    std::smatch m;
    const std::string log = read_whole(log_path_);
    if (std::regex_search(log, m, ready_port)) {
      port_ = static_cast<unsigned short>(std::stoi(m[1]));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("cofferd exited before it was ready:\n" + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string log = read_whole(log_path_);
  stop();
  throw std::runtime_error("cofferd was not ready within 60 s:\n" + log);
}

int CofferdProcess::stop() {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGTERM);
  int status = 0;
  // Draining waits for in-flight requests; do not hang a test run on a stuck daemon.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(45);
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

client::ClientConfig CofferdProcess::client_config() const {
  client::ClientConfig config;
  config.endpoint = endpoint();
  config.tls = !options_.plaintext;
  config.request_timeout = std::chrono::seconds(60);  // sanitizer builds are slow
  return config;
}

std::string CofferdProcess::admin_api_key() const {
  return client::read_secret_line(state_dir_ + "/admin.credentials");
}

std::string CofferdProcess::log() const { return read_whole(log_path_); }

}  // namespace coffer::testing
