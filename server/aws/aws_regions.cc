#include "server/aws/aws_regions.h"

#include <cctype>
#include <mutex>

#include "common/utf8.h"
#include "server/aws/aws_error.h"

namespace coffer::server::aws {
namespace {

// Region names become part of token object ids and ARNs: letters, digits and dashes only.
bool plausible_region(const std::string& r) {
  if (r.empty() || r.size() > 32) return false;
  for (unsigned char c : r) {
    if (!std::islower(c) && !std::isdigit(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

AwsRegions::AwsRegions(bool accept_any_region, Factory factory)
    : accept_any_region_(accept_any_region), factory_(std::move(factory)) {}

void AwsRegions::add(const std::string& region, core::KmsService& kms) {
  std::unique_lock lock(mutex_);
  services_[region] = &kms;
}

void AwsRegions::add(const std::string& region, std::unique_ptr<core::KmsService> kms) {
  std::unique_lock lock(mutex_);
  services_[region] = kms.get();
  owned_[region] = std::move(kms);
}

bool AwsRegions::serves(const std::string& region) const {
  std::shared_lock lock(mutex_);
  return services_.contains(region);
}

void AwsRegions::check(const std::string& region) const {
  if (serves(region)) return;
  if (accept_any_region_ && factory_ && plausible_region(region)) return;
  throw invalid_signature("Credential should be scoped to a valid region, not '" +
                          quoted_excerpt(region, 32) + "'. ");
}

core::KmsService& AwsRegions::at(const std::string& region) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = services_.find(region); it != services_.end()) return *it->second;
  }
  if (accept_any_region_ && factory_ && plausible_region(region)) {
    std::unique_lock lock(mutex_);
    if (auto it = services_.find(region); it != services_.end()) return *it->second;
    if (owned_.size() >= kMaxDynamicRegions) {
      throw invalid_signature("Credential should be scoped to a valid region, not '" +
                              quoted_excerpt(region, 32) + "': this server serves at most " +
                              std::to_string(kMaxDynamicRegions) + " regions. ");
    }
    auto kms = factory_(region);
    auto& ref = *kms;
    services_[region] = kms.get();
    owned_[region] = std::move(kms);
    return ref;
  }
  throw invalid_signature("Credential should be scoped to a valid region, not '" +
                          quoted_excerpt(region, 32) + "'. ");
}

}  // namespace coffer::server::aws
