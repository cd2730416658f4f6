// coffer secrets: put-policy, get-policy, delete-policy, validate-policy (resource policies).
#include "tools/coffer/blob_io.h"
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"
#include "tools/coffer/secret_io.h"

namespace coffer::tools::cli {
namespace {

// --resource-policy JSON or --policy-file FILE ('-': stdin).
std::string read_policy(const Args& a) {
  if (a.has("resource-policy") && a.has("policy-file"))
    throw UsageError("give either --resource-policy or --policy-file, not both");
  if (auto text = a.get("resource-policy")) return *text;
  if (auto file = a.get("policy-file")) {
    const SecretBytes bytes = read_file(*file);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  throw UsageError("--resource-policy or --policy-file is required");
}

std::vector<OptionSpec> policy_options() {
  return {{"resource-policy", "JSON", "The policy document"},
          {"policy-file", "FILE", "Read the policy document from FILE ('-': stdin)"}};
}

void put_policy(Context& c) {
  const Args& a = c.args();
  sv1::PutResourcePolicyRequest request;
  request.set_secret_id(a.required("secret-id"));
  request.set_resource_policy(read_policy(a));
  if (a.has("no-block-public-policy")) request.set_block_public_policy(false);
  auto response = c.secrets().put_resource_policy(request);
  if (c.json()) return print_json(response);
  print_fields({{"ARN", response.arn()}, {"Name", response.name()}});
}

void get_policy(Context& c) {
  sv1::GetResourcePolicyRequest request;
  request.set_secret_id(c.args().required("secret-id"));
  auto response = c.secrets().get_resource_policy(request);
  if (c.json()) return print_json(response);
  print_fields({{"ARN", response.arn()},
                {"Name", response.name()},
                {"ResourcePolicy",
                 response.has_resource_policy() ? response.resource_policy() : "- (none)"}});
}

void delete_policy(Context& c) {
  sv1::DeleteResourcePolicyRequest request;
  request.set_secret_id(c.args().required("secret-id"));
  auto response = c.secrets().delete_resource_policy(request);
  if (c.json()) return print_json(response);
  print_fields({{"ARN", response.arn()}, {"Name", response.name()}});
}

void validate_policy(Context& c) {
  const Args& a = c.args();
  sv1::ValidateResourcePolicyRequest request;
  if (auto id = a.get("secret-id")) request.set_secret_id(*id);
  request.set_resource_policy(read_policy(a));
  auto response = c.secrets().validate_resource_policy(request);
  if (c.json()) return print_json(response);
  print_fields({{"PolicyValidationPassed", yes_no(response.policy_validation_passed())}});
  if (response.validation_errors_size() == 0) return;
  std::printf("\n");
  Table table({"CHECK", "MESSAGE"});
  for (const auto& e : response.validation_errors()) table.add({e.check_name(), e.error_message()});
  table.print();
}

}  // namespace

void add_secret_policy_commands(std::vector<Command>& out) {
  out.push_back({"secrets put-policy", "Attach a resource policy to a secret",
                 with({secret_id_option(),
                       {"no-block-public-policy", "", "Accept a policy that grants public access"}},
                      policy_options()),
                 put_policy});
  out.push_back(
      {"secrets get-policy", "Show a secret's resource policy", {secret_id_option()}, get_policy});
  out.push_back({"secrets delete-policy",
                 "Remove a secret's resource policy",
                 {secret_id_option()},
                 delete_policy});
  out.push_back(
      {"secrets validate-policy", "Check a resource policy without attaching it",
       with({{"secret-id", "ID", "The secret it is meant for (optional)"}}, policy_options()),
       validate_policy});
}

}  // namespace coffer::tools::cli
