// coffer.v1.Quotas/ListServiceQuotas: the request quotas in force, how full they are, and
// what load shedding has answered (server/quota, WorkQueue). `coffer quotas` calls it.
#pragma once

#include "core/service/kms_service.h"
#include "server/quota/request_quotas.h"
#include "server/rpc/dispatcher.h"
#include "server/rpc/work_queue.h"

namespace coffer::server::rpc {

// `kms` authorizes the caller (servicequotas:ListServiceQuotas). All must outlive the
// dispatcher's use.
void register_quota_handlers(Dispatcher& dispatcher, const core::KmsService& kms,
                             const quota::RequestQuotas& quotas, const WorkQueue& work);

}  // namespace coffer::server::rpc
