#include "tests/support/wycheproof.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/hex.h"
#include "tests/support/temp_token.h"

namespace coffer::testing {

nlohmann::json load_wycheproof(const std::string& file) {
  const std::string path = vectors_dir() + "/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open Wycheproof file " + path);
  nlohmann::json document = nlohmann::json::parse(in);
  if (!document.contains("testGroups")) throw std::runtime_error(path + " has no testGroups");
  return document;
}

std::vector<std::uint8_t> hex_field(const nlohmann::json& object, const char* name) {
  auto bytes = from_hex(object.at(name).get<std::string>());
  if (!bytes) throw std::runtime_error(std::string("field '") + name + "' is not hex");
  return *bytes;
}

Expected expected_result(const nlohmann::json& test) {
  const std::string result = test.at("result").get<std::string>();
  if (result == "valid") return Expected::kValid;
  if (result == "invalid") return Expected::kInvalid;
  if (result == "acceptable") return Expected::kAcceptable;
  throw std::runtime_error("unknown Wycheproof result '" + result + "'");
}

std::size_t count_cases(const nlohmann::json& document, Expected expected) {
  std::size_t n = 0;
  for_each_case(document, [&](const VectorCase& c) { n += c.expected == expected ? 1 : 0; });
  return n;
}

void VectorScore::pass(int tc_id, Expected expected) {
  seen_.insert(tc_id);
  if (expected == Expected::kValid) ++valid_passed_;
  if (expected == Expected::kInvalid) ++invalid_rejected_;
}

void VectorScore::fail(int tc_id, const std::string& why) {
  seen_.insert(tc_id);
  failed_.insert(tc_id);
  failures_.push_back(file_ + " tcId " + std::to_string(tc_id) + ": " + why);
}

void VectorScore::skip(int tc_id, const std::string& reason) {
  seen_.insert(tc_id);
  skipped_[reason].push_back(tc_id);
}

void VectorScore::acceptable(int tc_id, bool accepted) {
  seen_.insert(tc_id);
  if (accepted) {
    ++acceptable_accepted_;
  } else {
    ++acceptable_rejected_;
  }
}

std::size_t VectorScore::skipped() const {
  std::size_t n = 0;
  for (const auto& [reason, ids] : skipped_) n += ids.size();
  return n;
}

std::string VectorScore::summary() const {
  std::ostringstream out;
  out << file_ << ": " << total() << " cases; valid accepted " << valid_passed_
      << ", invalid rejected " << invalid_rejected_ << ", acceptable accepted "
      << acceptable_accepted_ << " / rejected " << acceptable_rejected_ << ", skipped " << skipped()
      << ", wrong " << failed_.size() << "\n";
  for (const auto& [reason, ids] : skipped_) {
    out << "  skipped " << ids.size() << " (" << reason << "): tcId";
    for (int id : ids) out << ' ' << id;
    out << "\n";
  }
  // The first failures name the problem; a long tail (one broken session fails every case
  // after it) only buries it.
  constexpr std::size_t kShown = 60;
  for (std::size_t i = 0; i < failures_.size() && i < kShown; ++i)
    out << "  WRONG " << failures_[i] << "\n";
  if (failures_.size() > kShown)
    out << "  ... and " << failures_.size() - kShown << " more failure messages\n";
  return out.str();
}

}  // namespace coffer::testing
