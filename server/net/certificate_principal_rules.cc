#include "server/net/certificate_principal_rules.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"

namespace coffer::server::net {
namespace {

constexpr std::size_t kMaxNameLength = 64;  // IAM's limit for user and role names
constexpr std::size_t kMaxCaptures = 9;
constexpr std::size_t kMaxValueLength = 4096;  // longer certificate values match no rule

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

[[noreturn]] void refuse(std::string_view rule, const std::string& why) {
  throw Error(ErrorCode::kValidation,
              "tls_client_principal_rules: '" + std::string(rule) + "': " + why);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Checks a principal template: root, or user/ or role/ then name characters and $1..$stars.
void check_template(std::string_view rule, std::string_view principal, std::size_t stars) {
  if (principal == "root") return;
  if (!principal.starts_with("user/") && !principal.starts_with("role/"))
    refuse(rule, "the principal must be root, user/NAME or role/NAME");
  const std::string_view name = principal.substr(5);
  if (name.empty()) refuse(rule, "the principal's name is empty");
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '$') {
      if (i + 1 == name.size() || name[i + 1] < '1' ||
          static_cast<std::size_t>(name[i + 1] - '0') > stars)
        refuse(rule, "$N must name one of the pattern's " + std::to_string(stars) + " `*`");
      ++i;
    } else if (!is_iam_name(name.substr(i, 1))) {
      refuse(rule, "the principal's name may hold only A-Z a-z 0-9 + = , . @ _ - and $N");
    }
  }
}

}  // namespace

bool is_iam_name(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' ||
           c == '_' || c == '-';
  });
}

std::optional<std::vector<std::string_view>> glob_captures(const std::vector<std::string>& literals,
                                                           std::string_view value) {
  const std::string& first = literals.front();
  if (literals.size() == 1) {
    if (value != first) return std::nullopt;
    return std::vector<std::string_view>{};
  }
  const std::string& last = literals.back();
  if (value.size() < first.size() + last.size() || !value.starts_with(first) ||
      !value.ends_with(last))
    return std::nullopt;
  // Between the fixed ends, each middle literal at its first place after the one before:
  // when any placement matches, the leftmost does, so this decides the match in one pass.
  std::vector<std::string_view> captures;
  std::size_t at = first.size();
  const std::size_t end = value.size() - last.size();
  for (std::size_t i = 1; i + 1 < literals.size(); ++i) {
    const auto found = value.substr(0, end).find(literals[i], at);
    if (found == std::string_view::npos) return std::nullopt;
    captures.push_back(value.substr(at, found - at));
    at = found + literals[i].size();
  }
  captures.push_back(value.substr(at, end - at));
  return captures;
}

CertificatePrincipalRules::Rule CertificatePrincipalRules::parse_rule(std::string_view text) {
  const auto arrow = text.find("=>");
  if (arrow == std::string_view::npos) refuse(text, "a rule is FIELD=PATTERN => PRINCIPAL");
  const std::string_view match = trimmed(text.substr(0, arrow));
  const std::string_view principal = trimmed(text.substr(arrow + 2));
  const auto equals = match.find('=');
  if (equals == std::string_view::npos) refuse(text, "a rule is FIELD=PATTERN => PRINCIPAL");
  const std::string_view field = trimmed(match.substr(0, equals));
  const std::string_view pattern = trimmed(match.substr(equals + 1));

  Rule rule;
  if (field == "cn")
    rule.field = Field::kCommonName;
  else if (field == "subject")
    rule.field = Field::kSubject;
  else if (field == "san_uri")
    rule.field = Field::kUri;
  else if (field == "san_dns")
    rule.field = Field::kDns;
  else if (field == "san_email")
    rule.field = Field::kEmail;
  else
    refuse(text, "FIELD is one of cn, subject, san_uri, san_dns, san_email");
  if (pattern.empty()) refuse(text, "the pattern is empty");

  // DNS names compare without regard to case (RFC 4343): both sides are lower-cased.
  const std::string prepared = rule.field == Field::kDns ? lower(pattern) : std::string(pattern);
  std::size_t start = 0;
  for (std::size_t star; (star = prepared.find('*', start)) != std::string::npos;
       start = star + 1) {
    rule.literals.push_back(prepared.substr(start, star - start));
    if (star + 1 < prepared.size() && prepared[star + 1] == '*')
      refuse(text, "two `*` side by side capture nothing the first does not");
  }
  rule.literals.push_back(prepared.substr(start));
  const std::size_t stars = rule.literals.size() - 1;
  if (stars > kMaxCaptures) refuse(text, "at most 9 `*` per pattern");
  check_template(text, principal, stars);
  rule.principal = std::string(principal);
  return rule;
}

CertificatePrincipalRules CertificatePrincipalRules::parse(std::string_view text) {
  CertificatePrincipalRules rules;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(';', start), text.size());
    const std::string_view one = trimmed(text.substr(start, end - start));
    if (!one.empty()) rules.rules_.push_back(parse_rule(one));
    start = end + 1;
  }
  if (rules.rules_.empty()) refuse(text, "no rule");
  return rules;
}

CertificatePrincipalRules CertificatePrincipalRules::earlier_releases_default() {
  return parse("cn=user/* => user/$1; cn=role/* => role/$1; cn=* => root");
}

std::optional<std::string> CertificatePrincipalRules::apply(const Rule& rule,
                                                            std::string_view value) {
  if (value.size() > kMaxValueLength) return std::nullopt;
  const std::string folded = rule.field == Field::kDns ? lower(value) : std::string();
  const auto captures = glob_captures(rule.literals, rule.field == Field::kDns ? folded : value);
  if (!captures) return std::nullopt;
  if (rule.principal == "root") return rule.principal;
  std::string principal;
  for (std::size_t i = 0; i < rule.principal.size(); ++i) {
    if (rule.principal[i] != '$') {
      principal += rule.principal[i];
      continue;
    }
    const std::string_view captured = (*captures)[rule.principal[++i] - '1'];
    if (!is_iam_name(captured)) return std::nullopt;
    principal += captured;
  }
  if (principal.size() - 5 > kMaxNameLength) return std::nullopt;
  return principal;
}

std::optional<std::string> CertificatePrincipalRules::principal_of(
    const CertificateNames& names) const {
  const std::vector<std::string> subject{names.subject};
  for (const Rule& rule : rules_) {
    const std::vector<std::string>* values = nullptr;
    switch (rule.field) {
      case Field::kCommonName:
        values = &names.common_names;
        break;
      case Field::kSubject:
        values = &subject;
        break;
      case Field::kUri:
        values = &names.uris;
        break;
      case Field::kDns:
        values = &names.dns_names;
        break;
      case Field::kEmail:
        values = &names.emails;
        break;
    }
    for (const std::string& value : *values) {
      if (value.empty()) continue;
      if (auto principal = apply(rule, value)) return principal;
    }
  }
  return std::nullopt;
}

}  // namespace coffer::server::net
