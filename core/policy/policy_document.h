// A policy document in the IAM policy language, as KMS reads key policies and IAM reads
// identity policies: parsed and checked once (PutKeyPolicy, put-policy), then evaluated for
// every request. A parsed document is immutable and holds no JSON: evaluation only compares
// pre-lowered strings and pre-split patterns, and may run on many threads at once.
//
//   {"Version": "2012-10-17", "Id": "...", "Statement": [{
//      "Sid": "...", "Effect": "Allow" | "Deny",
//      "Principal" | "NotPrincipal": "*" | {"AWS": ..., "Service": ...},   (key policies only)
//      "Action" | "NotAction": "kms:Encrypt" | ["kms:Re*", ...],
//      "Resource" | "NotResource": "*" | "arn:aws:kms:...:key/*" | [...],
//      "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}, ...}}]}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/policy/policy_statement.h"
#include "core/policy/request_context.h"

namespace coffer::core::policy {

// What a document says about one request, before it is combined with other documents.
struct Verdict {
  bool denied = false;               // a Deny statement applies (to the principal or its account)
  bool allowed = false;              // an Allow statement names the principal (or everyone)
  bool allowed_for_account = false;  // an Allow statement names the principal's account
};

class PolicyDocument {
 public:
  // Throws Error(kMalformedPolicyDocument, message) with a message that says what is wrong.
  // `principal_required`: a key policy, where every statement names its Principal or
  // NotPrincipal; otherwise an identity policy, where naming one is an error (as in IAM).
  static PolicyDocument parse(std::string_view json, bool principal_required);

  // This document alone: an applicable Deny wins, then an applicable Allow, else an implicit
  // deny. A statement naming the account denies every principal of that account, but allows
  // only its root: other principals need an identity policy too (see authorize()).
  Decision evaluate(const RequestContext& request) const;
  // Whether a statement allows every principal without a condition that confines the caller to
  // fixed principals, accounts or networks (for BlockPublicPolicy).
  bool grants_public_access() const;
  // Whether the document would let `request`'s principal call its action at all: no Deny
  // applies and an Allow names the principal or its account (the lockout safety check).
  bool allows(const RequestContext& request) const;

  Verdict verdict(const RequestContext& request) const;
  const std::vector<Statement>& statements() const { return statements_; }
  const std::string& version() const { return version_; }

 private:
  std::string version_;
  std::vector<Statement> statements_;
};

}  // namespace coffer::core::policy
