#include "server/rotation/postgres_session.h"

#include <libpq-fe.h>

#include <cstring>
#include <memory>

#include "common/error.h"
#include "common/log.h"

namespace coffer::server::rotation {

namespace {

// AWS's templates give up on a login after 5 seconds.
constexpr const char* kConnectTimeoutSeconds = "5";
// Where verify-ca / verify-full find trusted roots (AWS's templates use the system bundle,
// /etc/pki/tls/cert.pem on Amazon Linux): Debian's bundle.
constexpr const char* kSystemRootCertificates = "/etc/ssl/certs/ca-certificates.crt";

struct ResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's messages end with a newline; the logs and errors want one line.
std::string one_line(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

bool succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::string sqlstate(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return state != nullptr ? state : "unknown";
}

}  // namespace

std::optional<PostgresSession> PostgresSession::login(const PostgresSecret& secret,
                                                      const std::string& what) {
  const std::string dbname = secret.dbname.value_or("postgres");
  const bool verify = secret.sslmode == "verify-ca" || secret.sslmode == "verify-full";
  const char* keywords[] = {"host",
                            "port",
                            "dbname",
                            "user",
                            "password",
                            "sslmode",
                            "connect_timeout",
                            "application_name",
                            verify ? "sslrootcert" : nullptr,
                            nullptr};
  const char* values[] = {secret.host.c_str(),
                          secret.port.c_str(),
                          dbname.c_str(),
                          secret.username.c_str(),
                          secret.password().c_str(),
                          secret.sslmode.c_str(),
                          kConnectTimeoutSeconds,
                          "coffer-rotator",
                          verify ? kSystemRootCertificates : nullptr,
                          nullptr};
  // expand_dbname = 0: a dbname is a name, never a connection string of its own.
  PGconn* conn = PQconnectdbParams(keywords, values, 0);
  if (conn == nullptr) {
    throw Error(ErrorCode::kInternalServiceError, "Out of memory connecting to the database");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    log_event(LogLevel::kWarn, "secret_rotation_login_failed",
              {{"secret", what},
               {"host", secret.host},
               {"user", secret.username},
               {"sslmode", secret.sslmode},
               {"reason", one_line(PQerrorMessage(conn))}});
    PQfinish(conn);
    return std::nullopt;
  }
  return PostgresSession(conn);
}

PostgresSession::~PostgresSession() {
  if (conn_ != nullptr) PQfinish(conn_);  // libpq wipes the password it kept
}

PostgresSession& PostgresSession::operator=(PostgresSession&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = other.conn_;
    other.conn_ = nullptr;
  }
  return *this;
}

void PostgresSession::run(const std::string& sql) {
  Result result(PQexec(conn_, sql.c_str()));
  if (!succeeded(result.get())) {
    const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
    throw Error(ErrorCode::kInternalServiceError,
                "The database refused a rotation statement: " +
                    one_line(primary != nullptr ? primary : PQerrorMessage(conn_)));
  }
}

void PostgresSession::run_with_secret(const WipedString& sql, std::string_view what) {
  Result result(PQexec(conn_, sql.c_str()));
  if (!succeeded(result.get())) {
    // The server's message may quote the statement, and so the password: only the code.
    throw Error(ErrorCode::kInternalServiceError, "The database refused " + std::string(what) +
                                                      " (SQLSTATE " + sqlstate(result.get()) + ")");
  }
}

bool PostgresSession::role_exists(const std::string& role) {
  const char* params[] = {role.c_str()};
  Result result(PQexecParams(conn_, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, nullptr, params,
                             nullptr, nullptr, 0));
  if (!succeeded(result.get())) {
    throw Error(ErrorCode::kInternalServiceError,
                "Could not look up a role: " + one_line(PQerrorMessage(conn_)));
  }
  return PQntuples(result.get()) > 0;
}

std::string PostgresSession::identifier(const std::string& name) {
  char* quoted = PQescapeIdentifier(conn_, name.data(), name.size());
  if (quoted == nullptr) {
    throw Error(ErrorCode::kInvalidRequest,
                "Could not quote a role name: " + one_line(PQerrorMessage(conn_)));
  }
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

void PostgresSession::append_password_literal(WipedString& sql, const std::string& password,
                                              const std::string& role) {
  // algorithm nullptr: whatever the server's password_encryption says.
  char* verifier = PQencryptPasswordConn(conn_, password.c_str(), role.c_str(), nullptr);
  if (verifier == nullptr) {
    throw Error(ErrorCode::kInternalServiceError,
                "Could not compute the password verifier: " + one_line(PQerrorMessage(conn_)));
  }
  const std::size_t verifier_size = std::strlen(verifier);
  char* quoted = PQescapeLiteral(conn_, verifier, verifier_size);
  secure_zero(verifier, verifier_size);
  PQfreemem(verifier);
  if (quoted == nullptr) {
    throw Error(ErrorCode::kInternalServiceError, "Could not quote the password verifier");
  }
  const std::size_t quoted_size = std::strlen(quoted);
  // Grown first, so that the buffer that gets the verifier is the one WipedString wipes.
  sql.str().reserve(sql.str().size() + quoted_size);
  sql.str().append(quoted, quoted_size);
  secure_zero(quoted, quoted_size);
  PQfreemem(quoted);
}

}  // namespace coffer::server::rotation
