// A secret in AWS's RDS shape for PostgreSQL, read as AWS's PostgreSQL templates read it
// (get_secret_dict): {"engine": "postgres" | "aurora-postgresql", "host", "username",
// "password" (all required), "port" (default 5432), "dbname" (default "postgres"),
// "masterarn" (alternating users), "ssl" (AWS's switch) or "sslmode" (libpq's)}.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "common/secret_bytes.h"
#include "core/secrets/secrets_types.h"
#include "server/rotation/secret_json.h"

namespace coffer::server::rotation {

struct PostgresSecret {
  explicit PostgresSecret(SecretJson document) : json(std::move(document)) {}

  SecretJson json;  // the whole document: createSecret writes it back with a new password
  std::string host;
  std::string port = "5432";
  std::string username;
  std::optional<std::string> dbname;     // none: "postgres"
  std::optional<std::string> masterarn;  // the master user's secret (alternating users)
  std::string sslmode = "prefer";        // "sslmode" if given, else from AWS's "ssl"
  // The password lives only in the document (wiped with it).
  const std::string& password() const;
};

// The value as a PostgreSQL secret; InvalidRequestException naming what is wrong (never a
// value) when it is not one. `what` names the secret in messages.
PostgresSecret parse_postgres_secret(const core::SecretValue& value, const std::string& what);

// createSecret's value: `current` with `password`, and with `username` when given.
core::SecretValue postgres_pending_value(const core::SecretValue& current,
                                         const SecretBytes& password,
                                         const std::optional<std::string>& username);

// USER <-> USER_clone (AWS's get_alt_username); InvalidRequestException when USER_clone
// would exceed PostgreSQL's 63-character names.
std::string alternate_username(const std::string& username);

}  // namespace coffer::server::rotation
