// Secret values between the command line and coffer.v1.secrets messages, and the pieces the
// `coffer secrets` commands share (the secret id option, tags, printing a secret's
// attributes). A value comes from --value TEXT (SecretString only: argv is visible to other
// users of the machine), --value-file FILE or stdin ("-"); --binary sends it as SecretBinary.
#pragma once

#include <google/protobuf/map.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <optional>
#include <string>
#include <vector>

#include "coffer/v1/secrets.pb.h"
#include "common/secret_bytes.h"
#include "tools/coffer/command.h"

namespace coffer::tools::cli {

namespace sv1 = ::coffer::v1::secrets;

OptionSpec secret_id_option();
// --value, --value-file, --binary; `stdin_default` says what no option means (put: stdin;
// create and update: no new value).
std::vector<OptionSpec> value_options(bool stdin_default);

// The value the options name (nullopt: none). Without --binary it must be UTF-8 text.
struct SecretInput {
  SecretBytes bytes;
  bool binary = false;
};
std::optional<SecretInput> read_secret_input(const Args& args, bool stdin_default);

// Puts the value into a request's secret_string or secret_binary.
template <class Request>
void set_secret_value(const Args& args, bool stdin_default, Request& request) {
  auto input = read_secret_input(args, stdin_default);
  if (!input) return;
  const auto* data = reinterpret_cast<const char*>(input->bytes.data());
  if (input->binary) {
    request.set_secret_binary(data, input->bytes.size());
  } else {
    request.set_secret_string(data, input->bytes.size());
  }
}

// "--tags KEY=VALUE" or the aws CLI's "Key=k,Value=v".
google::protobuf::RepeatedPtrField<sv1::Tag> parse_secret_tags(
    const std::vector<std::string>& items);

// "v1 (AWSCURRENT), v2 (AWSPREVIOUS)": a version map for people.
std::string format_stages(const google::protobuf::Map<std::string, sv1::VersionStages>& map);
std::string format_rules(const sv1::RotationRules& rules);

}  // namespace coffer::tools::cli
