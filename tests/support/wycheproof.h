// Reading Wycheproof vector files and keeping score of how a token answers them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace coffer::testing {

// Parses vectors_dir()/file. Throws std::runtime_error if it is missing or not JSON.
nlohmann::json load_wycheproof(const std::string& file);

// The bytes of a hex string field. Throws std::runtime_error for anything but hex.
std::vector<std::uint8_t> hex_field(const nlohmann::json& object, const char* name);

enum class Expected { kValid, kInvalid, kAcceptable };
Expected expected_result(const nlohmann::json& test);

// One test case with the group that holds its shared parameters (key, sizes, digest).
struct VectorCase {
  const nlohmann::json& group;
  const nlohmann::json& test;
  int tc_id;
  Expected expected;
};

// Calls f(VectorCase) for every case of every group, in file order.
template <class F>
void for_each_case(const nlohmann::json& document, F&& f) {
  for (const auto& group : document.at("testGroups")) {
    for (const auto& test : group.at("tests")) {
      f(VectorCase{group, test, test.at("tcId").get<int>(), expected_result(test)});
    }
  }
}

// How many cases of the file have this result.
std::size_t count_cases(const nlohmann::json& document, Expected expected);

// The outcome of every case of one file: what passed, what failed (with the tcId and
// why), and what was skipped because the token cannot express the case.
class VectorScore {
 public:
  explicit VectorScore(std::string file) : file_(std::move(file)) {}

  void pass(int tc_id, Expected expected);
  void fail(int tc_id, const std::string& why);
  void skip(int tc_id, const std::string& reason);
  // An `acceptable` case: either answer is allowed; remember which one the token gave.
  void acceptable(int tc_id, bool accepted);
  // Runs f for one case; an exception that escapes it (a set-up or clean-up call that
  // failed) is a wrong answer for that case, and the next case still runs.
  template <class F>
  void guarded(int tc_id, F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      fail(tc_id, std::string("unexpected exception: ") + e.what());
    }
  }

  // Distinct cases with an outcome, and distinct cases with a wrong answer.
  std::size_t total() const { return seen_.size(); }
  std::size_t failures() const { return failed_.size(); }
  std::size_t skipped() const;
  const std::vector<std::string>& failure_messages() const { return failures_; }
  // One human-readable block: counts, skip reasons with tcIds, failures.
  std::string summary() const;

 private:
  std::string file_;
  std::size_t valid_passed_ = 0;
  std::size_t invalid_rejected_ = 0;
  std::size_t acceptable_accepted_ = 0;
  std::size_t acceptable_rejected_ = 0;
  std::vector<std::string> failures_;
  std::set<int> failed_;
  std::set<int> seen_;
  std::map<std::string, std::vector<int>> skipped_;  // reason -> tcIds
};

}  // namespace coffer::testing
