// Making and importing keys. Creation is not repeated after a lost session: the first
// attempt may have made the object.
#include "pkcs11/key_templates.h"
#include "pkcs11/mechanisms.h"
#include "pkcs11/public_key_der.h"
#include "pkcs11/token.h"

namespace coffer::pkcs11 {

void Token::generate_aes256(const KeyId& id, const SecretKeyOptions& options) {
  AttributeTemplate t = secret_key_template(CKK_AES, id, options);
  t.add_ulong(CKA_VALUE_LEN, 32);
  CK_MECHANISM mechanism{CKM_AES_KEY_GEN, nullptr, 0};
  with_session(false, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE handle;
    P11_REQUIRE(functions(), C_GenerateKey, session, &mechanism, t.data(), t.size(), &handle);
    handles_.put(CKO_SECRET_KEY, id, handle);
  });
}

void Token::generate_generic_secret(const KeyId& id, std::size_t bits,
                                    const SecretKeyOptions& options) {
  AttributeTemplate t = secret_key_template(CKK_GENERIC_SECRET, id, options);
  t.add_ulong(CKA_VALUE_LEN, static_cast<CK_ULONG>(bits / 8));
  CK_MECHANISM mechanism{CKM_GENERIC_SECRET_KEY_GEN, nullptr, 0};
  with_session(false, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE handle;
    P11_REQUIRE(functions(), C_GenerateKey, session, &mechanism, t.data(), t.size(), &handle);
    handles_.put(CKO_SECRET_KEY, id, handle);
  });
}

namespace {

AttributeTemplate public_half_template(const KeyId& id, Lifetime lifetime) {
  AttributeTemplate pub;
  pub.add_ulong(CKA_CLASS, CKO_PUBLIC_KEY)
      .add_bool(CKA_TOKEN, lifetime == Lifetime::kToken)
      .add_string(CKA_ID, id)
      .add_bool(CKA_VERIFY, true)
      .add_bool(CKA_PRIVATE, false);
  return pub;
}

}  // namespace

void Token::generate_pair(const KeyId& id, CK_MECHANISM_TYPE mechanism_type, AttributeTemplate& pub,
                          AttributeTemplate& priv) {
  CK_MECHANISM mechanism{mechanism_type, nullptr, 0};
  with_session(false, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE pub_handle, priv_handle;
    P11_REQUIRE(functions(), C_GenerateKeyPair, session, &mechanism, pub.data(), pub.size(),
                priv.data(), priv.size(), &pub_handle, &priv_handle);
    handles_.put(CKO_PUBLIC_KEY, id, pub_handle);
    handles_.put(CKO_PRIVATE_KEY, id, priv_handle);
  });
}

void Token::generate_rsa(const KeyId& id, std::size_t modulus_bits, Lifetime lifetime,
                         Extractability extractability) {
  static constexpr std::uint8_t kF4[] = {0x01, 0x00, 0x01};
  AttributeTemplate pub = public_half_template(id, lifetime);
  pub.add_ulong(CKA_MODULUS_BITS, static_cast<CK_ULONG>(modulus_bits))
      .add_bytes(CKA_PUBLIC_EXPONENT, kF4)
      .add_bool(CKA_ENCRYPT, true)
      .add_bool(CKA_WRAP, true);
  AttributeTemplate priv = private_key_template(CKK_RSA, id, lifetime, extractability);
  generate_pair(id, CKM_RSA_PKCS_KEY_PAIR_GEN, pub, priv);
}

void Token::generate_ec(const KeyId& id, EcCurve curve, Lifetime lifetime,
                        Extractability extractability) {
  AttributeTemplate pub = public_half_template(id, lifetime);
  pub.add_bytes(CKA_EC_PARAMS, ec_params_der(curve));
  AttributeTemplate priv = private_key_template(CKK_EC, id, lifetime, extractability);
  generate_pair(id, CKM_EC_KEY_PAIR_GEN, pub, priv);
}

void Token::import_aes(const KeyId& id, std::span<const std::uint8_t> value,
                       const SecretKeyOptions& options) {
  AttributeTemplate t = secret_key_template(CKK_AES, id, options);
  t.add_secret(CKA_VALUE, value);
  with_session(false, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE handle;
    P11_REQUIRE(functions(), C_CreateObject, session, t.data(), t.size(), &handle);
    handles_.put(CKO_SECRET_KEY, id, handle);
  });
}

void Token::import_generic_secret(const KeyId& id, std::span<const std::uint8_t> value,
                                  const SecretKeyOptions& options) {
  AttributeTemplate t = secret_key_template(CKK_GENERIC_SECRET, id, options);
  t.add_secret(CKA_VALUE, value);
  with_session(false, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE handle;
    P11_REQUIRE(functions(), C_CreateObject, session, t.data(), t.size(), &handle);
    handles_.put(CKO_SECRET_KEY, id, handle);
  });
}

void Token::import_public_key(const KeyId& id, std::span<const std::uint8_t> spki_der,
                              Lifetime lifetime) {
  PublicParts parts = parse_spki(spki_der);
  AttributeTemplate t;
  t.add_ulong(CKA_CLASS, CKO_PUBLIC_KEY)
      .add_bool(CKA_TOKEN, lifetime == Lifetime::kToken)
      .add_bool(CKA_PRIVATE, false)
      .add_string(CKA_ID, id)
      .add_bool(CKA_VERIFY, true);
  if (auto* rsa = std::get_if<RsaPublicParts>(&parts)) {
    t.add_ulong(CKA_KEY_TYPE, CKK_RSA)
        .add_bytes(CKA_MODULUS, rsa->modulus)
        .add_bytes(CKA_PUBLIC_EXPONENT, rsa->exponent)
        .add_bool(CKA_ENCRYPT, true)
        .add_bool(CKA_WRAP, true);
  } else {
    auto& ec = std::get<EcPublicParts>(parts);
    t.add_ulong(CKA_KEY_TYPE, CKK_EC)
        .add_bytes(CKA_EC_PARAMS, ec.params_der)
        .add_bytes(CKA_EC_POINT, der_octet_string(ec.point));
  }
  with_session(false, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE handle;
    P11_REQUIRE(functions(), C_CreateObject, session, t.data(), t.size(), &handle);
    handles_.put(CKO_PUBLIC_KEY, id, handle);
  });
}

Bytes Token::public_key_der(const KeyId& id) {
  return with_object(CKO_PUBLIC_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    auto read = [&](CK_ATTRIBUTE_TYPE type) {
      CK_ATTRIBUTE attribute{type, nullptr, 0};
      P11_REQUIRE(functions(), C_GetAttributeValue, session, key, &attribute, 1);
      Bytes value(attribute.ulValueLen);
      attribute.pValue = value.data();
      P11_REQUIRE(functions(), C_GetAttributeValue, session, key, &attribute, 1);
      return value;
    };
    CK_KEY_TYPE type = 0;
    CK_ATTRIBUTE type_attribute{CKA_KEY_TYPE, &type, sizeof type};
    P11_REQUIRE(functions(), C_GetAttributeValue, session, key, &type_attribute, 1);
    if (type == CKK_RSA) return rsa_spki_der(read(CKA_MODULUS), read(CKA_PUBLIC_EXPONENT));
    if (type == CKK_EC)
      return ec_spki_der(read(CKA_EC_PARAMS), strip_der_octet_string(read(CKA_EC_POINT)));
    throw Error(ErrorCode::kUnsupportedOperation, "key '" + id + "' is neither RSA nor EC");
  });
}

}  // namespace coffer::pkcs11
