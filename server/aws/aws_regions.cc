#include "server/aws/aws_regions.h"

#include <cctype>
#include <mutex>
#include <optional>

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

AwsRegions::AwsRegions(bool accept_any_region, Factory factory, SecretsFactory secrets_factory)
    : accept_any_region_(accept_any_region),
      factory_(std::move(factory)),
      secrets_factory_(std::move(secrets_factory)) {}

void AwsRegions::add_secrets_locked(const std::string& region, core::KmsService& kms) {
  if (!secrets_factory_) return;
  auto secrets = secrets_factory_(kms, region);
  secrets_[region] = secrets.get();
  owned_secrets_[region] = std::move(secrets);
}

void AwsRegions::add(const std::string& region, core::KmsService& kms,
                     core::SecretsService& secrets) {
  std::unique_lock lock(mutex_);
  services_[region] = &kms;
  secrets_[region] = &secrets;
}

void AwsRegions::add(const std::string& region, core::KmsService& kms) {
  std::unique_lock lock(mutex_);
  services_[region] = &kms;
  add_secrets_locked(region, kms);
}

void AwsRegions::add(const std::string& region, std::unique_ptr<core::KmsService> kms) {
  std::unique_lock lock(mutex_);
  services_[region] = kms.get();
  add_secrets_locked(region, *kms);
  owned_[region] = std::move(kms);
}

std::vector<core::SecretsService*> AwsRegions::all_secrets() const {
  std::shared_lock lock(mutex_);
  std::vector<core::SecretsService*> out;
  for (const auto& [region, s] : secrets_) out.push_back(s);
  return out;
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

RegionServices AwsRegions::at(const std::string& region) {
  auto found = [this](const std::string& r) -> std::optional<RegionServices> {
    auto it = services_.find(r);
    if (it == services_.end()) return std::nullopt;
    auto s = secrets_.find(r);
    return RegionServices{*it->second, s == secrets_.end() ? nullptr : s->second};
  };
  {
    std::shared_lock lock(mutex_);
    if (auto services = found(region)) return *services;
  }
  if (accept_any_region_ && factory_ && plausible_region(region)) {
    std::unique_lock lock(mutex_);
    if (auto services = found(region)) return *services;
    if (owned_.size() >= kMaxDynamicRegions) {
      throw invalid_signature("Credential should be scoped to a valid region, not '" +
                              quoted_excerpt(region, 32) + "': this server serves at most " +
                              std::to_string(kMaxDynamicRegions) + " regions. ");
    }
    auto kms = factory_(region);
    services_[region] = kms.get();
    add_secrets_locked(region, *kms);
    owned_[region] = std::move(kms);
    return *found(region);
  }
  throw invalid_signature("Credential should be scoped to a valid region, not '" +
                          quoted_excerpt(region, 32) + "'. ");
}

}  // namespace coffer::server::aws
