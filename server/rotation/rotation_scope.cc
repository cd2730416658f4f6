#include "server/rotation/rotation_scope.h"

#include "common/error.h"
#include "server/rotation/rotation_credentials.h"

namespace coffer::server::rotation {
namespace {

[[noreturn]] void denied(std::string_view principal, const core::api::OperationSpec& operation) {
  throw Error(ErrorCode::kAccessDenied, "User: " + std::string(principal) +
                                            " is not authorized to perform: " + "secretsmanager:" +
                                            std::string(operation.aws_name));
}

}  // namespace

void check_rotation_scope(std::string_view principal, const core::api::OperationSpec& operation,
                          const std::optional<std::string>& secret_id,
                          core::SecretsService* secrets) {
  if (!principal.starts_with(kRotationPrincipalPrefix)) return;
  const std::string_view arn = principal.substr(kRotationPrincipalPrefix.size());
  using Op = core::api::Operation;
  switch (operation.operation) {
    case Op::kGetRandomPassword:
      return;  // names no secret
    case Op::kGetSecretValue:
    case Op::kPutSecretValue:
    case Op::kDescribeSecret:
    case Op::kUpdateSecretVersionStage:
    case Op::kListSecretVersionIds:
      break;
    default:
      denied(principal, operation);
  }
  if (!secret_id || !secrets) denied(principal, operation);
  try {
    if (secrets->describe_secret(*secret_id).secret.arn == arn) return;
  } catch (const Error&) {
    // A secret that does not exist is not this one.
  }
  denied(principal, operation);
}

}  // namespace coffer::server::rotation
