#include "tools/cofferd/service_metrics.h"

#include "server/metrics/counter.h"
#include "server/metrics/histogram.h"

namespace coffer::cofferd {

ServiceMetrics::ServiceMetrics(server::metrics::Registry& registry, pkcs11::Token& token,
                               server::rpc::WorkQueue& work, core::KeyMaterial& material)
    : registry_(registry), token_(token), material_(material) {
  auto& token_latency = registry
                            .histogram("coffer_token_operation_seconds",
                                       "Time a token session was held for one operation")
                            .series();
  token.pool().set_lease_observer(
      [&token_latency](double seconds) { token_latency.observe(seconds); });

  auto& pool = registry.gauge("coffer_token_sessions", "Token sessions of the pool, by state");
  auto* token_ptr = &token;
  callbacks_.push_back(pool.callback({{"state", "open"}}, [token_ptr] {
    return static_cast<double>(token_ptr->pool().stats().open);
  }));
  callbacks_.push_back(pool.callback({{"state", "in_use"}}, [token_ptr] {
    return static_cast<double>(token_ptr->pool().stats().in_use);
  }));
  callbacks_.push_back(pool.callback({{"state", "capacity"}}, [token_ptr] {
    return static_cast<double>(token_ptr->pool().stats().capacity);
  }));
  auto& pool_events = registry.gauge("coffer_token_session_events",
                                     "Sessions reopened and acquire timeouts so far");
  callbacks_.push_back(pool_events.callback({{"event", "reopened"}}, [token_ptr] {
    return static_cast<double>(token_ptr->pool().stats().reopened);
  }));
  callbacks_.push_back(pool_events.callback({{"event", "acquire_timeout"}}, [token_ptr] {
    return static_cast<double>(token_ptr->pool().stats().timeouts);
  }));
  auto* work_ptr = &work;
  auto& queue = registry.gauge("coffer_work_queue",
                               "Requests waiting for a worker, and the queue's capacity");
  callbacks_.push_back(queue.callback(
      {{"state", "queued"}}, [work_ptr] { return static_cast<double>(work_ptr->queued()); }));
  callbacks_.push_back(queue.callback(
      {{"state", "capacity"}}, [work_ptr] { return static_cast<double>(work_ptr->capacity()); }));
  auto& shedding = registry.gauge(
      "coffer_work_queue_throttled",
      "Requests answered ThrottlingException by load shedding so far: shed after waiting past "
      "max_queue_time_ms, or refused at once (a full or late queue)");
  callbacks_.push_back(shedding.callback(
      {{"reason", "shed"}}, [work_ptr] { return static_cast<double>(work_ptr->shed_count()); }));
  callbacks_.push_back(shedding.callback({{"reason", "refused"}}, [work_ptr] {
    return static_cast<double>(work_ptr->refused_count());
  }));

  auto& unwrap_latency = registry
                             .histogram("coffer_key_version_unwrap_seconds",
                                        "Time to unwrap one key version into the token")
                             .series();
  material.set_unwrap_observer(
      [&unwrap_latency](double seconds) { unwrap_latency.observe(seconds); });
  auto* cache = &material.cache();
  auto& events = registry.gauge("coffer_key_version_cache_events",
                                "Unwrapped key version cache: hits, misses and evictions so far");
  callbacks_.push_back(events.callback(
      {{"event", "hit"}}, [cache] { return static_cast<double>(cache->stats().hits); }));
  callbacks_.push_back(events.callback(
      {{"event", "miss"}}, [cache] { return static_cast<double>(cache->stats().misses); }));
  callbacks_.push_back(events.callback(
      {{"event", "eviction"}}, [cache] { return static_cast<double>(cache->stats().evictions); }));
  auto& fill = registry.gauge("coffer_key_version_cache",
                              "Key versions unwrapped in the token, and the cache's capacity");
  callbacks_.push_back(fill.callback({{"state", "size"}},
                                     [cache] { return static_cast<double>(cache->stats().size); }));
  callbacks_.push_back(fill.callback({{"state", "capacity"}},
                                     [cache] { return static_cast<double>(cache->capacity()); }));
}

ServiceMetrics::~ServiceMetrics() {
  token_.pool().set_lease_observer(nullptr);
  material_.set_unwrap_observer(nullptr);
}

server::RequestObserver ServiceMetrics::request_observer(const std::string& front_end) {
  auto* requests = &registry_.counter("coffer_requests_total",
                                      "Answered requests by front end, operation and result code");
  auto* latency = &registry_.histogram("coffer_request_seconds",
                                       "Time from a request's first byte to its response");
  return [requests, latency, front_end](const std::string& method, std::string_view code,
                                        double seconds) {
    requests->series({{"front_end", front_end}, {"method", method}, {"code", std::string(code)}})
        .inc();
    latency->series({{"front_end", front_end}, {"method", method}}).observe(seconds);
  };
}

void ServiceMetrics::observe_quotas(server::quota::RequestQuotas& quotas) {
  auto* throttled = &registry_.counter(
      "coffer_quota_throttled_total",
      "Requests refused by a request quota, by operation, quota and principal class");
  quotas.set_observer(
      [throttled](const server::quota::QuotaRequest& request, std::string_view quota) {
        throttled
            ->series({{"operation", std::string(core::api::aws_name(request.operation))},
                      {"quota", std::string(quota)},
                      {"principal_class", std::string(server::quota::to_string(
                                              server::quota::principal_class(request.principal)))}})
            .inc();
      });
}

}  // namespace coffer::cofferd
