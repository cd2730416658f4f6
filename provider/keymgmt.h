// Key management shared by the RSA and EC tables (keymgmt_rsa.cc, keymgmt_ec.cc). Every
// public-key question (parameters, size, comparison, export of the public half) is
// answered by the public half in the default provider; the private half can only be used
// through this provider's signature and asymmetric-cipher operations.
#pragma once

#include <openssl/core.h>

#include <cstddef>

#include "provider/provider_context.h"

namespace coffer::provider::keymgmt {

void* new_key(void* provctx, KeyType type);
void free_key(void* keydata);
// The store hands over a Key* by reference (store.cc): ownership passes to the caller.
void* load(const void* reference, std::size_t reference_size, KeyType type);
int has(const void* keydata, int selection);
int match(const void* keydata1, const void* keydata2, int selection);
// Public halves only: a private key from elsewhere is refused, so that OpenSSL falls back
// to that key's own provider instead of using ours with a key we cannot sign with.
int import(void* keydata, int selection, const OSSL_PARAM params[]);
// Never the private half: OpenSSL then fetches the operation from this provider.
int export_key(void* keydata, int selection, OSSL_CALLBACK* callback, void* callback_arg);
int get_params(void* keydata, OSSL_PARAM params[]);
const OSSL_PARAM* gettable_params(void* provctx, KeyType type);
void* dup(const void* keydata, int selection);

}  // namespace coffer::provider::keymgmt

namespace coffer::provider {
extern const OSSL_DISPATCH kRsaKeymgmtFunctions[];
extern const OSSL_DISPATCH kEcKeymgmtFunctions[];
}  // namespace coffer::provider
