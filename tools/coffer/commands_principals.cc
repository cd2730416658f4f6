// coffer principal put-policy|get-policy|delete-policy|list-policies: identity policies over
// rpc (coffer.v1.Principals), as `cofferd principal` does offline; coffer whoami.
#include <set>

#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"
#include "tools/command_line/document_argument.h"

namespace coffer::tools::cli {
namespace {

OptionSpec principal_option() {
  return {"principal", "PRINCIPAL", "role/NAME, user/NAME or arn:aws:iam::ACCOUNT:role/NAME", true};
}
OptionSpec policy_name_option() {
  return {"policy-name", "NAME", "The policy's name (1-128 of A-Z a-z 0-9 +=,.@_-)", true};
}

void put_policy(Context& c) {
  const Args& a = c.args();
  v1::PutPrincipalPolicyRequest request;
  request.set_principal(a.required("principal"));
  request.set_policy_name(a.required("policy-name"));
  request.set_policy_document(read_document_argument(a.required("policy-document")));
  print_empty(c, c.principals().put_principal_policy(request));
}

void get_policy(Context& c) {
  v1::GetPrincipalPolicyRequest request;
  request.set_principal(c.args().required("principal"));
  request.set_policy_name(c.args().required("policy-name"));
  const auto response = c.principals().get_principal_policy(request);
  if (c.json()) return print_json(response);
  std::printf("%s\n", response.policy_document().c_str());
}

void delete_policy(Context& c) {
  v1::DeletePrincipalPolicyRequest request;
  request.set_principal(c.args().required("principal"));
  request.set_policy_name(c.args().required("policy-name"));
  print_empty(c, c.principals().delete_principal_policy(request));
}

// Every page unless --max-items or --marker asks for one.
void list_policies(Context& c) {
  const Args& a = c.args();
  v1::ListPrincipalPoliciesRequest request;
  request.set_principal(a.required("principal"));
  const auto max_items = a.get_int("max-items");
  const auto marker = a.get("marker");
  if (max_items) request.set_max_items(static_cast<std::int32_t>(*max_items));
  if (marker) request.set_marker(*marker);
  auto response = c.principals().list_principal_policies(request);
  std::set<std::string> seen;  // a server handing back an old marker must not loop us forever
  while (!max_items && !marker && response.is_truncated() && response.has_marker() &&
         seen.insert(response.marker()).second) {
    request.set_marker(response.marker());
    const auto page = c.principals().list_principal_policies(request);
    response.mutable_policy_names()->MergeFrom(page.policy_names());
    response.set_is_truncated(page.is_truncated());
    if (page.has_marker())
      response.set_marker(page.marker());
    else
      response.clear_marker();
  }
  if (c.json()) return print_json(response);
  for (const auto& name : response.policy_names()) std::printf("%s\n", name.c_str());
  if (response.is_truncated() && response.has_marker())
    std::printf("\nMore results: --marker %s\n", response.marker().c_str());
}

// A rate as written in the quotas file: 0.5 stays 0.5 (read as "0" it would look unlimited).
std::string rate_text(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", rate);
  return text;
}

// Only the quotas that limit something, unless --all: AWS's table is long.
void quotas(Context& c) {
  const auto response = c.principals().list_service_quotas();
  if (c.json()) return print_json(response);
  const bool all = c.args().has("all");
  std::printf("Quotas %s (burst: %g s of each rate)\n",
              response.enforced() ? "enforced" : "not enforced (no quotas_file)",
              response.burst_seconds());
  std::printf("%-12s %-46s %10s %10s %10s %12s %10s\n", "REGION", "QUOTA", "RATE/S", "BURST",
              "CURRENT/S", "ADMITTED", "THROTTLED");
  for (const auto& q : response.quotas()) {
    if (!all && q.rate() <= 0 && q.throttled() == 0) continue;
    std::printf("%-12s %-46s %10s %10.0f %10.0f %12llu %10llu\n", q.region().c_str(),
                q.quota_name().c_str(), q.rate() > 0 ? rate_text(q.rate()).c_str() : "-", q.burst(),
                q.current_rate(), static_cast<unsigned long long>(q.admitted()),
                static_cast<unsigned long long>(q.throttled()));
  }
  auto limit = [](double rate) { return rate > 0 ? rate_text(rate) + "/s" : std::string("none"); };
  std::printf("\nPer principal: %s", limit(response.principal_default()).c_str());
  for (const auto& [name, rate] : response.principals())
    std::printf(", %s %s", name.c_str(), limit(rate).c_str());
  std::printf("\nPer key: %s", limit(response.key_default()).c_str());
  for (const auto& [key, rate] : response.keys())
    std::printf(", %s %s", key.c_str(), limit(rate).c_str());
  std::printf("\nLoad shedding: max queue time %s; shed %llu, refused at once %llu\n",
              response.max_queue_time_ms() > 0
                  ? (std::to_string(response.max_queue_time_ms()) + " ms").c_str()
                  : "none",
              static_cast<unsigned long long>(response.shed()),
              static_cast<unsigned long long>(response.refused()));
}

void whoami(Context& c) {
  const auto response = c.principals().get_caller_identity();
  if (c.json()) return print_json(response);
  print_fields({{"Arn", response.arn()},
                {"Account", response.account()},
                {"UserId", response.user_id()},
                {"AccessKeyId", or_dash(response.access_key_id())}});
}

}  // namespace

void add_principal_commands(std::vector<Command>& out) {
  out.push_back({"quotas",
                 "Show the request quotas in force, their current rates and load shedding",
                 {{"all", "", "Also the quotas that limit nothing (rate 0)", false}},
                 quotas});
  out.push_back({"principal put-policy",
                 "Attach (or replace) an identity policy of a role or user",
                 {principal_option(),
                  policy_name_option(),
                  {"policy-document", "JSON", "The policy, or file://PATH", true}},
                 put_policy});
  out.push_back({"principal get-policy",
                 "Print an identity policy of a role or user",
                 {principal_option(), policy_name_option()},
                 get_policy});
  out.push_back({"principal delete-policy",
                 "Remove an identity policy from a role or user",
                 {principal_option(), policy_name_option()},
                 delete_policy});
  out.push_back({"principal list-policies",
                 "List the identity policy names of a role or user",
                 {principal_option(),
                  {"max-items", "N", "At most N names (one page)", false, false, IntRange{1, 1000}},
                  {"marker", "MARKER", "Start after this marker (one page)"}},
                 list_policies});
  out.push_back({"whoami", "Show the caller's principal ARN, account and access key", {}, whoami});
}

}  // namespace coffer::tools::cli
