// Signatures (ECDSA, RSA PKCS#1 v1.5, RSA-PSS) and HMAC inside the token. Messages are
// hashed on the host, so a message of any size costs one small token call.
#include <openssl/evp.h>

#include "pkcs11/ecdsa_der.h"
#include "pkcs11/input_pointer.h"
#include "pkcs11/mechanisms.h"
#include "pkcs11/public_key_der.h"
#include "pkcs11/token.h"

namespace coffer::pkcs11 {
namespace {

// The largest signature any supported key makes: RSA-4096.
constexpr std::size_t kMaxSignature = 512;

// The length of a byte-string attribute, without reading it.
CK_ULONG attribute_length(const CK_FUNCTION_LIST* functions, CK_SESSION_HANDLE session,
                          CK_OBJECT_HANDLE key, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE attribute{type, nullptr, 0};
  P11_REQUIRE(functions, C_GetAttributeValue, session, key, &attribute, 1);
  return attribute.ulValueLen;
}

Bytes host_digest(Digest digest, std::span<const std::uint8_t> message) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_Digest(message.data(), message.size(), out.data(), &size, evp_digest(digest), nullptr) !=
      1) {
    throw Error(ErrorCode::kInternal, "host digest failed");
  }
  out.resize(size);
  return out;
}

// What goes to the token: the mechanism and the bytes it signs.
struct SignPlan {
  CK_RSA_PKCS_PSS_PARAMS pss{};
  CK_MECHANISM mechanism{};
  Bytes data;
  CK_OBJECT_CLASS signing_class = CKO_PRIVATE_KEY;
};

void plan(const SignAlgorithm& algorithm, std::span<const std::uint8_t> input, SignPlan& p) {
  if (algorithm.scheme == SignScheme::kHmac) {
    if (algorithm.prehashed)
      throw Error(ErrorCode::kValidation, "HMAC takes a message, not a digest");
    p.mechanism = {hmac_mechanism(algorithm.digest), nullptr, 0};
    p.data.assign(input.begin(), input.end());
    p.signing_class = CKO_SECRET_KEY;
    return;
  }
  if (algorithm.prehashed) {
    if (input.size() != digest_size(algorithm.digest)) {
      throw Error(ErrorCode::kValidation, "digest length " + std::to_string(input.size()) +
                                              " does not match the signing algorithm's " +
                                              std::to_string(digest_size(algorithm.digest)));
    }
    p.data.assign(input.begin(), input.end());
  } else {
    p.data = host_digest(algorithm.digest, input);
  }
  switch (algorithm.scheme) {
    case SignScheme::kEcdsa:
      p.mechanism = {CKM_ECDSA, nullptr, 0};
      return;
    case SignScheme::kRsaPkcs1: {
      Bytes prefixed = digest_info_prefix(algorithm.digest);
      prefixed.insert(prefixed.end(), p.data.begin(), p.data.end());
      p.data = std::move(prefixed);
      p.mechanism = {CKM_RSA_PKCS, nullptr, 0};
      return;
    }
    case SignScheme::kRsaPss: {
      std::size_t salt =
          algorithm.pss_salt_length ? algorithm.pss_salt_length : digest_size(algorithm.digest);
      p.pss = {hash_mechanism(algorithm.digest), mgf_for(algorithm.digest),
               static_cast<CK_ULONG>(salt)};
      p.mechanism = {CKM_RSA_PKCS_PSS, &p.pss, sizeof p.pss};
      return;
    }
    case SignScheme::kHmac:
      return;
  }
}

}  // namespace

Bytes Token::sign(const KeyId& id, const SignAlgorithm& algorithm,
                  std::span<const std::uint8_t> input) {
  SignPlan p;
  plan(algorithm, input, p);
  check_single_call_input(p.data.size(), "sign");
  Bytes signature =
      with_object(p.signing_class, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
        P11_REQUIRE(functions(), C_SignInit, session, &p.mechanism, key);
        Bytes out(kMaxSignature);
        CK_ULONG size = static_cast<CK_ULONG>(out.size());
        P11_REQUIRE(functions(), C_Sign, session, input_pointer(p.data),
                    static_cast<CK_ULONG>(p.data.size()), out.data(), &size);
        out.resize(size);
        return out;
      });
  if (algorithm.scheme == SignScheme::kEcdsa) return ecdsa_raw_to_der(signature);
  return signature;
}

bool Token::verify(const KeyId& id, const SignAlgorithm& algorithm,
                   std::span<const std::uint8_t> input, std::span<const std::uint8_t> signature) {
  SignPlan p;
  plan(algorithm, input, p);
  const CK_OBJECT_CLASS verifying_class =
      algorithm.scheme == SignScheme::kHmac ? CKO_SECRET_KEY : CKO_PUBLIC_KEY;
  return with_object(verifying_class, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    Bytes token_signature(signature.begin(), signature.end());
    // A signature of the wrong length is invalid (RFC 8017 8.1.2 and 8.2.2 step 1; an HMAC
    // is compared whole). Answer that here: SoftHSM returns CKR_SIGNATURE_LEN_RANGE (or
    // CKR_ARGUMENTS_BAD when empty) without ending the verify operation, which leaves the
    // session unusable.
    if (algorithm.scheme == SignScheme::kRsaPkcs1 || algorithm.scheme == SignScheme::kRsaPss) {
      if (signature.size() != attribute_length(functions(), session, key, CKA_MODULUS))
        return false;
    } else if (algorithm.scheme == SignScheme::kHmac) {
      if (signature.size() != digest_size(algorithm.digest)) return false;
    }
    if (algorithm.scheme == SignScheme::kEcdsa) {
      CK_ATTRIBUTE params{CKA_EC_PARAMS, nullptr, 0};
      P11_REQUIRE(functions(), C_GetAttributeValue, session, key, &params, 1);
      Bytes curve(params.ulValueLen);
      params.pValue = curve.data();
      P11_REQUIRE(functions(), C_GetAttributeValue, session, key, &params, 1);
      auto raw = ecdsa_der_to_raw(signature, ec_field_bytes(curve));
      if (!raw) return false;
      token_signature = std::move(*raw);
    }
    P11_REQUIRE(functions(), C_VerifyInit, session, &p.mechanism, key);
    CK_RV rv = P11(functions(), C_Verify, session, input_pointer(p.data),
                   static_cast<CK_ULONG>(p.data.size()), token_signature.data(),
                   static_cast<CK_ULONG>(token_signature.size()));
    if (rv == CKR_SIGNATURE_INVALID || rv == CKR_SIGNATURE_LEN_RANGE) return false;
    require_ok("C_Verify", rv);
    return true;
  });
}

}  // namespace coffer::pkcs11
