// What an operator configures: a quotas file (cofferd's `quotas_file`), read at start and
// again on SIGHUP. Lines are `NAME = VALUE`; `#` starts a comment:
//
//   defaults = aws                          # every quota at AWS's default (else: none)
//   burst_seconds = 1                       # a bucket holds this many seconds of its rate
//   kms.cryptographic.symmetric = 20000     # a quota of core/api/aws_quotas.h, per second
//   principal.default = 500                 # each principal, any request (0: no limit)
//   principal.role/batch = 100              # one principal, as it authenticates
//   key.default = 0                         # each key, requests naming it
//   key.1234abcd-12ab-34cd-56ef-1234567890ab = 200
//
// Rates are requests per second, 0 meaning no limit; every quota is per region.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace coffer::server::quota {

struct QuotaSettings {
  bool enforced = false;  // false: no quotas file; nothing is limited
  double burst_seconds = 1.0;
  std::map<std::string, double, std::less<>> rates;  // quota name -> per second (0: none)
  double principal_default = 0;
  std::map<std::string, double, std::less<>> principals;
  double key_default = 0;
  std::map<std::string, double, std::less<>> keys;

  // The rate of a quota (0: none).
  double rate_of(std::string_view quota) const;
  double rate_of_principal(std::string_view principal) const;
  double rate_of_key(std::string_view key_id) const;
};

// Throws std::invalid_argument ("ORIGIN:LINE: why") for an unknown name, a repeated one, a
// value that is not a rate, or a line that is not `NAME = VALUE`.
QuotaSettings parse_quota_settings(std::string_view text, std::string_view origin);
// Reads and parses a file (std::invalid_argument as above, or when it cannot be read).
QuotaSettings load_quota_settings(const std::string& path);

}  // namespace coffer::server::quota
