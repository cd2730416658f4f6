#include "server/rpc/quota_handlers.h"

#include "coffer/v1/quotas.pb.h"

namespace coffer::server::rpc {

void register_quota_handlers(Dispatcher& d, const core::KmsService& kms,
                             const quota::RequestQuotas& quotas, const WorkQueue& work) {
  namespace v1 = ::coffer::v1;
  d.add_typed<v1::ListServiceQuotasRequest, v1::ListServiceQuotasResponse>(
      core::api::Operation::kListServiceQuotas,
      [&kms, &quotas, &work](const RequestContext&, const auto&) {
        kms.authorize_action("servicequotas:ListServiceQuotas");
        const auto report = quotas.report();
        v1::ListServiceQuotasResponse out;
        out.set_enforced(report.enforced);
        out.set_burst_seconds(report.burst_seconds);
        for (const auto& region : report.regions) {
          for (const auto& q : region.quotas) {
            auto* entry = out.add_quotas();
            entry->set_region(region.region);
            entry->set_quota_name(q.name);
            entry->set_rate(q.rate);
            entry->set_burst(q.burst);
            entry->set_current_rate(q.current_rate);
            entry->set_admitted(q.admitted);
            entry->set_throttled(q.throttled);
          }
        }
        out.set_principal_default(report.principal_default);
        for (const auto& [name, rate] : report.principals) (*out.mutable_principals())[name] = rate;
        out.set_key_default(report.key_default);
        for (const auto& [key, rate] : report.keys) (*out.mutable_keys())[key] = rate;
        out.set_max_queue_time_ms(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(work.max_queue_time()).count()));
        out.set_shed(work.shed_count());
        out.set_refused(work.refused_count());
        return out;
      });
}

}  // namespace coffer::server::rpc
