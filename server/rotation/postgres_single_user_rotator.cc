// coffer:rotator:postgresql-single-user, after AWS's
// SecretsManagerRDSPostgreSQLRotationSingleUser: the user logs in and changes its own
// password, so the old password stops working at once.
#include <memory>

#include "common/error.h"
#include "common/log.h"
#include "server/rotation/builtin_rotator_factories.h"
#include "server/rotation/postgres_rotator.h"
#include "server/rotation/postgres_session.h"

namespace coffer::server::rotation {

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidRequest, message);
}

class PostgresSingleUserRotator final : public PostgresRotator {
 public:
  using PostgresRotator::PostgresRotator;

 protected:
  core::SecretValue pending_value(const core::SecretValue& current,
                                  const SecretBytes& password) override {
    return postgres_pending_value(current, password, std::nullopt);
  }

  // Logs in with AWSPENDING (already set: done), else AWSCURRENT, else AWSPREVIOUS, and
  // sets the pending password.
  void set_secret(const RotationEvent& event) override {
    const std::string& arn = event.secret_id;
    std::optional<PostgresSecret> previous;
    try {
      previous = secret_at(arn, kPreviousStage);
    } catch (const Error& e) {
      // No AWSPREVIOUS, or not in RDS shape: there is simply no third try.
      if (e.code() != ErrorCode::kResourceNotFound && e.code() != ErrorCode::kInvalidRequest) {
        throw;
      }
    }
    const PostgresSecret current = secret_at(arn, kCurrentStage);
    const PostgresSecret pending = secret_at(arn, kPendingStage, event.client_request_token);

    if (PostgresSession::login(pending, arn)) {
      log_event(LogLevel::kInfo, "secret_rotation_step",
                {{"secret", arn},
                 {"step", "setSecret"},
                 {"detail", "AWSPENDING is already the password in the database"}});
      return;
    }
    if (current.username != pending.username) {
      invalid("Attempting to modify user " + pending.username + " other than current user " +
              current.username);
    }
    if (current.host != pending.host) {
      invalid("Attempting to modify user for host " + pending.host + " other than current host " +
              current.host);
    }
    std::optional<PostgresSession> session = PostgresSession::login(current, arn);
    if (!session && previous) {
      // The previous version, with the current version's TLS settings.
      previous->sslmode = current.sslmode;
      if (previous->username != pending.username) {
        invalid("Attempting to modify user " + pending.username +
                " other than previous valid user " + previous->username);
      }
      if (previous->host != pending.host) {
        invalid("Attempting to modify user for host " + pending.host +
                " other than previous valid host " + previous->host);
      }
      session = PostgresSession::login(*previous, arn);
    }
    if (!session) {
      invalid(
          "Unable to log into database with previous, current, or pending secret of "
          "secret arn " +
          arn);
    }

    WipedString alter;
    alter.str() = "ALTER USER " + session->identifier(pending.username) + " WITH PASSWORD ";
    session->append_password_literal(alter, pending.password(), pending.username);
    session->run_with_secret(alter, "ALTER USER");
    log_event(LogLevel::kInfo, "secret_rotation_step",
              {{"secret", arn},
               {"step", "setSecret"},
               {"detail", "set the password of " + pending.username}});
  }
};

}  // namespace

std::unique_ptr<RotationFunction> make_postgres_single_user_rotator(core::SecretsService& secrets) {
  return std::make_unique<PostgresSingleUserRotator>(secrets);
}

}  // namespace coffer::server::rotation
