#include "server/aws/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <map>

#include "common/hex.h"
#include "common/utf8.h"
#include "server/aws/aws_error.h"

namespace coffer::server::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Header values are trimmed and inner runs of spaces collapse to one (SigV4 rule).
std::string canonical_value(std::string_view v) {
  v = trim(v);
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    parts.push_back(
        s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

// RFC 3986 encoding of everything but unreserved characters (and '/' in paths): what
// botocore does to the path it sends, so an already-encoded path is encoded again.
std::string uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  if (query.empty()) return "";
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto part : split(query, '&')) {
    if (part.empty()) continue;
    auto eq = part.find('=');
    pairs.emplace_back(std::string(part.substr(0, eq)),
                       eq == std::string_view::npos ? "" : std::string(part.substr(eq + 1)));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

std::string hmac(std::span<const std::uint8_t> key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  std::string result(reinterpret_cast<char*>(out), len);
  secure_zero(out, sizeof out);
  return result;
}

// "20150830T123600Z" → seconds since the epoch; nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  auto num = [&](std::size_t at, std::size_t n) { return std::stoi(std::string(s.substr(at, n))); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  // Years past 2200 would overflow system_clock's nanoseconds (found by fuzz_aws_request);
  // such a date is outside any clock skew anyway.
  if (tm.tm_year < 70 || tm.tm_year > 300 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
      tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

std::optional<std::string_view> SignedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && lower(k) == lower(name)) return std::string_view(v);
  }
  return std::nullopt;
}

Authorization parse_authorization(std::string_view header) {
  header = trim(header);
  const auto space = header.find(' ');
  const auto algorithm = header.substr(0, space);
  if (algorithm != kAlgorithm) {
    throw incomplete_signature("Unsupported AWS 'algorithm': '" + quoted_excerpt(algorithm, 32) +
                               "'");
  }
  std::map<std::string, std::string> params;
  if (space != std::string_view::npos) {
    for (auto part : split(header.substr(space + 1), ',')) {
      part = trim(part);
      auto eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      params[std::string(trim(part.substr(0, eq)))] = std::string(trim(part.substr(eq + 1)));
    }
  }
  std::string missing;
  for (const char* name : {"Credential", "Signature", "SignedHeaders"}) {
    if (params[name].empty())
      missing += std::string("Authorization header requires '") + name + "' parameter. ";
  }
  if (!missing.empty())
    throw incomplete_signature(missing + "Authorization=" + quoted_excerpt(header, 128));

  Authorization a;
  auto scope = split(params["Credential"], '/');
  if (scope.size() != 5 || scope[0].empty()) {
    throw incomplete_signature(
        "Credential should be scoped to a valid region and service, 'Credential=" +
        quoted_excerpt(params["Credential"], 128) + "'");
  }
  a.access_key_id = scope[0];
  a.date = scope[1];
  a.region = scope[2];
  a.service = scope[3];
  a.terminator = scope[4];
  for (auto h : split(params["SignedHeaders"], ';')) a.signed_headers.push_back(lower(h));
  a.signature = lower(params["Signature"]);
  return a;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return to_hex(std::span<const std::uint8_t>(md, len));
}

std::string canonical_request(const SignedRequest& request,
                              const std::vector<std::string>& signed_headers,
                              const std::string& payload_hash) {
  const auto q = request.target.find('?');
  const std::string_view path = std::string_view(request.target).substr(0, q);
  const std::string_view query =
      q == std::string::npos ? std::string_view() : std::string_view(request.target).substr(q + 1);

  std::string out = request.method + "\n" + uri_encode(path.empty() ? "/" : path, true) + "\n" +
                    canonical_query(query) + "\n";
  for (const auto& name : signed_headers) {
    // Repeated headers join with commas in the order received.
    std::string joined;
    for (const auto& [k, v] : request.headers) {
      if (lower(k) != name) continue;
      if (!joined.empty()) joined += ',';
      joined += canonical_value(v);
    }
    out += name + ":" + joined + "\n";
  }
  out += "\n";
  for (std::size_t i = 0; i < signed_headers.size(); ++i) out += (i ? ";" : "") + signed_headers[i];
  out += "\n" + payload_hash;
  return out;
}

std::string string_to_sign(const std::string& amz_date, const std::string& scope,
                           const std::string& canonical) {
  return std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" + sha256_hex(canonical);
}

SecretBytes signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  // "AWS4" + secret, built in wiped memory.
  SecretBytes k0(4 + secret.size());
  std::memcpy(k0.data(), "AWS4", 4);
  std::memcpy(k0.data() + 4, secret.data(), secret.size());
  std::string k = hmac(k0, date);
  for (std::string_view part : {region, service, std::string_view("aws4_request")}) {
    std::string next = hmac(as_bytes(k), part);
    secure_zero(k.data(), k.size());
    k = std::move(next);
  }
  SecretBytes key(as_bytes(k));
  secure_zero(k.data(), k.size());
  return key;
}

std::string signature_hex(const SecretBytes& key, const std::string& sts) {
  return to_hex(as_bytes(hmac(key, sts)));
}

std::string amz_date_of(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void sign(SignedRequest& request, const std::string& access_key_id, std::string_view secret,
          const std::string& amz_date, const std::string& region, const std::string& service,
          std::vector<std::string> signed_headers) {
  request.headers.emplace_back("X-Amz-Date", amz_date);
  std::sort(signed_headers.begin(), signed_headers.end());
  const std::string scope = amz_date.substr(0, 8) + "/" + region + "/" + service + "/aws4_request";
  const auto canonical = canonical_request(request, signed_headers, sha256_hex(request.body));
  const auto key = signing_key(secret, amz_date.substr(0, 8), region, service);
  std::string list;
  for (const auto& h : signed_headers) list += (list.empty() ? "" : ";") + h;
  request.headers.emplace_back(
      "Authorization", std::string(kAlgorithm) + " Credential=" + access_key_id + "/" + scope +
                           ", SignedHeaders=" + list + ", Signature=" +
                           signature_hex(key, string_to_sign(amz_date, scope, canonical)));
}

SigV4Verifier::SigV4Verifier(VerifierOptions options, Lookup lookup, RegionCheck region_check)
    : options_(std::move(options)),
      lookup_(std::move(lookup)),
      region_check_(std::move(region_check)) {}

Verified SigV4Verifier::verify(const SignedRequest& request,
                               std::chrono::system_clock::time_point now) const {
  return verify(request, now, lookup_);
}

Verified SigV4Verifier::verify(const SignedRequest& request,
                               std::chrono::system_clock::time_point now,
                               const Lookup& lookup) const {
  const auto header = request.header("Authorization");
  if (!header || trim(*header).empty()) throw missing_authentication_token();
  const Authorization a = parse_authorization(*header);

  const auto amz_date = request.header("X-Amz-Date");
  if (!amz_date) {
    throw incomplete_signature(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const auto when = parse_amz_date(*amz_date);
  if (!when)
    throw incomplete_signature("X-Amz-Date must be in the ISO8601 Long Format: '" +
                               quoted_excerpt(*amz_date, 32) + "'");
  const auto& signed_headers = a.signed_headers;
  auto is_signed = [&](std::string_view h) {
    return std::find(signed_headers.begin(), signed_headers.end(), h) != signed_headers.end();
  };
  if (!is_signed("host")) {
    throw incomplete_signature(
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (!is_signed("x-amz-date")) {
    throw incomplete_signature("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // Every header that changes what the request means must be covered by the signature:
  // otherwise a captured request could be replayed with another X-Amz-Target (the
  // operation) or Content-Type. All AWS SDKs sign these.
  for (const auto& [name, value] : request.headers) {
    const std::string h = lower(name);
    if ((h == "content-type" || h.starts_with("x-amz-")) && !is_signed(h)) {
      throw incomplete_signature("'" + quoted_excerpt(name, 64) +
                                 "' must be a 'SignedHeader' in the AWS Authorization.");
    }
  }
  if (a.date != amz_date->substr(0, 8)) {
    throw invalid_signature(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        "'" +
        quoted_excerpt(a.date, 32) + "' != '" + std::string(amz_date->substr(0, 8)) + "', from '" +
        std::string(*amz_date) + "'.");
  }
  if (*when + options_.max_skew < now) {
    throw invalid_signature("Signature expired: " + std::string(*amz_date) +
                            " is now earlier than " + amz_date_of(now - options_.max_skew) + " (" +
                            amz_date_of(now) + " - 15 min.)");
  }
  if (*when - options_.max_skew > now) {
    throw invalid_signature("Signature not yet current: " + std::string(*amz_date) +
                            " is still later than " + amz_date_of(now + options_.max_skew) + " (" +
                            amz_date_of(now) + " + 15 min.)");
  }
  if (a.terminator != "aws4_request") {
    throw invalid_signature(
        "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
        quoted_excerpt(a.terminator, 32) + "'.");
  }
  const std::string& service = request.service.empty() ? options_.service : request.service;
  if (a.service != service) {
    throw invalid_signature("Credential should be scoped to correct service: '" + service + "'.");
  }
  if (region_check_) region_check_(a.region);
  if (request.header("X-Amz-Security-Token") && !options_.accept_security_token)
    throw unrecognized_client();

  auto credentials = lookup(a.access_key_id);
  if (!credentials) throw unrecognized_client();

  // The body is always signed: a declared hash that differs from the body is a forgery.
  std::string payload_hash = sha256_hex(request.body);
  if (auto declared = request.header("X-Amz-Content-Sha256");
      declared && lower(*declared) != payload_hash) {
    throw invalid_signature(
        "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const std::string scope = a.date + "/" + a.region + "/" + a.service + "/" + a.terminator;
  const auto canonical = canonical_request(request, signed_headers, payload_hash);
  const auto key =
      signing_key(std::string_view(reinterpret_cast<const char*>(credentials->secret.data()),
                                   credentials->secret.size()),
                  a.date, a.region, a.service);
  const auto expected =
      signature_hex(key, string_to_sign(std::string(*amz_date), scope, canonical));
  if (expected.size() != a.signature.size() ||
      CRYPTO_memcmp(expected.data(), a.signature.data(), expected.size()) != 0) {
    throw invalid_signature(
        "The request signature we calculated does not match the signature you provided. Check your "
        "AWS Secret Access "
        "Key and signing method. Consult the service documentation for details.");
  }
  return {credentials->principal, a.access_key_id, a.region};
}

}  // namespace coffer::server::aws
