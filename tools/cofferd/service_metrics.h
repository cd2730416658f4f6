// What cofferd exports at /metrics: requests by method and result, request latency, token
// operation latency, the fill of the session pool and the work queue, and the cache of
// unwrapped key versions (hits, misses, evictions, size, unwrap latency).
#pragma once

#include <vector>

#include "core/hierarchy/key_material.h"
#include "pkcs11/token.h"
#include "server/metrics/gauge.h"
#include "server/metrics/registry.h"
#include "server/quota/request_quotas.h"
#include "server/rpc/rpc_server.h"
#include "server/rpc/work_queue.h"

namespace coffer::cofferd {

class ServiceMetrics {
 public:
  ServiceMetrics(server::metrics::Registry& registry, pkcs11::Token& token,
                 server::rpc::WorkQueue& work, core::KeyMaterial& material);
  // Unhooks the token and the key material, which outlive the registry: their last calls
  // (the cache destroying its session objects at exit) must not observe into it.
  ~ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;
  // For a listener: counts and times every answered request, labelled with `front_end`
  // ("rpc", "aws") in the same families.
  server::RequestObserver request_observer(const std::string& front_end);
  // Counts the requests `quotas` refuse, by operation, quota and principal class.
  void observe_quotas(server::quota::RequestQuotas& quotas);

 private:
  server::metrics::Registry& registry_;
  pkcs11::Token& token_;
  core::KeyMaterial& material_;
  std::vector<server::metrics::GaugeCallback> callbacks_;
};

}  // namespace coffer::cofferd
