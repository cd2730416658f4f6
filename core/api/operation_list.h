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
  X(GenerateDataKeyPairWithoutPlaintext, "coffer.v1.Crypto/GenerateDataKeyPairWithoutPlaintext", true, false)
// clang-format on
