// A client certificate's names to a principal: DER bytes (as the CA signed them; the TLS layer
// checks only the signature) → certificate_names → the rules of a SPIFFE deployment plus the
// earlier-release default. Findings: crash, sanitizer report, or a principal that is not
// "root", "user/NAME" or "role/NAME" with NAME of IAM name characters, at most 64.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include <openssl/x509.h>

#include "server/net/certificate_principal_rules.h"

using coffer::server::net::CertificatePrincipalRules;

namespace {

void check(const std::optional<std::string>& principal) {
  if (!principal || *principal == "root") return;
  const bool kind = principal->starts_with("user/") || principal->starts_with("role/");
  const std::string_view name = std::string_view(*principal).substr(5);
  if (!kind || name.size() > 64 || !coffer::server::net::is_iam_name(name)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto spiffe = CertificatePrincipalRules::parse(
      "san_uri=spiffe://prod.example/user/* => user/$1; san_uri=spiffe://*.example/role/* => "
      "role/$2-$1; subject=CN=*,OU=*,O=Example => role/$2-$1; san_dns=*.svc.example => "
      "role/$1; san_email=*@example.com => user/$1; cn=break-glass => root");
  static const auto earlier = CertificatePrincipalRules::earlier_releases_default();
  const unsigned char* cursor = data;
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      d2i_X509(nullptr, &cursor, static_cast<long>(size)), &X509_free);
  if (!certificate) return 0;
  const auto names = coffer::server::net::certificate_names(certificate.get());
  check(spiffe.principal_of(names));
  check(earlier.principal_of(names));
  return 0;
}
