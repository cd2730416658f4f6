// Registers every coffer.v1.Secrets method (docs/PROTOCOL.md, "Secrets"): thin translations
// onto core::SecretsService, which every front end shares.
#pragma once

#include "core/secrets/secrets_service.h"
#include "server/rpc/dispatcher.h"

namespace coffer::server::rpc {

void register_secrets_handlers(Dispatcher& dispatcher, core::SecretsService& secrets);
// One area each: values and versions (secrets_handlers.cc); describe, list, delete, tags,
// passwords, rotation and policies (secrets_manage_handlers.cc).
void register_secret_value_handlers(Dispatcher& dispatcher, core::SecretsService& secrets);
void register_secret_management_handlers(Dispatcher& dispatcher, core::SecretsService& secrets);

}  // namespace coffer::server::rpc
