#include "core/service/filled_condition_keys.h"

#include <algorithm>
#include <iterator>

namespace coffer::core {
namespace {

constexpr std::string_view kFilledKeys[] = {
    "kms:calleraccount",
    "aws:principalarn",
    "aws:principalaccount",
    "kms:viaservice",
    "kms:encryptioncontextkeys",
    "kms:keyspec",
    "kms:keyusage",
    "kms:keyorigin",
    "kms:customermasterkeyspec",
    "kms:customermasterkeyusage",
    "aws:currenttime",
    "aws:epochtime",
    "aws:sourceip",  // the peer's address, as the front end saw it
    "kms:requestalias",
    "kms:resourcealiases",
    "kms:encryptionalgorithm",
    "kms:signingalgorithm",
    // CreateGrant's (core/service/grants.cc).
    "kms:grantoperations",
    "kms:granteeprincipal",
    "kms:retiringprincipal",
    "kms:grantconstrainttype",
    "kms:grantisforawsresource",
};
constexpr std::string_view kFilledPrefixes[] = {"kms:encryptioncontext:", "aws:resourcetag/"};

}  // namespace

bool condition_key_is_filled(std::string_view key) {
  if (std::ranges::find(kFilledKeys, key) != std::end(kFilledKeys)) return true;
  return std::ranges::any_of(kFilledPrefixes, [&](std::string_view p) {
    return key.size() > p.size() && key.starts_with(p);
  });
}

}  // namespace coffer::core
