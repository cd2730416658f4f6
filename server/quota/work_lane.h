// Which worker lane (server/net/work_job.h) a request waits in: the account root's
// management requests in the administrator's, requests that open what exists (Decrypt,
// ReEncrypt, Verify, VerifyMac, GetSecretValue, BatchGetSecretValue) in the opening lane,
// the rest in the general one.
#pragma once

#include <string_view>

#include "core/api/operations.h"
#include "server/net/work_job.h"

namespace coffer::server::quota {

// `operation` null: not one the front end serves (general).
net::Lane lane_of(const core::api::OperationSpec* operation, std::string_view principal);

}  // namespace coffer::server::quota
