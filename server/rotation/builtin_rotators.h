// Rotators built into cofferd: a secret whose rotation "Lambda ARN" names one of these is
// rotated in-process, without any Lambda. They follow AWS's rotation templates.
#pragma once

#include <memory>
#include <string_view>

#include "core/secrets/secrets_service.h"
#include "server/rotation/rotation_function.h"

namespace coffer::server::rotation {

// A new password in a plain-string secret, or in the "password" field of a JSON secret.
inline constexpr std::string_view kRandomPasswordRotator = "coffer:rotator:random-password";
// AWS's SecretsManagerRDSPostgreSQLRotationSingleUser: the user changes its own password.
inline constexpr std::string_view kPostgresSingleUserRotator =
    "coffer:rotator:postgresql-single-user";
// AWS's SecretsManagerRDSPostgreSQLRotationMultiUser: USER and USER_clone take turns, the
// master user (secret "masterarn") sets their passwords.
inline constexpr std::string_view kPostgresAlternatingUsersRotator =
    "coffer:rotator:postgresql-alternating-users";

// The rotator with that name, reading and writing secrets through `secrets` (which must
// outlive it); nullptr when no built-in rotator has that name.
std::unique_ptr<RotationFunction> make_builtin_rotator(std::string_view name,
                                                       core::SecretsService& secrets);

}  // namespace coffer::server::rotation
