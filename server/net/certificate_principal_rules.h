// Which principal a client certificate stands for, by rules the operator configures
// (`tls_client_principal_rules`), tried in order; the first that matches decides:
//
//   san_uri=spiffe://prod.example/role/* => role/$1; cn=ops-* => user/$1; cn=break-glass => root
//
// A rule is FIELD=PATTERN => PRINCIPAL. FIELD is cn (each subject common name), subject (the
// whole subject, RFC 2253: "CN=app,OU=payments,O=Example"), san_uri, san_dns or san_email
// (each subjectAltName of that kind). PATTERN is matched against the whole value; each `*`
// matches any run of characters and is captured as $1..$9. PRINCIPAL is `root` (the
// account's root), or `user/NAME` or `role/NAME` where NAME is IAM name characters and
// captures. A captured value must itself be IAM name characters ([A-Za-z0-9+=,.@_-]) and
// the resulting NAME at most 64 of them, or the rule does not match: a certificate cannot
// name a path, another account or a different kind of principal through a capture.
//
// A certificate no rule maps authenticates nothing (the connection may still send an
// api_key). Without configured rules the default keeps the behaviour of earlier releases:
// `cn=user/* => user/$1; cn=role/* => role/$1; cn=* => root`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/net/certificate_names.h"

namespace coffer::server::net {

class CertificatePrincipalRules {
 public:
  // Error(kValidation) naming the rule and what is wrong with it.
  static CertificatePrincipalRules parse(std::string_view text);
  static CertificatePrincipalRules earlier_releases_default();

  // "root", "user/NAME" or "role/NAME" (core::principal_arn_of reads them), or nothing.
  std::optional<std::string> principal_of(const CertificateNames& names) const;

  std::size_t size() const { return rules_.size(); }

 private:
  enum class Field { kCommonName, kSubject, kUri, kDns, kEmail };
  struct Rule {
    Field field;
    std::vector<std::string> literals;  // the pattern split at its `*`s (one more than stars)
    std::string principal;              // the template, with $N
  };

  static Rule parse_rule(std::string_view text);
  static std::optional<std::string> apply(const Rule& rule, std::string_view value);

  std::vector<Rule> rules_;
};

// Whether `text` is a run of IAM name characters ([A-Za-z0-9+=,.@_-]), at least one.
bool is_iam_name(std::string_view text);

// The texts the `*`s of the pattern `literals` (split at its `*`s) matched in `value`, each
// as short as the match allows, left to right; nothing when `value` does not match.
std::optional<std::vector<std::string_view>> glob_captures(const std::vector<std::string>& literals,
                                                           std::string_view value);

}  // namespace coffer::server::net
