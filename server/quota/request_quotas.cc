#include "server/quota/request_quotas.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "common/error.h"
#include "core/api/aws_quotas.h"
#include "server/quota/rate_limiter.h"

namespace coffer::server::quota {
namespace {

using core::api::kOperationCount;

std::int64_t nanoseconds(RequestQuotas::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// Admitted requests in the current and the previous whole second (for `coffer quotas`; a
// race at a second's edge may lose a count, which a display can afford).
class RateMeter {
 public:
  void add(std::int64_t second) noexcept {
    std::int64_t seen = second_.load(std::memory_order_relaxed);
    if (seen != second && second_.compare_exchange_strong(seen, second)) {
      // A new second: the one that ended is the last whole second, unless it was older.
      const std::uint64_t ended = current_.exchange(0, std::memory_order_relaxed);
      previous_.store(seen == second - 1 ? ended : 0, std::memory_order_relaxed);
    }
    current_.fetch_add(1, std::memory_order_relaxed);
  }
  double per_second(std::int64_t second) const noexcept {
    const std::int64_t seen = second_.load(std::memory_order_relaxed);
    if (seen == second) return static_cast<double>(previous_.load(std::memory_order_relaxed));
    if (seen == second - 1) return static_cast<double>(current_.load(std::memory_order_relaxed));
    return 0;
  }

 private:
  std::atomic<std::int64_t> second_{-2};
  std::atomic<std::uint64_t> current_{0}, previous_{0};
};

struct Bucket {
  Bucket(std::string_view quota, double rate, double burst) : name(quota), limiter(rate, burst) {}
  std::string_view name;  // core::api::all_quotas()'s
  RateLimiter limiter;
  RateMeter meter;
  std::atomic<std::uint64_t> admitted{0}, throttled{0};
};

// Buckets made on demand for names a request brings (principals, keys), bounded.
class TrackedLimits {
 public:
  bool try_acquire(std::string_view name, double rate, double burst, std::int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = limiters_.find(name);  // no string is made for a name already tracked
    if (it == limiters_.end()) {
      // Idle buckets (full again) are dropped, at most once a second: a sweep walks them all.
      if (limiters_.size() >= RequestQuotas::kMaxTrackedPerRegion &&
          now - last_sweep_ns_ >= 1'000'000'000) {
        last_sweep_ns_ = now;
        std::erase_if(limiters_, [now](const auto& entry) { return entry.second->idle(now); });
      }
      if (limiters_.size() >= RequestQuotas::kMaxTrackedPerRegion) {
        if (!overflow_) overflow_ = std::make_unique<RateLimiter>(rate, burst);
        return overflow_->try_acquire(now);
      }
      it = limiters_.emplace(std::string(name), std::make_unique<RateLimiter>(rate, burst)).first;
    }
    return it->second->try_acquire(now);
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return limiters_.size();
  }

 private:
  mutable std::mutex mutex_;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<RateLimiter>, Hash, std::equal_to<>> limiters_;
  std::unique_ptr<RateLimiter> overflow_;
  std::int64_t last_sweep_ns_ = INT64_MIN / 2;
};

double burst_of(double rate, double burst_seconds) { return std::max(1.0, rate * burst_seconds); }

}  // namespace

struct RequestQuotas::Limits {
  QuotaSettings settings;
};

struct RequestQuotas::Region {
  Region(std::string region, std::shared_ptr<const Limits> limits_in)
      : name(std::move(region)), limits(std::move(limits_in)) {
    const QuotaSettings& settings = limits->settings;
    const auto all = core::api::all_quotas();
    for (const auto& q : all) {
      const double rate = settings.rate_of(q.name);
      buckets.push_back(
          std::make_unique<Bucket>(q.name, rate, burst_of(rate, settings.burst_seconds)));
    }
    auto bucket_named = [&](std::string_view quota) -> Bucket* {
      for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i].name == quota) return buckets[i].get();
      return nullptr;
    };
    for (std::size_t op = 0; op < kOperationCount; ++op) {
      const auto& quota = core::api::quota_of(static_cast<core::api::Operation>(op));
      by_operation[op] = quota.by_key_type ? nullptr : bucket_named(quota.name);
    }
    symmetric = bucket_named(core::api::kSymmetricCryptoQuota);
    rsa = bucket_named(core::api::kRsaCryptoQuota);
    ecc = bucket_named(core::api::kEccCryptoQuota);
  }

  Bucket* bucket_for(const QuotaRequest& request) const {
    if (Bucket* b = by_operation[static_cast<std::size_t>(request.operation)]) return b;
    const auto quota = core::api::crypto_quota_name(request.key_spec);
    if (quota == core::api::kRsaCryptoQuota) return rsa;
    if (quota == core::api::kEccCryptoQuota) return ecc;
    return symmetric;
  }

  std::string name;
  std::shared_ptr<const Limits> limits;
  std::vector<std::unique_ptr<Bucket>> buckets;  // in all_quotas() order
  std::array<Bucket*, kOperationCount> by_operation{};
  Bucket *symmetric = nullptr, *rsa = nullptr, *ecc = nullptr;
  TrackedLimits principals, keys;
};

PrincipalClass principal_class(std::string_view principal) noexcept {
  if (principal.empty() || principal == "anonymous") return PrincipalClass::kAnonymous;
  // "user/NAME", "role/NAME", or an IAM ARN ending in :user/... or :role/...
  const auto colon = principal.rfind(':');
  const std::string_view tail = principal.starts_with("arn:") && colon != std::string_view::npos
                                    ? principal.substr(colon + 1)
                                    : principal;
  if (tail.starts_with("user/")) return PrincipalClass::kUser;
  if (tail.starts_with("role/") || tail.starts_with("assumed-role/")) return PrincipalClass::kRole;
  return PrincipalClass::kRoot;
}

std::string_view to_string(PrincipalClass c) noexcept {
  switch (c) {
    case PrincipalClass::kRoot:
      return "root";
    case PrincipalClass::kUser:
      return "user";
    case PrincipalClass::kRole:
      return "role";
    case PrincipalClass::kAnonymous:
      return "anonymous";
  }
  return "anonymous";
}

RequestQuotas::RequestQuotas(QuotaSettings settings) { reload(std::move(settings)); }
RequestQuotas::~RequestQuotas() = default;

void RequestQuotas::reload(QuotaSettings settings) {
  auto limits = std::make_shared<Limits>(Limits{std::move(settings)});
  std::unique_lock lock(mutex_);
  enforced_.store(limits->settings.enforced, std::memory_order_relaxed);
  std::map<std::string, std::shared_ptr<Region>, std::less<>> fresh;
  for (const auto& [name, old] : regions_)
    fresh.emplace(name, std::make_shared<Region>(name, limits));
  regions_ = std::move(fresh);
  limits_ = std::move(limits);
}

void RequestQuotas::set_observer(ThrottleObserver observer) {
  std::unique_lock lock(mutex_);
  observer_ = std::move(observer);
}

bool RequestQuotas::enforced() const noexcept { return enforced_.load(std::memory_order_relaxed); }

std::shared_ptr<RequestQuotas::Region> RequestQuotas::region(std::string_view name) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = regions_.find(name); it != regions_.end()) return it->second;
  }
  std::unique_lock lock(mutex_);
  if (auto it = regions_.find(name); it != regions_.end()) return it->second;
  // Regions come from authenticated requests the front ends already accepted (AwsRegions
  // bounds them); past a generous bound they share one set of buckets.
  const std::string key = regions_.size() < 256 ? std::string(name) : std::string("*");
  auto [it, inserted] = regions_.emplace(key, nullptr);
  if (inserted) it->second = std::make_shared<Region>(key, limits_);
  return it->second;
}

std::string_view RequestQuotas::admit(const QuotaRequest& request, Clock::time_point now) {
  if (!enforced()) return {};
  // Held for the whole check, so the region's buckets stay (a reload replaces them under the
  // exclusive lock): one atomic operation, where copying the shared_ptr took two more.
  std::shared_lock lock(mutex_);
  auto found = regions_.find(request.region);
  if (found == regions_.end()) {
    lock.unlock();
    region(request.region);
    lock.lock();
    found = regions_.find(request.region);
    if (found == regions_.end()) found = regions_.find(std::string_view("*"));
    if (found == regions_.end()) return {};  // a reload in between dropped it: let it pass
  }
  Region* place = found->second.get();
  const QuotaSettings& settings = place->limits->settings;
  const std::int64_t ns = nanoseconds(now);
  auto within = [&](TrackedLimits& tracked, std::string_view name, double rate) {
    return rate <= 0 || tracked.try_acquire(name, rate, burst_of(rate, settings.burst_seconds), ns);
  };
  std::string_view refused;
  if ((!settings.principals.empty() || settings.principal_default > 0) &&
      !within(place->principals, request.principal,
              settings.rate_of_principal(request.principal))) {
    refused = "principal";
  } else if (!request.key_id.empty() && (!settings.keys.empty() || settings.key_default > 0) &&
             !within(place->keys, request.key_id, settings.rate_of_key(request.key_id))) {
    refused = "key";
  }
  Bucket& bucket = *place->bucket_for(request);
  if (refused.empty() && !bucket.limiter.try_acquire(ns)) refused = bucket.name;
  if (refused.empty()) {
    bucket.admitted.fetch_add(1, std::memory_order_relaxed);
    bucket.meter.add(ns / 1'000'000'000);
    return {};
  }
  bucket.throttled.fetch_add(1, std::memory_order_relaxed);
  if (observer_) observer_(request, refused);
  return refused;
}

void RequestQuotas::enforce(const QuotaRequest& request) {
  if (!admit(request).empty()) throw Error(ErrorCode::kThrottling, "Rate exceeded");
}

RequestQuotas::Report RequestQuotas::report(Clock::time_point now) const {
  Report out;
  std::shared_lock lock(mutex_);
  const QuotaSettings& settings = limits_->settings;
  out.enforced = settings.enforced;
  out.burst_seconds = settings.burst_seconds;
  out.principal_default = settings.principal_default;
  out.key_default = settings.key_default;
  out.principals.insert(settings.principals.begin(), settings.principals.end());
  out.keys.insert(settings.keys.begin(), settings.keys.end());
  const std::int64_t second = nanoseconds(now) / 1'000'000'000;
  const auto all = core::api::all_quotas();
  for (const auto& [name, region] : regions_) {
    RegionStatus status;
    status.region = name;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Bucket& b = *region->buckets[i];
      status.quotas.push_back({std::string(all[i].name), b.limiter.rate(), b.limiter.burst(),
                               b.meter.per_second(second),
                               b.admitted.load(std::memory_order_relaxed),
                               b.throttled.load(std::memory_order_relaxed)});
    }
    status.principals_tracked = region->principals.size();
    status.keys_tracked = region->keys.size();
    out.regions.push_back(std::move(status));
  }
  return out;
}

}  // namespace coffer::server::quota
