// Every operation Coffer serves, once: X(Name, rpc method, idempotent, mutates).
//   Name        the AWS operation name ("TrentService.<Name>" over AWS JSON)
//   rpc method  the coffer.v1 method (docs/PROTOCOL.md), "" when rpc does not offer it
//   idempotent  a client may re-send it after a lost connection without creating a second
//               key or version (CreateKey and RotateKeyOnDemand may not be re-sent)
//   mutates     it changes stored state (its audit record must be durable before the answer)
// The request members come from botocore's model (kms_schema.inc); the key identifier forms
// and key-state rules from AWS's documentation (operations.cc, key_state_rules.cc).
#pragma once

// clang-format off
#define COFFER_KMS_OPERATIONS(X)                                                                         \
  X(CreateKey,                           "coffer.v1.Keys/CreateKey",                  false, true)       \
  X(DescribeKey,                         "coffer.v1.Keys/DescribeKey",                true,  false)      \
  X(ListKeys,                            "coffer.v1.Keys/ListKeys",                   true,  false)      \
  X(EnableKey,                           "coffer.v1.Keys/EnableKey",                  true,  true)       \
  X(DisableKey,                          "coffer.v1.Keys/DisableKey",                 true,  true)       \
  X(ScheduleKeyDeletion,                 "coffer.v1.Keys/ScheduleKeyDeletion",        true,  true)       \
  X(CancelKeyDeletion,                   "coffer.v1.Keys/CancelKeyDeletion",          true,  true)       \
  X(UpdateKeyDescription,                "coffer.v1.Keys/UpdateKeyDescription",       true,  true)       \
  X(GetKeyPolicy,                        "",                                          true,  false)      \
  X(PutKeyPolicy,                        "",                                          true,  true)       \
  X(ListKeyPolicies,                     "",                                          true,  false)      \
  X(EnableKeyRotation,                   "coffer.v1.Keys/EnableKeyRotation",          true,  true)       \
  X(DisableKeyRotation,                  "coffer.v1.Keys/DisableKeyRotation",         true,  true)       \
  X(GetKeyRotationStatus,                "coffer.v1.Keys/GetKeyRotationStatus",       true,  false)      \
  X(RotateKeyOnDemand,                   "coffer.v1.Keys/RotateKeyOnDemand",          false, true)       \
  X(ListKeyRotations,                    "coffer.v1.Keys/ListKeyRotations",           true,  false)      \
  X(CreateAlias,                         "coffer.v1.Keys/CreateAlias",                true,  true)       \
  X(UpdateAlias,                         "coffer.v1.Keys/UpdateAlias",                true,  true)       \
  X(DeleteAlias,                         "coffer.v1.Keys/DeleteAlias",                true,  true)       \
  X(ListAliases,                         "coffer.v1.Keys/ListAliases",                true,  false)      \
  X(TagResource,                         "coffer.v1.Keys/TagResource",                true,  true)       \
  X(UntagResource,                       "coffer.v1.Keys/UntagResource",              true,  true)       \
  X(ListResourceTags,                    "coffer.v1.Keys/ListResourceTags",           true,  false)      \
  X(Encrypt,                             "coffer.v1.Crypto/Encrypt",                  true,  false)      \
  X(Decrypt,                             "coffer.v1.Crypto/Decrypt",                  true,  false)      \
  X(ReEncrypt,                           "coffer.v1.Crypto/ReEncrypt",                true,  false)      \
  X(GenerateDataKey,                     "coffer.v1.Crypto/GenerateDataKey",          true,  false)      \
  X(GenerateDataKeyWithoutPlaintext,     "coffer.v1.Crypto/GenerateDataKeyWithoutPlaintext", true, false) \
  X(GenerateRandom,                      "coffer.v1.Crypto/GenerateRandom",           true,  false)      \
  X(Sign,                                "coffer.v1.Crypto/Sign",                     true,  false)      \
  X(Verify,                              "coffer.v1.Crypto/Verify",                   true,  false)      \
  X(GetPublicKey,                        "coffer.v1.Crypto/GetPublicKey",             true,  false)      \
  X(GenerateMac,                         "coffer.v1.Crypto/GenerateMac",              true,  false)      \
  X(VerifyMac,                           "coffer.v1.Crypto/VerifyMac",                true,  false)      \
  X(GenerateDataKeyPair,                 "coffer.v1.Crypto/GenerateDataKeyPair",      true,  false)      \
  X(GenerateDataKeyPairWithoutPlaintext, "coffer.v1.Crypto/GenerateDataKeyPairWithoutPlaintext", true, false) \
  X(CreateGrant,                         "coffer.v1.Keys/CreateGrant",                false, true)       \
  X(ListGrants,                          "coffer.v1.Keys/ListGrants",                 true,  false)      \
  X(ListRetirableGrants,                 "coffer.v1.Keys/ListRetirableGrants",        true,  false)      \
  X(RetireGrant,                         "coffer.v1.Keys/RetireGrant",                true,  true)       \
  X(RevokeGrant,                         "coffer.v1.Keys/RevokeGrant",                true,  true)
// clang-format on

// Secrets Manager's operations ("secretsmanager.<AwsName>" over AWS JSON, SigV4 service
// "secretsmanager"): S(Id, AwsName, rpc method, idempotent, mutates). The Id differs from the
// AWS name only where KMS has an operation of the same name (TagResource, UntagResource).
// Members come from botocore's secretsmanager/2017-10-17 model (secrets_schema.inc).
// Mutations carry a ClientRequestToken or act on a named state, so a re-send is safe.
// clang-format off
#define COFFER_SECRETS_OPERATIONS(S)                                                                                   \
  S(CreateSecret,               "CreateSecret",             "coffer.v1.Secrets/CreateSecret",             true,  true)  \
  S(GetSecretValue,             "GetSecretValue",           "coffer.v1.Secrets/GetSecretValue",           true,  false) \
  S(BatchGetSecretValue,        "BatchGetSecretValue",      "coffer.v1.Secrets/BatchGetSecretValue",      true,  false) \
  S(PutSecretValue,             "PutSecretValue",           "coffer.v1.Secrets/PutSecretValue",           true,  true)  \
  S(UpdateSecret,               "UpdateSecret",             "coffer.v1.Secrets/UpdateSecret",             true,  true)  \
  S(UpdateSecretVersionStage,   "UpdateSecretVersionStage", "coffer.v1.Secrets/UpdateSecretVersionStage", true,  true)  \
  S(DescribeSecret,             "DescribeSecret",           "coffer.v1.Secrets/DescribeSecret",           true,  false) \
  S(ListSecrets,                "ListSecrets",              "coffer.v1.Secrets/ListSecrets",              true,  false) \
  S(ListSecretVersionIds,       "ListSecretVersionIds",     "coffer.v1.Secrets/ListSecretVersionIds",     true,  false) \
  S(DeleteSecret,               "DeleteSecret",             "coffer.v1.Secrets/DeleteSecret",             true,  true)  \
  S(RestoreSecret,              "RestoreSecret",            "coffer.v1.Secrets/RestoreSecret",            true,  true)  \
  S(SecretsTagResource,         "TagResource",              "coffer.v1.Secrets/TagResource",              true,  true)  \
  S(SecretsUntagResource,       "UntagResource",            "coffer.v1.Secrets/UntagResource",            true,  true)  \
  S(GetRandomPassword,          "GetRandomPassword",        "coffer.v1.Secrets/GetRandomPassword",        true,  false) \
  S(RotateSecret,               "RotateSecret",             "coffer.v1.Secrets/RotateSecret",             true,  true)  \
  S(CancelRotateSecret,         "CancelRotateSecret",       "coffer.v1.Secrets/CancelRotateSecret",       true,  true)  \
  S(PutResourcePolicy,          "PutResourcePolicy",        "coffer.v1.Secrets/PutResourcePolicy",        true,  true)  \
  S(GetResourcePolicy,          "GetResourcePolicy",        "coffer.v1.Secrets/GetResourcePolicy",        true,  false) \
  S(DeleteResourcePolicy,       "DeleteResourcePolicy",     "coffer.v1.Secrets/DeleteResourcePolicy",     true,  true)  \
  S(ValidateResourcePolicy,     "ValidateResourcePolicy",   "coffer.v1.Secrets/ValidateResourcePolicy",   true,  false)
// clang-format on

// IAM's inline policies of a principal, STS GetCallerIdentity, and Service Quotas'
// ListServiceQuotas (the request quotas in force, server/quota), over rpc only (no AWS JSON
// front end serves them): I(Name, Service, rpc method, idempotent, mutates). A principal is
// "user/NAME", "role/NAME" or its IAM ARN; the members are Coffer's own (identity_schema.inc),
// modelled on IAM's PutRolePolicy and friends, which name a role or a user apart.
// clang-format off
#define COFFER_IDENTITY_OPERATIONS(I)                                                                      \
  I(PutPrincipalPolicy,    kIam, "coffer.v1.Principals/PutPrincipalPolicy",    true, true)              \
  I(GetPrincipalPolicy,    kIam, "coffer.v1.Principals/GetPrincipalPolicy",    true, false)             \
  I(DeletePrincipalPolicy, kIam, "coffer.v1.Principals/DeletePrincipalPolicy", true, true)              \
  I(ListPrincipalPolicies, kIam, "coffer.v1.Principals/ListPrincipalPolicies", true, false)             \
  I(GetCallerIdentity,     kSts, "coffer.v1.Principals/GetCallerIdentity",     true, false)              \
  I(ListServiceQuotas,     kServiceQuotas, "coffer.v1.Quotas/ListServiceQuotas", true, false)
// clang-format on
