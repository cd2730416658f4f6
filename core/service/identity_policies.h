// Identity policies: policy documents attached to principals by name, the "IAM" side that a key
// policy's account statement ("Principal": {"AWS": "arn:aws:iam::ACCOUNT:root"}) delegates to.
// Kept in the metadata store; parsed once and cached per principal. A cached entry is read
// again from the store once it is older than kRecheckAfter, so `cofferd principal put-policy`
// run beside a daemon takes effect within that time.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model/clock.h"
#include "core/policy/policy_document.h"
#include "core/store/metadata_store.h"

namespace coffer::core {

class IdentityPolicies {
 public:
  // The policies attached to one principal, parsed.
  struct Attached {
    std::vector<std::shared_ptr<const policy::PolicyDocument>> documents;
    std::vector<const policy::PolicyDocument*> pointers;  // into documents, for the evaluation
    std::vector<std::string> condition_keys;              // lower-cased, every key they name
  };

  IdentityPolicies(MetadataStore& store, const Clock& clock);

  // Never null; empty when none is attached. A stored document that no longer parses (written
  // by a newer release) is read as a policy that denies everything, so it cannot widen access.
  std::shared_ptr<const Attached> of(const std::string& principal_arn);

  // Attaches (or replaces) the policy `name`: MalformedPolicyDocumentException when the
  // document is not a valid identity policy, ValidationException for a bad name or principal.
  void put(const std::string& principal_arn, const std::string& name, const std::string& document);
  bool remove(const std::string& principal_arn, const std::string& name);
  std::vector<PrincipalPolicyRecord> list(const std::string& principal_arn);

  // The checks of put() alone.
  static void validate(const std::string& principal_arn, const std::string& name,
                       const std::string& document);

  // The ARN of the principal `given` names for an identity policy, in `account_id`: from
  // "user/NAME", "role/NAME" or arn:aws:iam::ACCOUNT:user/NAME (role/NAME). ValidationException
  // for anything else: the root, another account's principal, a malformed name. The offline
  // `cofferd principal` commands and the coffer.v1.Principals rpc both read principals here.
  static std::string attachable_principal_arn(const std::string& given,
                                              const std::string& account_id);

  static constexpr std::chrono::milliseconds kRecheckAfter{1000};
  static constexpr std::size_t kMaxDocumentBytes = 10240;  // IAM's limit for a role's policies
  static constexpr std::size_t kMaxCachedPrincipals = 10000;

 private:
  std::shared_ptr<const Attached> load(const std::string& principal_arn);

  MetadataStore& store_;
  const Clock& clock_;
  std::mutex mutex_;
  struct Cached {
    std::shared_ptr<const Attached> attached;
    std::chrono::steady_clock::time_point checked_at;
  };
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace coffer::core
