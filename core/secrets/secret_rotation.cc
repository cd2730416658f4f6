// SecretsService: RotateSecret, CancelRotateSecret and the rotation engine's callbacks. The
// engine (server/rotation) runs the four steps; this file keeps the schedule and the token.
#include "common/error.h"
#include "common/log.h"
#include "core/secrets/rotation_schedule.h"
#include "core/secrets/secrets_service.h"
#include "core/secrets/secrets_service_internal.h"

namespace coffer::core {

using namespace secrets_detail;

namespace {

// A rotation already under way: AWSPENDING on a version that is not AWSCURRENT. AWS resumes
// it with the same token, so a failed step is retried rather than forgotten.
std::string pending_token(const std::vector<SecretVersionRecord>& versions) {
  const std::string pending = holder_of(versions, kPending);
  if (pending.empty() || pending == holder_of(versions, kCurrent)) return "";
  return pending;
}

}  // namespace

std::optional<Timestamp> SecretsService::next_rotation(const SecretRecord& secret,
                                                       Timestamp from) const {
  if (!secret.rotation_enabled) return std::nullopt;
  const RotationRules& r = secret.rotation_rules;
  if (!r.automatically_after_days && r.schedule_expression.empty()) return std::nullopt;
  return next_rotation_time(secret.rotation_rules, from, clock_.now());
}

SecretVersionRef SecretsService::rotate_secret(const RotateSecretRequest& request) {
  if (request.rotation_rules) validate_rotation_rules(*request.rotation_rules);
  RotationLauncher launcher;
  {
    std::lock_guard lock(launcher_mutex_);
    launcher = launcher_;
  }
  if (!launcher) {
    throw Error(ErrorCode::kInvalidRequest,
                "Rotation is not available: this server runs no rotation engine.");
  }
  std::string token;
  bool retrying = false;
  SecretVersionRef ref;
  {
    std::lock_guard lock(mutations_);
    Loaded loaded = load_live(request.secret_id, api::Operation::kRotateSecret);
    SecretChange change = change_of(loaded.secret);
    SecretRecord& s = change.secret;
    if (request.rotation_lambda_arn) s.rotation_lambda_arn = *request.rotation_lambda_arn;
    if (s.rotation_lambda_arn.empty()) {
      throw Error(ErrorCode::kInvalidRequest,
                  "No Lambda rotation function ARN is associated with this secret.");
    }
    if (request.rotation_rules) s.rotation_rules = *request.rotation_rules;
    // As AWS: RotateSecret turns rotation on (AWS's rotation templates refuse a secret whose
    // RotationEnabled is false); without a schedule only RotateSecret and retries run it.
    s.rotation_enabled = true;
    const Timestamp now = clock_.now();
    s.next_rotation_at = next_rotation(s, s.last_rotated_at.value_or(s.created_at));
    // As AWS: an AWSPENDING version that is not AWSCURRENT is a rotation under way or failed;
    // it is reattempted with its own token, and the caller is told so.
    token = pending_token(store_.list_secret_versions(s.arn));
    retrying = !token.empty();
    if (!retrying) {
      token = request.client_request_token.value_or(new_version_id());
      if (request.rotate_immediately) {
        stage_pending_version(change, token);
        // Not launched again by the scheduler while this one runs.
        s.next_rotation_at = now + std::chrono::hours(1);
      }
    }
    s.last_changed_at = now;
    apply(change);
    const bool launched = retrying || request.rotate_immediately;
    ref = {s.arn, s.name, launched ? std::optional(token) : std::nullopt};
  }
  if (retrying) {
    launcher(ref.arn, token);
    throw Error(ErrorCode::kInvalidRequest,
                "A previous rotation isn't complete. That rotation will be reattempted.");
  }
  if (request.rotate_immediately) launcher(ref.arn, token);
  return ref;
}

SecretVersionRef SecretsService::cancel_rotate_secret(const std::string& secret_id) {
  std::lock_guard lock(mutations_);
  Loaded loaded = load_live(secret_id, api::Operation::kCancelRotateSecret);
  SecretChange change = change_of(loaded.secret);
  change.secret.rotation_enabled = false;
  change.secret.next_rotation_at.reset();
  change.secret.last_changed_at = clock_.now();
  apply(change);
  const std::string pending = pending_token(store_.list_secret_versions(loaded.secret.arn));
  return {loaded.secret.arn, loaded.secret.name,
          pending.empty() ? std::nullopt : std::optional(pending)};
}

SecretsService::RotationTarget SecretsService::rotation_target(const std::string& secret_arn) {
  Loaded loaded = load_live(secret_arn);
  return {loaded.secret.arn, loaded.secret.name, loaded.secret.rotation_lambda_arn,
          loaded.secret.rotation_rules};
}

void SecretsService::rotation_finished(const std::string& secret_arn, const std::string& token,
                                       bool succeeded) {
  std::lock_guard lock(mutations_);
  Loaded loaded = load(secret_arn);
  SecretChange change = change_of(loaded.secret);
  SecretRecord& s = change.secret;
  const Timestamp now = clock_.now();
  if (succeeded) {
    s.last_rotated_at = now;
    s.next_rotation_at = next_rotation(s, now);
  } else if (s.rotation_enabled) {
    // AWSPENDING stays; the next attempt resumes it. Not sooner than an hour from now.
    s.next_rotation_at = now + std::chrono::hours(1);
  }
  apply(change);
  log_event(
      succeeded ? LogLevel::kInfo : LogLevel::kWarn, "secret_rotation_finished",
      {{"secret", secret_arn}, {"token", token}, {"succeeded", succeeded ? "true" : "false"}});
}

}  // namespace coffer::core
