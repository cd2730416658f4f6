// Registers every coffer.v1.Keys, coffer.v1.Crypto and coffer.v1.Principals method: thin
// translations onto core::KmsService.
#pragma once

#include "core/service/kms_service.h"
#include "server/rpc/dispatcher.h"

namespace coffer::server::rpc {

void register_kms_handlers(Dispatcher& dispatcher, core::KmsService& kms);
// Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, GenerateDataKeyPair(WithoutPlaintext).
void register_signing_handlers(Dispatcher& dispatcher, core::KmsService& kms);
// CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.
void register_grant_handlers(Dispatcher& dispatcher, core::KmsService& kms);
// coffer.v1.Principals: Put/Get/Delete/ListPrincipalPolicy(ies), GetCallerIdentity.
void register_principal_handlers(Dispatcher& dispatcher, core::KmsService& kms);

}  // namespace coffer::server::rpc
