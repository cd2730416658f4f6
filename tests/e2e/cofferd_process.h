// A real cofferd for end-to-end tests: started on a free loopback port with its own
// temporary state directory, waited for until it logs "ready", stopped with SIGTERM.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "client/client_config.h"

namespace coffer::testing {

// A directory under $TMPDIR removed (with its contents) when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CofferdOptions {
  bool plaintext = true;                // --plaintext-loopback
  bool unauthenticated = true;          // --allow-unauthenticated-loopback
  std::vector<std::string> extra_args;  // e.g. --tls-cert FILE
};

class CofferdProcess {
 public:
  // Starts cofferd on 127.0.0.1 (port 0 unless `port` is given) over `state_dir`.
  // Throws std::runtime_error, with the daemon's log, if it is not ready within a minute.
  CofferdProcess(std::string state_dir, CofferdOptions options = {}, unsigned short port = 0);
  ~CofferdProcess();
  CofferdProcess(const CofferdProcess&) = delete;
  CofferdProcess& operator=(const CofferdProcess&) = delete;

  // SIGTERM, then waits; returns the exit status (-1 when killed by a signal).
  int stop();
  bool running() const { return pid_ > 0; }

  unsigned short port() const { return port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  // A client configuration for this daemon (plaintext TCP unless TLS was configured).
  client::ClientConfig client_config() const;
  // "AKID:SECRET" of the admin access key the daemon made on first run.
  std::string admin_api_key() const;
  std::string log() const;

 private:
  void start(unsigned short port);

  std::string state_dir_;
  CofferdOptions options_;
  std::string log_path_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// The path of the cofferd binary under test (COFFER_COFFERD, set by CMake).
std::string cofferd_binary();

}  // namespace coffer::testing
