#include "server/quota/work_lane.h"

#include "core/api/aws_quotas.h"
#include "server/quota/request_quotas.h"

namespace coffer::server::quota {

using core::api::Operation;

net::Lane lane_of(const core::api::OperationSpec* operation, std::string_view principal) {
  if (!operation) return net::Lane::kGeneral;
  switch (operation->operation) {
    case Operation::kDecrypt:
    case Operation::kReEncrypt:
    case Operation::kVerify:
    case Operation::kVerifyMac:
    case Operation::kGetSecretValue:
    case Operation::kBatchGetSecretValue:
      return net::Lane::kOpening;
    case Operation::kGetPublicKey:
    case Operation::kGetRandomPassword:
      return net::Lane::kGeneral;
    default:
      break;
  }
  // Management: everything outside the cryptographic quotas and the reads above.
  if (!core::api::quota_of(operation->operation).by_key_type &&
      principal_class(principal) == PrincipalClass::kRoot)
    return net::Lane::kAdministrator;
  return net::Lane::kGeneral;
}

}  // namespace coffer::server::quota
