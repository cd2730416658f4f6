// What AWS's two PostgreSQL templates share: reading the secret's versions in RDS shape,
// createSecret's new value, and testSecret (log in with AWSPENDING, run SELECT NOW()).
#pragma once

#include <optional>
#include <string>

#include "server/rotation/postgres_secret.h"
#include "server/rotation/rotator_template.h"

namespace coffer::server::rotation {

class PostgresRotator : public RotatorTemplate {
 public:
  using RotatorTemplate::RotatorTemplate;

 protected:
  // get_secret_dict: the version at `stage` (and `version_id`) of `secret_id` as a
  // PostgreSQL secret.
  PostgresSecret secret_at(const std::string& secret_id, const char* stage,
                           const std::optional<std::string>& version_id = std::nullopt);
  void test_secret(const RotationEvent& event) override;
};

}  // namespace coffer::server::rotation
