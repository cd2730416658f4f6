// The SecretsService fixture the Secrets Manager core tests share (secrets_service_test.cc,
// secrets_rotation_test.cc): a SecretsTest (tests/core/secrets_fixture.h) with helpers that
// read staging rows and list names.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/secrets/secrets_service.h"
#include "tests/core/secrets_fixture.h"

namespace coffer::testing {

using core::days;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

inline constexpr const char* kCurrent = "AWSCURRENT";
inline constexpr const char* kPrevious = "AWSPREVIOUS";
inline constexpr const char* kPending = "AWSPENDING";
inline constexpr const char* kLambda = "arn:aws:lambda:us-east-1:111122223333:function:rotator";

inline std::vector<std::string> ids_of(const std::vector<core::SecretVersionEntry>& versions) {
  std::vector<std::string> ids;
  for (const auto& v : versions) ids.push_back(v.version_id);
  return ids;
}

class SecretsServiceTest : public SecretsTest {
 protected:
  // Every AWSCURRENT row of a secret, straight from the table.
  std::vector<std::string> current_rows(const std::string& arn) {
    return query("SELECT version_id FROM secret_stages WHERE secret_arn = " + quote(arn) +
                 " AND stage = 'AWSCURRENT'");
  }
  std::vector<std::string> names_of(const core::ListSecretsResult& r) {
    std::vector<std::string> names;
    for (const auto& d : r.secrets) names.push_back(d.secret.name);
    return names;
  }
  std::vector<std::string> list_names(std::vector<core::SecretsFilter> filters,
                                      bool include_planned_deletion = false) {
    core::ListSecretsRequest r;
    r.filters = std::move(filters);
    r.include_planned_deletion = include_planned_deletion;
    auto names = names_of(secrets_->list_secrets(r));
    std::sort(names.begin(), names.end());
    return names;
  }
  core::SecretRecord record(const std::string& id) { return secrets_->describe_secret(id).secret; }
};

}  // namespace coffer::testing
