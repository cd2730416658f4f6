// Client certificate to principal (server/net/certificate_principal_rules.h): what a rule
// accepts at start-up, which principal each certificate maps to, and the certificates a
// hostile or careless CA could issue to reach another principal (NUL bytes, separators in
// captures, DN injection through an escaped comma, over-long names).
#include "server/net/certificate_principal_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "tests/support/error_matchers.h"

namespace coffer::server::net {
namespace {

using ::coffer::testing::ThrowsError;
using ::testing::HasSubstr;

struct Alternative {
  int type;  // GEN_URI, GEN_DNS, GEN_EMAIL
  std::string value;
};

template <class Case>
std::string case_name(const ::testing::TestParamInfo<Case>& param_info) {
  return param_info.param.name;
}

using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;

// A certificate with these subject entries (in order) and subjectAltNames; values may hold
// any bytes, NUL included. Unsigned: the rules read names, the TLS layer checks signatures.
Certificate certificate(const std::vector<std::pair<int, std::string>>& subject,
                        const std::vector<Alternative>& alternatives = {}) {
  Certificate cert(X509_new(), &X509_free);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& [nid, value] : subject)
    X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value.data()),
                               static_cast<int>(value.size()), -1, 0);
  if (!alternatives.empty()) {
    GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
    for (const auto& alternative : alternatives) {
      GENERAL_NAME* entry = GENERAL_NAME_new();
      ASN1_IA5STRING* text = ASN1_IA5STRING_new();
      ASN1_STRING_set(text, alternative.value.data(), static_cast<int>(alternative.value.size()));
      GENERAL_NAME_set0_value(entry, alternative.type, text);
      sk_GENERAL_NAME_push(names, entry);
    }
    X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names, 0, 0);
    GENERAL_NAMES_free(names);
  }
  return cert;
}

std::optional<std::string> principal(std::string_view rules, X509* cert) {
  return CertificatePrincipalRules::parse(rules).principal_of(certificate_names(cert));
}

TEST(CertificateNames, ReadsCommonNamesSubjectAndAlternatives) {
  auto cert = certificate({{NID_organizationName, "Example, Inc"},
                           {NID_organizationalUnitName, "payments"},
                           {NID_commonName, "app-1"}},
                          {{GEN_URI, "spiffe://prod.example/role/App"},
                           {GEN_DNS, "App.Example"},
                           {GEN_EMAIL, "ops@example.com"}});
  const auto names = certificate_names(cert.get());
  EXPECT_THAT(names.common_names, ::testing::ElementsAre("app-1"));
  EXPECT_EQ(names.subject, "CN=app-1,OU=payments,O=Example\\, Inc");
  EXPECT_THAT(names.uris, ::testing::ElementsAre("spiffe://prod.example/role/App"));
  EXPECT_THAT(names.dns_names, ::testing::ElementsAre("App.Example"));
  EXPECT_THAT(names.emails, ::testing::ElementsAre("ops@example.com"));
}

TEST(CertificateNames, ValuesWithANulByteAreLeftOut) {
  using namespace std::string_literals;
  auto cert = certificate({{NID_commonName, "admin\0.evil.example"s}},
                          {{GEN_URI, "spiffe://prod.example/role/Admin\0x"s}});
  const auto names = certificate_names(cert.get());
  EXPECT_TRUE(names.common_names.empty());
  EXPECT_TRUE(names.uris.empty());
  EXPECT_EQ(
      principal("cn=admin => root; san_uri=spiffe://prod.example/role/* => role/$1", cert.get()),
      std::nullopt);
}

struct MappingCase {
  std::string name;
  std::string rules;
  std::vector<std::pair<int, std::string>> subject;
  std::vector<Alternative> alternatives;
  std::optional<std::string> expected;
};

class CertificatePrincipalMapping : public ::testing::TestWithParam<MappingCase> {};

TEST_P(CertificatePrincipalMapping, MapsAsTheRulesSay) {
  const auto& c = GetParam();
  auto cert = certificate(c.subject, c.alternatives);
  EXPECT_EQ(principal(c.rules, cert.get()), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CertificatePrincipalMapping,
    ::testing::Values(
        MappingCase{"SpiffeRole",
                    "san_uri=spiffe://prod.example/role/* => role/$1",
                    {{NID_commonName, "ignored"}},
                    {{GEN_URI, "spiffe://prod.example/role/AppRole"}},
                    "role/AppRole"},
        MappingCase{"CaptureWithSlashDoesNotMatch",
                    "san_uri=spiffe://prod.example/role/* => role/$1",
                    {},
                    {{GEN_URI, "spiffe://prod.example/role/a/b"}},
                    std::nullopt},
        MappingCase{"CaptureWithColonCannotNameAnotherAccount",
                    "cn=* => user/$1",
                    {{NID_commonName, "arn:aws:iam::999999999999:root"}},
                    {},
                    std::nullopt},
        MappingCase{"ExactNameToRoot",
                    "cn=break-glass => root",
                    {{NID_commonName, "break-glass"}},
                    {},
                    "root"},
        MappingCase{"ExactNameIsWhole",
                    "cn=break-glass => root",
                    {{NID_commonName, "break-glass-2"}},
                    {},
                    std::nullopt},
        MappingCase{"FirstMatchingRuleWins",
                    "cn=ops-* => user/$1; cn=* => role/Default",
                    {{NID_commonName, "ops-alice"}},
                    {},
                    "user/alice"},
        MappingCase{"LaterRuleWhenEarlierDoesNotMatch",
                    "cn=ops-* => user/$1; cn=* => role/Default",
                    {{NID_commonName, "batch"}},
                    {},
                    "role/Default"},
        MappingCase{"SubjectWithOrganizationalUnit",
                    "subject=CN=*,OU=payments,O=Example => role/payments-$1",
                    {{NID_organizationName, "Example"},
                     {NID_organizationalUnitName, "payments"},
                     {NID_commonName, "api"}},
                    {},
                    "role/payments-api"},
        // A CN holding ",OU=payments" is escaped in the RFC 2253 text: it cannot pose as an OU.
        MappingCase{"CommaInCommonNameCannotForgeAnOu",
                    "subject=CN=*,OU=payments,O=Example => role/$1",
                    {{NID_organizationName, "Example"}, {NID_commonName, "api,OU=payments"}},
                    {},
                    std::nullopt},
        MappingCase{"DnsComparesWithoutCase",
                    "san_dns=*.svc.example => role/$1",
                    {},
                    {{GEN_DNS, "Billing.SVC.Example"}},
                    "role/billing"},
        MappingCase{"EmailToUser",
                    "san_email=*@example.com => user/$1",
                    {},
                    {{GEN_EMAIL, "alice@example.com"}},
                    "user/alice"},
        MappingCase{
            "SecondAlternativeMatches",
            "san_uri=spiffe://prod.example/role/* => role/$1",
            {},
            {{GEN_URI, "https://example.com/"}, {GEN_URI, "spiffe://prod.example/role/Worker"}},
            "role/Worker"},
        MappingCase{"TwoCaptures",
                    "san_uri=spiffe://*.example/role/* => role/$2-$1",
                    {},
                    {{GEN_URI, "spiffe://prod.example/role/App"}},
                    "role/App-prod"},
        MappingCase{"SixtyCharacterNameMatches",
                    "cn=* => user/$1",
                    {{NID_commonName, std::string(60, 'a')}},
                    {},
                    "user/" + std::string(60, 'a')},
        MappingCase{"NameOverSixtyFourCharactersDoesNotMatch",
                    "cn=* => user/prefix-$1",
                    {{NID_commonName, std::string(60, 'a')}},
                    {},
                    std::nullopt},
        MappingCase{"NoCertificateNamesMatchNothing", "cn=* => root", {}, {}, std::nullopt},
        MappingCase{"DefaultOfEarlierReleasesUser",
                    "cn=user/* => user/$1; cn=role/* => role/$1; cn=* => root",
                    {{NID_commonName, "role/AppRole"}},
                    {},
                    "role/AppRole"}),
    case_name<MappingCase>);

TEST(CertificatePrincipalRules, EarlierReleasesDefaultReadsTheCommonName) {
  const auto rules = CertificatePrincipalRules::earlier_releases_default();
  auto role = certificate({{NID_commonName, "role/AppRole"}});
  auto user = certificate({{NID_commonName, "user/alice"}});
  auto other = certificate({{NID_commonName, "e2e-client"}});
  EXPECT_EQ(rules.principal_of(certificate_names(role.get())), "role/AppRole");
  EXPECT_EQ(rules.principal_of(certificate_names(user.get())), "user/alice");
  EXPECT_EQ(rules.principal_of(certificate_names(other.get())), "root");
}

struct RefusedCase {
  std::string name;
  std::string rules;
  std::string why;
};

class CertificatePrincipalRulesRefused : public ::testing::TestWithParam<RefusedCase> {};

TEST_P(CertificatePrincipalRulesRefused, AtStartUpWithTheReason) {
  const auto& c = GetParam();
  EXPECT_THAT([&] { CertificatePrincipalRules::parse(c.rules); },
              ThrowsError(ErrorCode::kValidation, HasSubstr(c.why)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, CertificatePrincipalRulesRefused,
    ::testing::Values(RefusedCase{"Empty", " ; ", "no rule"},
                      RefusedCase{"NoArrow", "cn=* role/$1", "FIELD=PATTERN => PRINCIPAL"},
                      RefusedCase{"NoField", "* => role/$1", "FIELD=PATTERN => PRINCIPAL"},
                      RefusedCase{"UnknownField", "ou=* => role/$1", "FIELD is one of"},
                      RefusedCase{"EmptyPattern", "cn= => root", "pattern is empty"},
                      RefusedCase{"ArnAsPrincipal", "cn=* => arn:aws:iam::1:root",
                                  "root, user/NAME or role/NAME"},
                      RefusedCase{"PathInName", "cn=* => role/team/$1", "may hold only"},
                      RefusedCase{"CaptureBeyondStars", "cn=* => role/$2", "$N must name"},
                      RefusedCase{"DollarAtEnd", "cn=* => role/x$", "$N must name"},
                      RefusedCase{"DollarZero", "cn=* => role/$0", "$N must name"},
                      RefusedCase{"AdjacentStars", "cn=a** => role/$1", "side by side"},
                      RefusedCase{"EmptyName", "cn=* => user/", "name is empty"},
                      RefusedCase{"TenStars", "cn=*a*a*a*a*a*a*a*a*a* => root", "at most 9"}),
    case_name<RefusedCase>);

TEST(GlobCaptures, LeftmostPlacementDecidesTheMatch) {
  const std::vector<std::string> literals{"a", "b", "c"};  // a*b*c
  EXPECT_THAT(*glob_captures(literals, "axbybzc"), ::testing::ElementsAre("x", "ybz"));
  EXPECT_EQ(glob_captures(literals, "axc"), std::nullopt);
  EXPECT_EQ(glob_captures(literals, "abc")->size(), 2u);
  EXPECT_EQ(glob_captures({"ab", "ba"}, "aba"), std::nullopt);  // ends must not overlap
  EXPECT_THAT(*glob_captures({"", ""}, "anything"), ::testing::ElementsAre("anything"));
}

}  // namespace
}  // namespace coffer::server::net
