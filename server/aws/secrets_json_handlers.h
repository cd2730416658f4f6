// The Secrets Manager operations of the AWS JSON 1.1 protocol ("secretsmanager.<Operation>",
// botocore secretsmanager/2017-10-17 member names): each maps request members onto
// core::SecretsService and its result onto response members. Requests are validated against
// core/api's table before a codec runs.
#pragma once

#include "core/secrets/secrets_service.h"
#include "server/aws/aws_operations.h"

namespace coffer::server::aws {

// The region's Secrets Manager; UnknownOperationException when this server runs none.
core::SecretsService& secrets_of(RegionServices& services);

// Adapts a SecretsService codec to the table's signature.
template <Json (*F)(core::SecretsService&, const Json&)>
AwsOperation secrets_codec() {
  return [](RegionServices& services, const Json& in) { return F(secrets_of(services), in); };
}

// One area each: secrets_json_values.cc (values and versions), secrets_json_manage.cc
// (describe, list, delete, tags, passwords, rotation, policies).
void add_secrets_operations(AwsOperationTable& table);
void add_secret_value_operations(AwsOperationTable& table);
void add_secret_management_operations(AwsOperationTable& table);

// A secret's value members: SecretString (UTF-8 text) or SecretBinary (base64), wiped after use.
core::SecretValue secret_value_of(const Json& in);
void put_secret_value(Json& out, const core::SecretValue& value);
std::vector<core::SecretsFilter> filters_of(const Json& in);
// Secrets Manager's tags are {Key, Value} (KMS's are {TagKey, TagValue}).
std::vector<core::Tag> secret_tags_of(const Json& in, const char* member);
// A secret's attributes as DescribeSecret and ListSecrets answer them.
Json secret_json(const core::SecretDescription& d, bool list_entry);

}  // namespace coffer::server::aws
