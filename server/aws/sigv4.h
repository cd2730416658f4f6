// AWS Signature Version 4 for requests signed in the Authorization header: parsing the
// header, the canonical request, the string to sign, the signing key, and verification.
// Every failure is an AwsError with the exception name and message AWS uses.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/secret_bytes.h"

namespace coffer::server::aws {

// What SigV4 reads of an HTTP request. Header names as received (any case).
struct SignedRequest {
  std::string method = "POST";
  std::string target = "/";  // path and optional ?query, as on the request line
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  // The service the credential must be scoped to; empty: VerifierOptions::service.
  std::string service;

  // The first header of this name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
};

struct Authorization {
  std::string access_key_id;
  std::string date;  // YYYYMMDD of the credential scope
  std::string region;
  std::string service;
  std::string terminator;
  std::vector<std::string> signed_headers;  // lower case, as listed
  std::string signature;                    // lower-case hex
};

// Parses "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=hex". IncompleteSignatureException when a part is missing.
Authorization parse_authorization(std::string_view header);

std::string sha256_hex(std::string_view data);
std::string canonical_request(const SignedRequest& request,
                              const std::vector<std::string>& signed_headers,
                              const std::string& payload_hash);
std::string string_to_sign(const std::string& amz_date, const std::string& scope,
                           const std::string& canonical);
SecretBytes signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);
std::string signature_hex(const SecretBytes& key, const std::string& string_to_sign);

// Adds X-Amz-Date and Authorization headers (signing `signed_headers`, which must be
// present on the request). For tests and load generators.
void sign(SignedRequest& request, const std::string& access_key_id, std::string_view secret,
          const std::string& amz_date, const std::string& region, const std::string& service,
          std::vector<std::string> signed_headers = {"content-type", "host", "x-amz-date",
                                                     "x-amz-target"});

// "20150830T123600Z" for a time point.
std::string amz_date_of(std::chrono::system_clock::time_point t);

struct Credentials {
  std::string principal;
  SecretBytes secret;
};

struct VerifierOptions {
  std::string service = "kms";
  std::chrono::seconds max_skew{15 * 60};
  bool accept_security_token = false;  // X-Amz-Security-Token
};

struct Verified {
  std::string principal;
  std::string access_key_id;
  std::string region;
};

class SigV4Verifier {
 public:
  using Lookup = std::function<std::optional<Credentials>(const std::string& access_key_id)>;
  // Throws AwsError (InvalidSignatureException) for a region that is not served.
  using RegionCheck = std::function<void(const std::string& region)>;

  SigV4Verifier(VerifierOptions options, Lookup lookup, RegionCheck region_check = {});

  // Checks header, scope, clock skew, region, access key, then the signature (in constant
  // time). Throws AwsError naming the first failure.
  Verified verify(const SignedRequest& request, std::chrono::system_clock::time_point now) const;
  // The same with another source of credentials (the network threads pass a cache-only one).
  Verified verify(const SignedRequest& request, std::chrono::system_clock::time_point now,
                  const Lookup& lookup) const;

 private:
  VerifierOptions options_;
  Lookup lookup_;
  RegionCheck region_check_;
};

}  // namespace coffer::server::aws
