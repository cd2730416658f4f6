// The attribute templates of Coffer's key objects, in one place so that generated,
// imported and unwrapped keys carry the same policy.
#pragma once

#include "pkcs11/attribute_template.h"
#include "pkcs11/key_spec.h"

namespace coffer::pkcs11 {

// CKA_CLASS, CKA_KEY_TYPE (CKK_AES or CKK_GENERIC_SECRET), CKA_ID, lifetime, usage and
// extractability. Generic secrets are MAC keys: sign and verify, never encrypt.
AttributeTemplate secret_key_template(CK_KEY_TYPE key_type, const KeyId& id,
                                      const SecretKeyOptions& options);

// The private half of an RSA or EC key pair (CKK_RSA or CKK_EC): sign, and for RSA decrypt
// and unwrap; sensitive; extractable only as `extractability` allows (wrapped, never plain
// outside tests). Generated pairs and unwrapped private keys share it.
AttributeTemplate private_key_template(CK_KEY_TYPE key_type, const KeyId& id, Lifetime lifetime,
                                       Extractability extractability);

}  // namespace coffer::pkcs11
