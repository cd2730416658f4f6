// Request quotas as AWS applies them (core/api/aws_quotas.h), per region: a token bucket
// per quota, shared by the operations that count against it, and the optional per-principal
// and per-key limits of QuotaSettings. Checked on a worker before the request touches the
// store or the token; a refused request costs a few atomic operations and is answered
// ThrottlingException ("Rate exceeded"). reload() swaps every bucket at once (SIGHUP).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/operations.h"
#include "core/model/key_enums.h"
#include "server/quota/quota_settings.h"

namespace coffer::server::quota {

// Who is asking, for metrics and the administrator's lane: the account's root (any name that
// is not user/ or role/, as core/model/caller.h reads it), a user, a role, or anonymous
// (allow_unauthenticated_loopback).
enum class PrincipalClass : std::uint8_t { kRoot, kUser, kRole, kAnonymous };
PrincipalClass principal_class(std::string_view principal) noexcept;
std::string_view to_string(PrincipalClass c) noexcept;

struct QuotaRequest {
  std::string_view region;
  core::api::Operation operation;
  std::string_view principal;
  std::string_view key_id;                // the key it names (an alias name if not cached)
  std::optional<core::KeySpec> key_spec;  // nullopt: no key, or not cached yet
};

class RequestQuotas {
 public:
  using Clock = std::chrono::steady_clock;
  // The request and the quota that refused it ("principal", "key" for those limits).
  using ThrottleObserver = std::function<void(const QuotaRequest&, std::string_view quota)>;

  explicit RequestQuotas(QuotaSettings settings = {});
  ~RequestQuotas();
  RequestQuotas(const RequestQuotas&) = delete;
  RequestQuotas& operator=(const RequestQuotas&) = delete;

  // Every bucket starts again, full, under the new settings.
  void reload(QuotaSettings settings);
  void set_observer(ThrottleObserver observer);
  // Makes the region's buckets now, so that report() lists it before its first request.
  void track_region(std::string_view name) { region(name); }
  bool enforced() const noexcept;

  // Empty when admitted (a token taken from every quota that applies), else the quota that
  // refused: the principal's and the key's limits are checked before the shared quota, so a
  // principal over its own limit takes nothing from the others.
  std::string_view admit(const QuotaRequest& request, Clock::time_point now = Clock::now());
  // The same; throws Error(kThrottling, "Rate exceeded") when refused.
  void enforce(const QuotaRequest& request);

  struct QuotaStatus {
    std::string name;
    double rate = 0;                            // per second, 0: no limit
    double burst = 0;                           // tokens a full bucket holds
    double current_rate = 0;                    // admitted per second, over the last whole second
    std::uint64_t admitted = 0, throttled = 0;  // since start or the last reload
  };
  struct RegionStatus {
    std::string region;
    std::vector<QuotaStatus> quotas;  // in core::api::all_quotas() order
    std::size_t principals_tracked = 0, keys_tracked = 0;
  };
  struct Report {
    bool enforced = false;
    double burst_seconds = 0;
    double principal_default = 0, key_default = 0;
    std::map<std::string, double> principals, keys;  // the configured exceptions
    std::vector<RegionStatus> regions;               // the regions that have had requests
  };
  Report report(Clock::time_point now = Clock::now()) const;

  // Per-principal and per-key buckets kept per region; beyond, idle ones are dropped, then
  // newcomers share one bucket (a peer cannot grow memory by naming new keys).
  static constexpr std::size_t kMaxTrackedPerRegion = 100000;

 private:
  struct Limits;
  struct Region;
  std::shared_ptr<Region> region(std::string_view name);

  mutable std::shared_mutex mutex_;
  std::shared_ptr<const Limits> limits_;
  std::map<std::string, std::shared_ptr<Region>, std::less<>> regions_;
  ThrottleObserver observer_;
  std::atomic<bool> enforced_{false};
};

}  // namespace coffer::server::quota
