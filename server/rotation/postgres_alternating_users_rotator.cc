// coffer:rotator:postgresql-alternating-users, after AWS's
// SecretsManagerRDSPostgreSQLRotationMultiUser: each rotation hands the secret to the other
// of USER and USER_clone, whose password the master user (the secret named by "masterarn")
// sets; the first rotation creates USER_clone as a member of USER. The user the secret held
// before keeps working until the next rotation, so clients never see a dead password.
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

class PostgresAlternatingUsersRotator final : public PostgresRotator {
 public:
  using PostgresRotator::PostgresRotator;

 protected:
  core::SecretValue pending_value(const core::SecretValue& current,
                                  const SecretBytes& password) override {
    const PostgresSecret secret = parse_postgres_secret(current, "the AWSCURRENT version");
    return postgres_pending_value(current, password, alternate_username(secret.username));
  }

  void set_secret(const RotationEvent& event) override {
    const std::string& arn = event.secret_id;
    const PostgresSecret current = secret_at(arn, kCurrentStage);
    const PostgresSecret pending = secret_at(arn, kPendingStage, event.client_request_token);

    if (PostgresSession::login(pending, arn)) {
      log_event(LogLevel::kInfo, "secret_rotation_step",
                {{"secret", arn},
                 {"step", "setSecret"},
                 {"detail", "AWSPENDING is already the password in the database"}});
      return;
    }
    if (alternate_username(current.username) != pending.username) {
      invalid("Attempting to modify user " + pending.username +
              " other than current user or clone " + current.username);
    }
    if (current.host != pending.host) {
      invalid("Attempting to modify user for host " + pending.host + " other than current host " +
              current.host);
    }
    // The current credentials must work before the master user acts on them: a secret
    // naming somebody else's user gets nothing done for it (a confused deputy).
    if (!PostgresSession::login(current, arn)) {
      invalid("Unable to log into database using current credentials for secret " + arn);
    }
    if (!current.masterarn) invalid("masterarn key is missing from the AWSCURRENT version");
    const std::string& master_arn = *current.masterarn;
    PostgresSecret master = secret_at(master_arn, kCurrentStage);
    master.dbname = current.dbname;  // the user's database, not the master's
    if (current.host != master.host) {
      invalid("Current database host " + current.host + " is not the same host as master " +
              master.host);
    }
    std::optional<PostgresSession> session = PostgresSession::login(master, master_arn);
    if (!session) {
      invalid("Unable to log into database using credentials in master secret " + master_arn);
    }

    const std::string pending_user = session->identifier(pending.username);
    const std::string current_user = session->identifier(current.username);
    session->run("BEGIN");
    WipedString statement;
    const bool create = !session->role_exists(pending.username);
    statement.str() = create ? "CREATE ROLE " + pending_user + " WITH LOGIN PASSWORD "
                             : "ALTER USER " + pending_user + " WITH PASSWORD ";
    session->append_password_literal(statement, pending.password(), pending.username);
    session->run_with_secret(statement, create ? "CREATE ROLE" : "ALTER USER");
    // The clone gets every permission of the user it alternates with by membership.
    if (create) session->run("GRANT " + current_user + " TO " + pending_user);
    session->run("COMMIT");
    log_event(
        LogLevel::kInfo, "secret_rotation_step",
        {{"secret", arn},
         {"step", "setSecret"},
         {"detail", std::string(create ? "created " : "set the password of ") + pending.username}});
  }
};

}  // namespace

std::unique_ptr<RotationFunction> make_postgres_alternating_users_rotator(
    core::SecretsService& secrets) {
  return std::make_unique<PostgresAlternatingUsersRotator>(secrets);
}

}  // namespace coffer::server::rotation
