// What a rotation function's credential may do: the calls of AWS's rotation templates, on
// the one secret being rotated. Anything else is AccessDeniedException.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/api/operations.h"
#include "core/secrets/secrets_service.h"

namespace coffer::server::rotation {

// No-op for principals that are not rotation credentials. `secret_id` is the request's
// SecretId member; `secrets` resolves it (name, ARN or partial ARN) to the secret's ARN.
void check_rotation_scope(std::string_view principal, const core::api::OperationSpec& operation,
                          const std::optional<std::string>& secret_id,
                          core::SecretsService* secrets);

}  // namespace coffer::server::rotation
