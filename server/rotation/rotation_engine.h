// The rotation engine of cofferd: runs AWS's four rotation steps (createSecret, setSecret,
// testSecret, finishSecret) for each rotation that RotateSecret or the schedule starts, one
// rotation at a time on its own thread, and reports the end to the secret's service. The
// function is a built-in rotator (coffer:rotator:...) or a Lambda-style function from the
// functions directory, which reaches cofferd's AWS endpoint with a credential of its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/secrets/secrets_service.h"
#include "server/rotation/rotation_credentials.h"
#include "server/rotation/rotation_function.h"

namespace coffer::server::rotation {

struct RotationEngineOptions {
  std::string functions_dir;  // empty: built-in rotators only
  std::chrono::milliseconds step_timeout{60'000};
  std::chrono::milliseconds tick{60'000};  // how often due rotations and purges are looked for
  std::string python = "python3";          // resolved in PATH at construction
};

class RotationEngine {
 public:
  RotationEngine(RotationEngineOptions options, RotationCredentials& credentials);
  ~RotationEngine();
  RotationEngine(const RotationEngine&) = delete;
  RotationEngine& operator=(const RotationEngine&) = delete;

  // Serves `secrets` (region `region`): sets its rotation launcher and ticks its due work.
  void add(core::SecretsService& secrets, const std::string& region);
  // The AWS endpoint Lambda-style functions call (http://127.0.0.1:PORT); empty: none.
  void set_endpoint(const std::string& url);
  void start();
  void stop();  // waits for the rotation under way (a step is bounded by step_timeout)

  // Runs one rotation now, on the caller's thread (tests). Returns whether it succeeded.
  bool rotate(core::SecretsService& secrets, const std::string& region, const std::string& arn,
              const std::string& token);

 private:
  struct Job {
    core::SecretsService* secrets;
    std::string region;
    std::string arn;
    std::string token;
  };
  void run();
  void enqueue(Job job);
  std::unique_ptr<RotationFunction> function_for(core::SecretsService& secrets,
                                                 const std::string& region,
                                                 const std::string& lambda_arn,
                                                 const std::string& secret_arn,
                                                 std::string* access_key_id);

  RotationEngineOptions options_;
  RotationCredentials& credentials_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::set<std::string> queued_;  // ARNs queued or rotating: one rotation per secret at a time
  std::vector<std::pair<core::SecretsService*, std::string>> services_;
  std::string endpoint_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace coffer::server::rotation
