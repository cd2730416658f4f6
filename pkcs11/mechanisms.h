// Algorithm choices -> PKCS#11 mechanisms, OIDs and digests.
#pragma once

#include <openssl/evp.h>

#include "pkcs11/cryptoki.h"
#include "pkcs11/key_spec.h"

namespace coffer::pkcs11 {

CK_MECHANISM_TYPE hash_mechanism(Digest digest);
CK_RSA_PKCS_MGF_TYPE mgf_for(Digest digest);
// CKM_SHAx_RSA_PKCS, CKM_SHAx_RSA_PKCS_PSS, CKM_SHAx_HMAC.
CK_MECHANISM_TYPE rsa_pkcs1_with_hash(Digest digest);
CK_MECHANISM_TYPE rsa_pss_with_hash(Digest digest);
CK_MECHANISM_TYPE hmac_mechanism(Digest digest);
const EVP_MD* evp_digest(Digest digest);
// DER of the curve's OBJECT IDENTIFIER, as CKA_EC_PARAMS wants it.
Bytes ec_params_der(EcCurve curve);
// The DER DigestInfo prefix that CKM_RSA_PKCS signs in front of a digest.
Bytes digest_info_prefix(Digest digest);

}  // namespace coffer::pkcs11
