#include "pkcs11/mechanisms.h"

#include "common/error.h"

namespace coffer::pkcs11 {

std::size_t digest_size(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return 20;
    case Digest::kSha224:
      return 28;
    case Digest::kSha256:
      return 32;
    case Digest::kSha384:
      return 48;
    case Digest::kSha512:
      return 64;
  }
  return 0;
}

CK_MECHANISM_TYPE hash_mechanism(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return CKM_SHA_1;
    case Digest::kSha224:
      return CKM_SHA224;
    case Digest::kSha256:
      return CKM_SHA256;
    case Digest::kSha384:
      return CKM_SHA384;
    case Digest::kSha512:
      return CKM_SHA512;
  }
  return CKM_SHA256;
}

CK_RSA_PKCS_MGF_TYPE mgf_for(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return CKG_MGF1_SHA1;
    case Digest::kSha224:
      return CKG_MGF1_SHA224;
    case Digest::kSha256:
      return CKG_MGF1_SHA256;
    case Digest::kSha384:
      return CKG_MGF1_SHA384;
    case Digest::kSha512:
      return CKG_MGF1_SHA512;
  }
  return CKG_MGF1_SHA256;
}

CK_MECHANISM_TYPE rsa_pkcs1_with_hash(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return CKM_SHA1_RSA_PKCS;
    case Digest::kSha224:
      return CKM_SHA224_RSA_PKCS;
    case Digest::kSha256:
      return CKM_SHA256_RSA_PKCS;
    case Digest::kSha384:
      return CKM_SHA384_RSA_PKCS;
    case Digest::kSha512:
      return CKM_SHA512_RSA_PKCS;
  }
  return CKM_SHA256_RSA_PKCS;
}

CK_MECHANISM_TYPE rsa_pss_with_hash(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return CKM_SHA1_RSA_PKCS_PSS;
    case Digest::kSha224:
      return CKM_SHA224_RSA_PKCS_PSS;
    case Digest::kSha256:
      return CKM_SHA256_RSA_PKCS_PSS;
    case Digest::kSha384:
      return CKM_SHA384_RSA_PKCS_PSS;
    case Digest::kSha512:
      return CKM_SHA512_RSA_PKCS_PSS;
  }
  return CKM_SHA256_RSA_PKCS_PSS;
}

CK_MECHANISM_TYPE hmac_mechanism(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return CKM_SHA_1_HMAC;
    case Digest::kSha224:
      return CKM_SHA224_HMAC;
    case Digest::kSha256:
      return CKM_SHA256_HMAC;
    case Digest::kSha384:
      return CKM_SHA384_HMAC;
    case Digest::kSha512:
      return CKM_SHA512_HMAC;
  }
  return CKM_SHA256_HMAC;
}

const EVP_MD* evp_digest(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return EVP_sha1();
    case Digest::kSha224:
      return EVP_sha224();
    case Digest::kSha256:
      return EVP_sha256();
    case Digest::kSha384:
      return EVP_sha384();
    case Digest::kSha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

Bytes ec_params_der(EcCurve curve) {
  switch (curve) {
    case EcCurve::kP256:  // 1.2.840.10045.3.1.7
      return {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    case EcCurve::kP384:  // 1.3.132.0.34
      return {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
    case EcCurve::kP521:  // 1.3.132.0.35
      return {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};
    case EcCurve::kSecp256k1:  // 1.3.132.0.10
      return {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a};
  }
  throw Error(ErrorCode::kValidation, "unknown curve");
}

Bytes digest_info_prefix(Digest digest) {
  // RFC 8017 section 9.2, note 1.
  switch (digest) {
    case Digest::kSha1:
      return {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
              0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
    case Digest::kSha224:
      return {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
              0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c};
    case Digest::kSha256:
      return {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
              0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    case Digest::kSha384:
      return {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
              0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
    case Digest::kSha512:
      return {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
              0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};
  }
  return {};
}

}  // namespace coffer::pkcs11
