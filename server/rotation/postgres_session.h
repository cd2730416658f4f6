// A libpq connection logged in with a PostgreSQL secret's credentials, and the few
// statements the rotators run on it. Identifiers and literals are quoted by libpq
// (PQescapeIdentifier, PQescapeLiteral); no password is ever pasted into SQL unquoted, put
// in an error message or logged.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/rotation/postgres_secret.h"
#include "server/rotation/secret_json.h"

struct pg_conn;

namespace coffer::server::rotation {

class PostgresSession {
 public:
  // Logs in as the secret's user; nullopt when that fails for any reason, as AWS's
  // get_connection returns None (the reason is logged). `what` names the secret in logs.
  static std::optional<PostgresSession> login(const PostgresSecret& secret,
                                              const std::string& what);

  PostgresSession(PostgresSession&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  PostgresSession& operator=(PostgresSession&& other) noexcept;
  PostgresSession(const PostgresSession&) = delete;
  ~PostgresSession();

  // Runs a statement without secrets; InternalServiceError with the server's message.
  void run(const std::string& sql);
  // Runs a statement carrying a password; the error names only the SQLSTATE.
  void run_with_secret(const WipedString& sql, std::string_view what);
  bool role_exists(const std::string& role);
  // A quoted identifier (AWS's templates ask the server for quote_ident).
  std::string identifier(const std::string& name);
  // The literal to write after PASSWORD for `role`: the verifier libpq computes from the
  // password with the server's password_encryption (scram-sha-256 or md5), quoted. The
  // server then never sees, nor logs, the password itself (as psql's \password). Append
  // nothing after it: a reallocation would free a copy unwiped.
  void append_password_literal(WipedString& sql, const std::string& password,
                               const std::string& role);

 private:
  explicit PostgresSession(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
};

}  // namespace coffer::server::rotation
