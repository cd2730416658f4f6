// The operation table: every operation Coffer serves, declared once, with what each front end
// and each cross-cutting concern needs to know about it (issue 13). The rpc and AWS front ends
// are codecs over it, the CLI takes its method names and retry rules from it, metrics take
// their labels from it, and core takes the key identifier forms and key-state rules of each
// operation from it (issue 22). Authorization and audit will hook in here.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/api/operation_list.h"
#include "core/model/key_enums.h"

namespace coffer::core::api {

enum class Operation : std::uint8_t {
#define COFFER_OPERATION_ENUM(name, rpc, idempotent, mutates) k##name,
  COFFER_KMS_OPERATIONS(COFFER_OPERATION_ENUM)
#undef COFFER_OPERATION_ENUM
#define COFFER_SECRETS_ENUM(id, aws, rpc, idempotent, mutates) k##id,
      COFFER_SECRETS_OPERATIONS(COFFER_SECRETS_ENUM)
#undef COFFER_SECRETS_ENUM
#define COFFER_IDENTITY_ENUM(name, service, rpc, idempotent, mutates) k##name,
          COFFER_IDENTITY_OPERATIONS(COFFER_IDENTITY_ENUM)
#undef COFFER_IDENTITY_ENUM
};

inline constexpr std::size_t kOperationCount = 0
#define COFFER_OPERATION_COUNT(name, rpc, idempotent, mutates) +1
    COFFER_KMS_OPERATIONS(COFFER_OPERATION_COUNT)
#undef COFFER_OPERATION_COUNT
#define COFFER_SECRETS_COUNT(id, aws, rpc, idempotent, mutates) +1
        COFFER_SECRETS_OPERATIONS(COFFER_SECRETS_COUNT)
#undef COFFER_SECRETS_COUNT
#define COFFER_IDENTITY_COUNT(name, service, rpc, idempotent, mutates) +1
            COFFER_IDENTITY_OPERATIONS(COFFER_IDENTITY_COUNT)
#undef COFFER_IDENTITY_COUNT
    ;

// The AWS service an operation belongs to: its X-Amz-Target prefix and SigV4 service name.
enum class Service : std::uint8_t {
  kKms,             // "TrentService.", signed for "kms"
  kSecretsManager,  // "secretsmanager.", signed for "secretsmanager"
  kIam,             // identity policies: rpc only (coffer.v1.Principals)
  kSts,             // GetCallerIdentity: rpc (coffer.v1.Principals); the AWS endpoint answers
                    // STS's query protocol itself (server/aws/sts_caller_identity.h)
  kServiceQuotas,   // ListServiceQuotas: rpc only (coffer.v1.Quotas)
};

enum class MemberType : std::uint8_t {
  kString,
  kBlob,
  kInteger,
  kBoolean,
  kMap,
  kList,
  kStructure,
  kTimestamp
};

// Which names of a key a member accepts, as AWS's API reference states per operation.
enum class KeyIdForms : std::uint8_t {
  kNotAKey,     // the member does not name a key
  kKeyIdOrArn,  // "Specify the key ID or key ARN of the KMS key": an alias is refused
  kAny,         // "key ID, key ARN, alias name, or alias ARN"
};

// One request member, as botocore's model declares it.
struct Member {
  std::string_view name;  // "KeyId": the AWS JSON name; rpc uses its snake_case ("key_id")
  MemberType type;
  bool required;
  std::int64_t min;  // length of a string, blob, list or map; value of an integer; -1: none
  std::int64_t max;
  std::span<const std::string_view> enum_values;  // in the model's order
  std::string_view pattern;                       // a regular expression, or empty
  bool sensitive;  // a plaintext or a secret: never logged, never quoted in an error
  KeyIdForms key_id_forms;
  MemberType element_type;  // lists: the type and bounds of each element
  std::int64_t element_min;
  std::int64_t element_max;
};

struct OperationSpec {
  Operation operation;
  Service service;
  std::string_view aws_name;
  std::string_view rpc_method;  // empty: not offered over rpc
  bool idempotent;
  bool mutates;
  std::span<const Member> members;

  // nullptr when the operation has no such member.
  const Member* member(std::string_view name) const;
};

// Every operation, in the order of operation_list.h.
std::span<const OperationSpec> all_operations();
const OperationSpec& spec(Operation operation);
// nullptr for a name the table does not hold.
const OperationSpec* find_aws(Service service, std::string_view aws_name);
const OperationSpec* find_rpc(std::string_view rpc_method);

// Compile-time views for code that needs constants (the client's method names).
constexpr std::string_view rpc_method(Operation operation) {
  constexpr std::array<std::string_view, kOperationCount> methods{
#define COFFER_OPERATION_RPC(name, rpc, idempotent, mutates) rpc,
      COFFER_KMS_OPERATIONS(COFFER_OPERATION_RPC)
#undef COFFER_OPERATION_RPC
#define COFFER_SECRETS_RPC(id, aws, rpc, idempotent, mutates) rpc,
          COFFER_SECRETS_OPERATIONS(COFFER_SECRETS_RPC)
#undef COFFER_SECRETS_RPC
#define COFFER_IDENTITY_RPC(name, service, rpc, idempotent, mutates) rpc,
              COFFER_IDENTITY_OPERATIONS(COFFER_IDENTITY_RPC)
#undef COFFER_IDENTITY_RPC
  };
  return methods[static_cast<std::size_t>(operation)];
}
constexpr std::string_view aws_name(Operation operation) {
  constexpr std::array<std::string_view, kOperationCount> names{
#define COFFER_OPERATION_NAME(name, rpc, idempotent, mutates) #name,
      COFFER_KMS_OPERATIONS(COFFER_OPERATION_NAME)
#undef COFFER_OPERATION_NAME
#define COFFER_SECRETS_NAME(id, aws, rpc, idempotent, mutates) aws,
          COFFER_SECRETS_OPERATIONS(COFFER_SECRETS_NAME)
#undef COFFER_SECRETS_NAME
#define COFFER_IDENTITY_NAME(name, service, rpc, idempotent, mutates) #name,
              COFFER_IDENTITY_OPERATIONS(COFFER_IDENTITY_NAME)
#undef COFFER_IDENTITY_NAME
  };
  return names[static_cast<std::size_t>(operation)];
}

}  // namespace coffer::core::api
