#include "server/net/certificate_names.h"

#include <cstring>
#include <memory>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace coffer::server::net {
namespace {

// The string's bytes, or nothing when it holds a NUL (its C-string reading would differ).
bool text_of(const ASN1_STRING* value, std::string& out) {
  const int length = ASN1_STRING_length(value);
  if (length < 0) return false;
  const auto* bytes = reinterpret_cast<const char*>(ASN1_STRING_get0_data(value));
  if (std::memchr(bytes, 0, static_cast<std::size_t>(length)) != nullptr) return false;
  out.assign(bytes, static_cast<std::size_t>(length));
  return true;
}

// A directory string in UTF-8, whatever its ASN.1 type (PrintableString, BMPString, ...).
bool utf8_of(const ASN1_STRING* value, std::string& out) {
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) return false;
  const auto release = [](unsigned char* p) { OPENSSL_free(p); };
  std::unique_ptr<unsigned char, decltype(release)> owned(utf8, release);
  if (std::memchr(utf8, 0, static_cast<std::size_t>(length)) != nullptr) return false;
  out.assign(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  return true;
}

std::string rfc2253_text(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return "";
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : "";
}

}  // namespace

CertificateNames certificate_names(X509* certificate) {
  CertificateNames names;
  if (certificate == nullptr) return names;
  const X509_NAME* subject = X509_get_subject_name(certificate);
  names.subject = rfc2253_text(subject);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    std::string value;
    if (utf8_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)), value))
      names.common_names.push_back(std::move(value));
  }
  std::unique_ptr<GENERAL_NAMES, decltype(&GENERAL_NAMES_free)> alternatives(
      static_cast<GENERAL_NAMES*>(
          X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)),
      &GENERAL_NAMES_free);
  for (int i = 0; alternatives && i < sk_GENERAL_NAME_num(alternatives.get()); ++i) {
    const GENERAL_NAME* entry = sk_GENERAL_NAME_value(alternatives.get(), i);
    std::string value;
    if (entry->type == GEN_URI && text_of(entry->d.uniformResourceIdentifier, value))
      names.uris.push_back(std::move(value));
    else if (entry->type == GEN_DNS && text_of(entry->d.dNSName, value))
      names.dns_names.push_back(std::move(value));
    else if (entry->type == GEN_EMAIL && text_of(entry->d.rfc822Name, value))
      names.emails.push_back(std::move(value));
  }
  return names;
}

}  // namespace coffer::server::net
