// The names a client certificate carries that a principal rule may read: the subject's common
// names, the whole subject as RFC 2253 text, and the subjectAltName URIs, DNS names and email
// addresses. Values holding a NUL byte are left out: "admin\0.evil.example" must not be read
// as "admin", as a C string would.
#pragma once

#include <string>
#include <vector>

typedef struct x509_st X509;

namespace coffer::server::net {

struct CertificateNames {
  std::vector<std::string> common_names;  // in the subject's order
  std::string subject;                    // RFC 2253: "CN=app,OU=payments,O=Example"
  std::vector<std::string> uris, dns_names, emails;
};

CertificateNames certificate_names(X509* certificate);

}  // namespace coffer::server::net
