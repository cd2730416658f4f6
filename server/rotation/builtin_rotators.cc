#include "server/rotation/builtin_rotators.h"

#include "server/rotation/builtin_rotator_factories.h"

namespace coffer::server::rotation {

std::unique_ptr<RotationFunction> make_builtin_rotator(std::string_view name,
                                                       core::SecretsService& secrets) {
  if (name == kRandomPasswordRotator) return make_random_password_rotator(secrets);
  if (name == kPostgresSingleUserRotator) return make_postgres_single_user_rotator(secrets);
  if (name == kPostgresAlternatingUsersRotator) {
    return make_postgres_alternating_users_rotator(secrets);
  }
  return nullptr;
}

}  // namespace coffer::server::rotation
