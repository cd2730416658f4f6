// The built-in rotators, one per file; make_builtin_rotator picks among them by name.
#pragma once

#include <memory>

#include "core/secrets/secrets_service.h"
#include "server/rotation/rotation_function.h"

namespace coffer::server::rotation {

std::unique_ptr<RotationFunction> make_random_password_rotator(core::SecretsService& secrets);
std::unique_ptr<RotationFunction> make_postgres_single_user_rotator(core::SecretsService& secrets);
std::unique_ptr<RotationFunction> make_postgres_alternating_users_rotator(
    core::SecretsService& secrets);

}  // namespace coffer::server::rotation
