#include "server/rotation/rotation_engine.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "common/error.h"
#include "common/log.h"
#include "server/rotation/builtin_rotators.h"
#include "server/rotation/lambda_function.h"

extern char** environ;

namespace coffer::server::rotation {
namespace {

std::string in_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// The function's environment: cofferd's own minus any AWS settings, then the endpoint, the
// region and the rotation's credential (what Lambda gives a function, plus the endpoint).
std::vector<std::string> function_environment(const std::string& endpoint,
                                              const std::string& region,
                                              const IssuedCredential& credential,
                                              const std::string& lambda_arn) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("AWS_") || entry.starts_with("SECRETS_MANAGER_ENDPOINT=")) continue;
    env.emplace_back(entry);
  }
  env.push_back("AWS_ENDPOINT_URL=" + endpoint);
  env.push_back("SECRETS_MANAGER_ENDPOINT=" + endpoint);
  env.push_back("AWS_REGION=" + region);
  env.push_back("AWS_DEFAULT_REGION=" + region);
  env.push_back("AWS_ACCESS_KEY_ID=" + credential.access_key_id);
  env.push_back("AWS_SECRET_ACCESS_KEY=" + credential.secret_access_key);
  env.push_back("AWS_EC2_METADATA_DISABLED=true");
  env.push_back("COFFER_FUNCTION_ARN=" + lambda_arn);
  return env;
}

}  // namespace

RotationEngine::RotationEngine(RotationEngineOptions options, RotationCredentials& credentials)
    : options_(std::move(options)), credentials_(credentials) {
  options_.python = in_path(options_.python);
}

RotationEngine::~RotationEngine() { stop(); }

void RotationEngine::add(core::SecretsService& secrets, const std::string& region) {
  {
    std::lock_guard lock(mutex_);
    services_.emplace_back(&secrets, region);
  }
  secrets.set_rotation_launcher(
      [this, &secrets, region](const std::string& arn, const std::string& token) {
        enqueue({&secrets, region, arn, token});
      });
}

void RotationEngine::set_endpoint(const std::string& url) {
  std::lock_guard lock(mutex_);
  endpoint_ = url;
}

void RotationEngine::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void RotationEngine::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RotationEngine::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (!queued_.insert(job.arn).second) return;  // already queued or rotating
    queue_.push_back(std::move(job));
  }
  wake_.notify_all();
}

void RotationEngine::run() {
  auto next_tick = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (std::chrono::steady_clock::now() >= next_tick) {
      auto services = services_;
      lock.unlock();
      for (auto& [secrets, region] : services) {
        try {
          secrets->run_due_work();  // may enqueue (the launcher takes mutex_)
        } catch (const std::exception& e) {
          log_event(LogLevel::kError, "secrets_due_work_failed", {{"message", e.what()}});
        }
      }
      lock.lock();
      next_tick = std::chrono::steady_clock::now() + options_.tick;
      continue;
    }
    if (queue_.empty()) {
      wake_.wait_until(lock, next_tick);
      continue;
    }
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    rotate(*job.secrets, job.region, job.arn, job.token);
    lock.lock();
    queued_.erase(job.arn);
  }
}

std::unique_ptr<RotationFunction> RotationEngine::function_for(core::SecretsService& secrets,
                                                               const std::string& region,
                                                               const std::string& lambda_arn,
                                                               const std::string& secret_arn,
                                                               std::string* access_key_id) {
  if (auto builtin = make_builtin_rotator(lambda_arn, secrets)) return builtin;
  auto location = find_lambda(options_.functions_dir, lambda_arn, options_.python);
  if (!location) {
    throw Error(ErrorCode::kInvalidRequest,
                "no rotation function for " + lambda_arn +
                    (options_.functions_dir.empty() ? " (no rotation_functions_dir is set)"
                                                    : " in " + options_.functions_dir));
  }
  std::string endpoint;
  {
    std::lock_guard lock(mutex_);
    endpoint = endpoint_;
  }
  if (endpoint.empty()) {
    throw Error(ErrorCode::kInvalidRequest,
                "Lambda-style rotation functions need the AWS endpoint (aws_listen)");
  }
  // Valid for the whole rotation at most: four steps, each bounded by the step timeout.
  const auto credential =
      credentials_.issue(secret_arn, 4 * options_.step_timeout + std::chrono::seconds(30));
  *access_key_id = credential.access_key_id;
  return std::make_unique<LambdaFunction>(
      std::move(*location), function_environment(endpoint, region, credential, lambda_arn),
      options_.step_timeout);
}

bool RotationEngine::rotate(core::SecretsService& secrets, const std::string& region,
                            const std::string& arn, const std::string& token) {
  std::string access_key_id;
  bool succeeded = false;
  std::string failed_step;
  try {
    const auto target = secrets.rotation_target(arn);
    auto function = function_for(secrets, region, target.lambda_arn, arn, &access_key_id);
    log_event(LogLevel::kInfo, "secret_rotation_started",
              {{"secret", arn}, {"token", token}, {"function", target.lambda_arn}});
    for (RotationStep step : {RotationStep::kCreateSecret, RotationStep::kSetSecret,
                              RotationStep::kTestSecret, RotationStep::kFinishSecret}) {
      failed_step = std::string(step_name(step));
      function->invoke({arn, token, step});
    }
    succeeded = true;
  } catch (const std::exception& e) {
    log_event(LogLevel::kWarn, "secret_rotation_failed",
              {{"secret", arn}, {"token", token}, {"step", failed_step}, {"message", e.what()}});
  }
  if (!access_key_id.empty()) credentials_.revoke(access_key_id);
  try {
    secrets.rotation_finished(arn, token, succeeded);
  } catch (const std::exception& e) {
    log_event(LogLevel::kWarn, "secret_rotation_not_recorded",
              {{"secret", arn}, {"message", e.what()}});
  }
  return succeeded;
}

}  // namespace coffer::server::rotation
