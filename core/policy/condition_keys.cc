#include "core/policy/condition_keys.h"

#include <algorithm>
#include <iterator>

namespace coffer::core::policy {
namespace {

// Lower-cased, as conditions store them.
constexpr std::string_view kExactKeys[] = {
    // Issue 16's list.
    "kms:encryptioncontextkeys",  // multivalued: the keys of the request's encryption context
    "kms:calleraccount",
    "kms:viaservice",
    "kms:grantisforawsresource",
    "kms:requestalias",
    "kms:resourcealiases",  // multivalued
    "kms:keyspec",
    "kms:keyusage",
    "kms:encryptionalgorithm",
    "kms:signingalgorithm",
    "kms:grantoperations",  // multivalued
    "aws:principalarn",
    "aws:sourceip",
    "aws:currenttime",
    // The rest of AWS KMS's keys for operations Coffer has (grants, tags, deletion, MACs).
    "kms:granteeprincipal",
    "kms:retiringprincipal",
    "kms:grantconstrainttype",
    "kms:bypasspolicylockoutsafetycheck",
    "kms:schedulekeydeletionpendingwindowindays",
    "kms:keyorigin",
    "kms:macalgorithm",
    "kms:datakeypairspec",
    "kms:messagetype",
    "kms:reencryptonsamekey",
    "kms:rotationperiodindays",
    "kms:customermasterkeyspec",  // AWS's older names for kms:KeySpec and kms:KeyUsage
    "kms:customermasterkeyusage",
    // Global keys that follow from the principal or the request.
    "aws:principalaccount",
    "aws:tagkeys",  // multivalued: the tag keys in a TagResource or CreateKey request
    "aws:securetransport",
    "aws:epochtime",
    "aws:username",
};

// Keys that end in a name of the user's choosing.
constexpr std::string_view kPrefixedKeys[] = {
    "kms:encryptioncontext:",  // kms:EncryptionContext:<context key>
    "aws:principaltag/",
    "aws:resourcetag/",
    "aws:requesttag/",
};

}  // namespace

bool is_known_condition_key(std::string_view lowered_key) {
  if (std::ranges::find(kExactKeys, lowered_key) != std::end(kExactKeys)) return true;
  return std::ranges::any_of(kPrefixedKeys, [&](std::string_view prefix) {
    return lowered_key.size() > prefix.size() && lowered_key.starts_with(prefix);
  });
}

}  // namespace coffer::core::policy
