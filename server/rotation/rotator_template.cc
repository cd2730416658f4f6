#include "server/rotation/rotator_template.h"

#include <algorithm>
#include <utility>

#include "common/error.h"
#include "common/log.h"

namespace coffer::server::rotation {

namespace {

bool has_stage(const std::vector<std::string>& stages, std::string_view stage) {
  return std::find(stages.begin(), stages.end(), stage) != stages.end();
}

void log_step(const RotationEvent& event, std::string detail) {
  log_event(LogLevel::kInfo, "secret_rotation_step",
            {{"secret", event.secret_id},
             {"version", event.client_request_token},
             {"step", std::string(step_name(event.step))},
             {"detail", std::move(detail)}});
}

}  // namespace

void RotatorTemplate::invoke(const RotationEvent& event) {
  if (!version_needs_step(event)) return;
  switch (event.step) {
    case RotationStep::kCreateSecret:
      return create_secret(event);
    case RotationStep::kSetSecret:
      return set_secret(event);
    case RotationStep::kTestSecret:
      return test_secret(event);
    case RotationStep::kFinishSecret:
      return finish_secret(event);
  }
  throw Error(ErrorCode::kInvalidRequest, "Invalid step parameter for secret " + event.secret_id);
}

core::SecretValue RotatorTemplate::value_of(const std::string& secret_id, const char* stage,
                                            const std::optional<std::string>& version_id) {
  core::GetSecretValueRequest request;
  request.secret_id = secret_id;
  request.version_id = version_id;
  request.version_stage = stage;
  return std::move(secrets_.get_secret_value(request).value);
}

bool RotatorTemplate::version_needs_step(const RotationEvent& event) {
  const std::string& arn = event.secret_id;
  const std::string& token = event.client_request_token;
  const core::SecretDescription metadata = secrets_.describe_secret(arn);
  if (!metadata.secret.rotation_enabled) {
    throw Error(ErrorCode::kInvalidRequest, "Secret " + arn + " is not enabled for rotation");
  }
  auto version = metadata.version_ids_to_stages.find(token);
  if (version == metadata.version_ids_to_stages.end()) {
    // AWS stages an empty AWSPENDING version before createSecret; Coffer's createSecret
    // makes the version itself, so only the later steps require it.
    if (event.step == RotationStep::kCreateSecret) return true;
    throw Error(ErrorCode::kInvalidRequest,
                "Secret version " + token + " has no stage for rotation of secret " + arn + ".");
  }
  if (has_stage(version->second, kCurrentStage)) {
    log_step(event, "version already set as AWSCURRENT");
    return false;
  }
  if (!has_stage(version->second, kPendingStage)) {
    throw Error(
        ErrorCode::kInvalidRequest,
        "Secret version " + token + " not set as AWSPENDING for rotation of secret " + arn + ".");
  }
  return true;
}

void RotatorTemplate::create_secret(const RotationEvent& event) {
  const std::string& arn = event.secret_id;
  // Make sure the current secret exists.
  const core::SecretValue current = value_of(arn, kCurrentStage);
  try {
    value_of(arn, kPendingStage, event.client_request_token);
    log_step(event, "pending version already exists");
    return;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kResourceNotFound) throw;
  }
  core::RandomPasswordRequest generate;
  generate.exclude_characters = std::string(kExcludedPasswordCharacters);
  const SecretBytes password = secrets_.get_random_password(generate);

  core::PutSecretValueRequest put;
  put.secret_id = arn;
  put.client_request_token = event.client_request_token;
  put.value = pending_value(current, password);
  put.version_stages = std::vector<std::string>{kPendingStage};
  secrets_.put_secret_value(put);
  log_step(event, "put the pending version");
}

void RotatorTemplate::finish_secret(const RotationEvent& event) {
  const std::string& token = event.client_request_token;
  const core::SecretDescription metadata = secrets_.describe_secret(event.secret_id);
  std::optional<std::string> current_version;
  for (const auto& [version, stages] : metadata.version_ids_to_stages) {
    if (!has_stage(stages, kCurrentStage)) continue;
    if (version == token) {
      log_step(event, "version already marked as AWSCURRENT");
      return;
    }
    current_version = version;
    break;
  }
  core::UpdateSecretVersionStageRequest update;
  update.secret_id = event.secret_id;
  update.version_stage = kCurrentStage;
  update.move_to_version_id = token;
  update.remove_from_version_id = current_version;
  secrets_.update_secret_version_stage(update);
  log_step(event, "moved AWSCURRENT to the new version");
}

}  // namespace coffer::server::rotation
