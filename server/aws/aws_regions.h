// The regions one cofferd serves: each region name selects its own KmsService (its own
// keys, aliases and ARNs). With accept_any_region (development), a region seen for the
// first time gets a KmsService made by the factory.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/secrets/secrets_service.h"
#include "core/service/kms_service.h"

namespace coffer::server::aws {

// What one region serves: its KMS, and its Secrets Manager when the server has one.
struct RegionServices {
  core::KmsService& kms;
  core::SecretsService* secrets = nullptr;
};

class AwsRegions {
 public:
  using Factory = std::function<std::unique_ptr<core::KmsService>(const std::string& region)>;
  // Makes a region's Secrets Manager over its KMS (each region gets one when this is set).
  using SecretsFactory = std::function<std::unique_ptr<core::SecretsService>(
      core::KmsService& kms, const std::string& region)>;

  // `factory` is used only when accept_any_region is set.
  explicit AwsRegions(bool accept_any_region = false, Factory factory = {},
                      SecretsFactory secrets_factory = {});

  // The service must outlive this object.
  void add(const std::string& region, core::KmsService& kms);
  // Takes ownership.
  void add(const std::string& region, std::unique_ptr<core::KmsService> kms);
  // With the region's Secrets Manager (both must outlive this object).
  void add(const std::string& region, core::KmsService& kms, core::SecretsService& secrets);

  // The region's service; throws InvalidSignatureException ("Credential should be scoped
  // to a valid region") for a region that is not served.
  // Creates the service of a new region under accept_any_region: call only once the
  // request is authenticated, so anonymous peers cannot make services (at most
  // kMaxDynamicRegions are made).
  RegionServices at(const std::string& region);
  // Every region's Secrets Manager (the rotation engine and scheduler walk them).
  std::vector<core::SecretsService*> all_secrets() const;
  // The same refusal as at() without creating anything: safe before authentication.
  void check(const std::string& region) const;
  static constexpr std::size_t kMaxDynamicRegions = 32;
  bool serves(const std::string& region) const;

 private:
  const bool accept_any_region_;
  Factory factory_;
  SecretsFactory secrets_factory_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, core::KmsService*> services_;
  std::map<std::string, std::unique_ptr<core::KmsService>> owned_;
  std::map<std::string, core::SecretsService*> secrets_;
  std::map<std::string, std::unique_ptr<core::SecretsService>> owned_secrets_;
  void add_secrets_locked(const std::string& region, core::KmsService& kms);
};

}  // namespace coffer::server::aws
