// Parsing and checking a policy document: everything that can be wrong with one is found here,
// once, so that evaluation never meets a surprise.
#include "core/policy/policy_document.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/error.h"

namespace coffer::core::policy {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kVersion2012 = "2012-10-17";
constexpr std::string_view kVersion2008 = "2008-10-17";  // also what no Version means

[[noreturn]] void malformed(std::string message) {
  throw Error(ErrorCode::kMalformedPolicyDocument, std::move(message));
}

// Where an error is, for its message: `Statement 2 ("Sid": "AllowUse")`.
std::string statement_name(std::size_t index, const Json& statement) {
  std::string name = "Statement " + std::to_string(index + 1);
  const auto sid = statement.find("Sid");
  if (sid != statement.end() && sid->is_string() && !sid->get<std::string>().empty()) {
    name += " (\"Sid\": \"" + sid->get<std::string>() + "\")";
  }
  return name;
}

// "x" or ["x", "y"]: the shape of Action, Resource and the principal lists.
std::vector<std::string> strings_of(const Json& value, const std::string& what) {
  std::vector<std::string> strings;
  if (value.is_string()) {
    strings.push_back(value.get<std::string>());
    return strings;
  }
  if (!value.is_array() || value.empty()) {
    malformed(what + " must be a string or a non-empty list of strings.");
  }
  for (const Json& item : value) {
    if (!item.is_string()) malformed(what + " must be a string or a non-empty list of strings.");
    strings.push_back(item.get<std::string>());
  }
  return strings;
}

// Condition values may be written as strings, numbers or booleans; all compare as text.
std::string condition_value_text(const Json& value, const std::string& what) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) {
    return value.is_number_unsigned() ? std::to_string(value.get<std::uint64_t>())
                                      : std::to_string(value.get<std::int64_t>());
  }
  if (value.is_number_float()) return value.dump();
  malformed(what + " must be a string, a number, a boolean or a list of them.");
}

std::vector<std::string> condition_values_of(const Json& value, const std::string& what) {
  std::vector<std::string> values;
  if (!value.is_array()) {
    values.push_back(condition_value_text(value, what));
    return values;
  }
  for (const Json& item : value) values.push_back(condition_value_text(item, what));
  return values;  // empty: Condition refuses it, naming the key
}

class DocumentParser {
 public:
  DocumentParser(bool principal_required, bool variables_substituted)
      : principal_required_(principal_required), variables_substituted_(variables_substituted) {}

  Statement statement(const Json& json, const std::string& where) const {
    if (!json.is_object()) malformed(where + " must be a JSON object.");
    for (const auto& [name, value] : json.items()) {
      static constexpr std::string_view kElements[] = {"Sid",          "Effect",      "Principal",
                                                       "NotPrincipal", "Action",      "NotAction",
                                                       "Resource",     "NotResource", "Condition"};
      if (std::ranges::find(kElements, name) == std::end(kElements)) {
        malformed(where + " has an unknown element \"" + name + "\".");
      }
    }
    Statement statement;
    if (const auto sid = json.find("Sid"); sid != json.end()) {
      if (!sid->is_string()) malformed(where + ": Sid must be a string.");
      statement.sid = sid->get<std::string>();
    }
    statement.effect = effect(json, where);
    principals(json, where, statement);
    actions(json, where, statement);
    resources(json, where, statement);
    if (const auto condition = json.find("Condition"); condition != json.end()) {
      statement.conditions = conditions(*condition, where);
    }
    return statement;
  }

 private:
  // The element named `name` or its Not form: exactly one of them, or neither when optional.
  static const Json* one_of(const Json& json, const std::string& where, const char* name,
                            const char* not_name, bool required, bool& negated) {
    const auto plain = json.find(name);
    const auto negative = json.find(not_name);
    if (plain != json.end() && negative != json.end()) {
      malformed(where + " has both " + name + " and " + not_name + ".");
    }
    negated = negative != json.end();
    if (plain != json.end()) return &*plain;
    if (negative != json.end()) return &*negative;
    if (required) malformed(where + " is missing " + name + " (or " + not_name + ").");
    return nullptr;
  }

  static Effect effect(const Json& json, const std::string& where) {
    const auto effect = json.find("Effect");
    if (effect == json.end()) malformed(where + " is missing Effect.");
    if (*effect == "Allow") return Effect::kAllow;
    if (*effect == "Deny") return Effect::kDeny;
    malformed(where + ": Effect must be \"Allow\" or \"Deny\", not " + effect->dump() + ".");
  }

  void principals(const Json& json, const std::string& where, Statement& statement) const {
    const Json* principal = one_of(json, where, "Principal", "NotPrincipal", principal_required_,
                                   statement.not_principal);
    if (principal == nullptr) return;
    if (!principal_required_) {
      malformed(where +
                ": an identity policy must not name a Principal: it applies to the "
                "principal it is attached to.");
    }
    if (*principal == "*") {
      statement.principals = PrincipalSet::everyone();
      return;
    }
    if (!principal->is_object() || principal->empty()) {
      malformed(where + ": Principal must be \"*\" or an object such as {\"AWS\": \"...\"}.");
    }
    std::vector<std::string> aws;
    std::vector<std::string> services;
    for (const auto& [kind, values] : principal->items()) {
      if (kind == "AWS") {
        aws = strings_of(values, where + ": Principal AWS");
      } else if (kind == "Service") {
        services = strings_of(values, where + ": Principal Service");
      } else {
        malformed(where + ": Principal type \"" + kind +
                  "\" is not supported (use \"AWS\" or \"Service\").");
      }
    }
    try {
      statement.principals = PrincipalSet(aws, services);
    } catch (const Error& e) {
      malformed(where + ": " + e.what());
    }
  }

  static void actions(const Json& json, const std::string& where, Statement& statement) {
    const Json* actions = one_of(json, where, "Action", "NotAction", true, statement.not_action);
    for (const std::string& action : strings_of(*actions, where + ": Action")) {
      const auto colon = action.find(':');
      const bool well_formed =
          action == "*" || (colon != std::string::npos && colon > 0 && colon + 1 < action.size() &&
                            std::ranges::all_of(action.substr(0, colon), [](char c) {
                              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                     (c >= '0' && c <= '9') || c == '-';
                            }));
      if (!well_formed) {
        malformed(where + ": Action \"" + action +
                  "\" is not \"*\" or a service prefix and action, such as \"kms:Encrypt\".");
      }
      statement.actions.emplace_back(action, CaseRule::kInsensitive);
    }
  }

  void resources(const Json& json, const std::string& where, Statement& statement) const {
    const Json* resources =
        one_of(json, where, "Resource", "NotResource", true, statement.not_resource);
    for (const std::string& resource : strings_of(*resources, where + ": Resource")) {
      if (resource != "*" && !split_arn(resource)) {
        malformed(where + ": Resource \"" + resource + "\" must be \"*\" or an ARN.");
      }
      refuse_variables(resource, where);
      statement.resources.emplace_back(resource);
    }
  }

  std::vector<Condition> conditions(const Json& json, const std::string& where) const {
    if (!json.is_object()) malformed(where + ": Condition must be a JSON object.");
    std::vector<Condition> conditions;
    for (const auto& [op, keys] : json.items()) {
      if (!keys.is_object() || keys.empty()) {
        malformed(where + ": Condition operator " + op +
                  " must map condition keys to values, such as {\"kms:CallerAccount\": \"...\"}.");
      }
      for (const auto& [key, values] : keys.items()) {
        const auto strings = condition_values_of(values, where + ": Condition " + op + " " + key);
        for (const auto& value : strings) refuse_variables(value, where);
        try {
          conditions.emplace_back(op, key, strings);
        } catch (const Error& e) {
          malformed(where + ": " + e.what());
        }
      }
    }
    return conditions;
  }

  // Under Version 2012-10-17 "${aws:username}" is a policy variable, replaced at evaluation.
  // Coffer does not substitute them, and comparing the text literally would quietly never
  // match: refuse instead.
  void refuse_variables(std::string_view value, const std::string& where) const {
    if (variables_substituted_ && value.find("${") != std::string_view::npos) {
      malformed(where + ": \"" + std::string(value) +
                "\" uses a policy variable (${...}), which Coffer does not support.");
    }
  }

  bool principal_required_;
  bool variables_substituted_;
};

}  // namespace

PolicyDocument PolicyDocument::parse(std::string_view json, bool principal_required) {
  const Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) malformed("The policy is not valid JSON.");
  if (!doc.is_object()) malformed("The policy must be a JSON object.");
  for (const auto& [name, value] : doc.items()) {
    if (name != "Version" && name != "Id" && name != "Statement") {
      malformed("The policy has an unknown element \"" + name + "\".");
    }
  }

  PolicyDocument document;
  document.version_ = std::string(kVersion2008);
  if (const auto version = doc.find("Version"); version != doc.end()) {
    const std::string text = version->is_string() ? version->get<std::string>() : "";
    if (text != kVersion2012 && text != kVersion2008) {
      malformed("Version must be \"2012-10-17\" or \"2008-10-17\", not " + version->dump() + ".");
    }
    document.version_ = text;
  }
  if (const auto id = doc.find("Id"); id != doc.end() && !id->is_string()) {
    malformed("Id must be a string.");
  }

  const auto statements = doc.find("Statement");
  if (statements == doc.end()) malformed("The policy has no Statement.");
  if (statements->is_array() && statements->empty()) malformed("Statement is empty.");
  const DocumentParser parser(principal_required, document.version_ == kVersion2012);
  if (statements->is_array()) {
    document.statements_.reserve(statements->size());
    for (std::size_t i = 0; i < statements->size(); ++i) {
      const Json& statement = (*statements)[i];
      document.statements_.push_back(parser.statement(statement, statement_name(i, statement)));
    }
  } else {
    document.statements_.push_back(parser.statement(*statements, statement_name(0, *statements)));
  }
  return document;
}

}  // namespace coffer::core::policy
