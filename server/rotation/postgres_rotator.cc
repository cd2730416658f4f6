#include "server/rotation/postgres_rotator.h"

#include "common/error.h"
#include "common/log.h"
#include "server/rotation/postgres_session.h"

namespace coffer::server::rotation {

PostgresSecret PostgresRotator::secret_at(const std::string& secret_id, const char* stage,
                                          const std::optional<std::string>& version_id) {
  return parse_postgres_secret(value_of(secret_id, stage, version_id),
                               std::string("the ") + stage + " version of " + secret_id);
}

void PostgresRotator::test_secret(const RotationEvent& event) {
  const PostgresSecret pending =
      secret_at(event.secret_id, kPendingStage, event.client_request_token);
  std::optional<PostgresSession> session = PostgresSession::login(pending, event.secret_id);
  if (!session) {
    throw Error(ErrorCode::kInvalidRequest,
                "Unable to log into database with pending secret of secret ARN " + event.secret_id);
  }
  // Where a deployment would check the user's permissions; AWS's template only asks the time.
  session->run("SELECT NOW()");
  log_event(LogLevel::kInfo, "secret_rotation_step",
            {{"secret", event.secret_id},
             {"step", "testSecret"},
             {"detail", "signed in with the AWSPENDING version"}});
}

}  // namespace coffer::server::rotation
