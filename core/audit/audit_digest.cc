#include "core/audit/audit_digest.h"

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "core/audit/audit_file_names.h"

namespace coffer::core::audit {
namespace {

using nlohmann::json;

// nlohmann::json keeps members in a std::map, so dump() writes them sorted by name.
json unsigned_object(const AuditDigest& d) {
  json object = json::object();
  object["digestVersion"] = kDigestVersion;
  object["digestSequence"] = d.digest_sequence;
  object["digestStartTime"] = format_iso8601(d.start_time);
  object["digestEndTime"] = format_iso8601(d.end_time);
  object["firstSequence"] = d.first_sequence;
  object["lastSequence"] = d.last_sequence ? json(*d.last_sequence) : json();
  object["headHash"] = hash_hex(d.head_hash);
  object["logFiles"] = d.log_files;
  object["previousDigestHash"] = hash_hex(d.previous_digest_hash);
  object["signatureAlgorithm"] = d.signature_algorithm;
  object["publicKeyFingerprint"] = d.public_key_fingerprint;
  return object;
}

std::optional<AuditDigest> refuse(std::string* error, std::string_view why) {
  if (error != nullptr) *error = why;
  return std::nullopt;
}

const json* member(const json& object, const char* name) {
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

const std::string* string_member(const json& object, const char* name) {
  const json* value = member(object, name);
  return value != nullptr && value->is_string() ? &value->get_ref<const std::string&>() : nullptr;
}

bool is_ascii_text(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f || c == '"' ||
        c == '\\')
      return false;
  return true;
}

}  // namespace

std::string digest_signed_bytes(const AuditDigest& digest) {
  return unsigned_object(digest).dump();
}

Sha256Digest digest_chain_hash(const AuditDigest& digest) {
  return sha256(digest_signed_bytes(digest));
}

std::string digest_file_text(const AuditDigest& digest) {
  json object = unsigned_object(digest);
  object["signature"] = to_base64(digest.signature);
  return object.dump() + "\n";
}

std::optional<AuditDigest> parse_digest(std::string_view text, std::string* error) {
  if (text.size() > kMaxDigestFileBytes) return refuse(error, "file too large");
  const json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) return refuse(error, "not a JSON object");
  const json* version = member(object, "digestVersion");
  if (version == nullptr || !version->is_number_unsigned() || *version != kDigestVersion)
    return refuse(error, "digestVersion is not 1");

  AuditDigest d;
  const json* sequence = member(object, "digestSequence");
  if (sequence == nullptr || !sequence->is_number_unsigned())
    return refuse(error, "no digestSequence");
  d.digest_sequence = sequence->get<std::uint64_t>();

  const std::string* start = string_member(object, "digestStartTime");
  const std::string* end = string_member(object, "digestEndTime");
  const auto start_time = start ? parse_iso8601(*start) : std::nullopt;
  const auto end_time = end ? parse_iso8601(*end) : std::nullopt;
  if (!start_time || !end_time) return refuse(error, "digestStartTime or digestEndTime missing");
  d.start_time = *start_time;
  d.end_time = *end_time;

  const json* first = member(object, "firstSequence");
  const json* last = member(object, "lastSequence");
  if (first == nullptr || !first->is_number_unsigned())
    return refuse(error, "firstSequence is not an unsigned integer");
  d.first_sequence = first->get<std::uint64_t>();
  if (last == nullptr || !(last->is_null() || last->is_number_unsigned()))
    return refuse(error, "lastSequence is neither null nor an unsigned integer");
  if (!last->is_null()) {
    d.last_sequence = last->get<std::uint64_t>();
    if (d.first_sequence > *d.last_sequence)
      return refuse(error, "firstSequence is after lastSequence");
  }

  const std::string* head = string_member(object, "headHash");
  const std::string* previous = string_member(object, "previousDigestHash");
  const auto head_hash = head ? hash_from_hex(*head) : std::nullopt;
  const auto previous_hash = previous ? hash_from_hex(*previous) : std::nullopt;
  if (!head_hash || !previous_hash) return refuse(error, "headHash or previousDigestHash invalid");
  d.head_hash = *head_hash;
  d.previous_digest_hash = *previous_hash;

  const json* files = member(object, "logFiles");
  if (files == nullptr || !files->is_array()) return refuse(error, "no logFiles list");
  for (const json& file : *files) {
    if (!file.is_string() || !parse_log_file_name(file.get_ref<const std::string&>()))
      return refuse(error, "logFiles holds something that is not a log file name");
    d.log_files.push_back(file.get<std::string>());
  }

  const std::string* algorithm = string_member(object, "signatureAlgorithm");
  const std::string* fingerprint = string_member(object, "publicKeyFingerprint");
  const std::string* signature = string_member(object, "signature");
  if (!algorithm || !fingerprint || !signature || !is_ascii_text(*algorithm) ||
      !is_ascii_text(*fingerprint))
    return refuse(error, "signatureAlgorithm, publicKeyFingerprint or signature missing");
  d.signature_algorithm = *algorithm;
  d.public_key_fingerprint = *fingerprint;
  const auto signature_bytes = from_base64(*signature);
  // Re-encoding must give the text back: base64 has spellings that decode alike.
  if (!signature_bytes || to_base64(*signature_bytes) != *signature)
    return refuse(error, "signature is not canonical base64");
  d.signature = *signature_bytes;
  if (object.size() != 12) return refuse(error, "unexpected members");
  return d;
}

}  // namespace coffer::core::audit
