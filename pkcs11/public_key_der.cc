#include "pkcs11/public_key_der.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>

#include "common/error.h"

namespace coffer::pkcs11 {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using ObjPtr = std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT, ASN1_OBJECT_free>>;

[[noreturn]] void invalid(const std::string& what) {
  throw Error(ErrorCode::kValidation, "invalid public key: " + what);
}

Bytes spki_from_params(const char* type, OSSL_PARAM_BLD* builder) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(builder));
  CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    invalid(std::string("cannot build ") + type + " key");
  }
  PkeyPtr key(raw);
  int size = i2d_PUBKEY(key.get(), nullptr);
  if (size <= 0) invalid("cannot encode SubjectPublicKeyInfo");
  Bytes der(static_cast<std::size_t>(size));
  unsigned char* out = der.data();
  i2d_PUBKEY(key.get(), &out);
  return der;
}

std::string curve_name_from_oid(std::span<const std::uint8_t> params_der) {
  const unsigned char* in = params_der.data();
  ObjPtr oid(d2i_ASN1_OBJECT(nullptr, &in, static_cast<long>(params_der.size())));
  if (!oid || in != params_der.data() + params_der.size())
    invalid("EC parameters are not a named curve");
  int nid = OBJ_obj2nid(oid.get());
  const char* name = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
  if (name == nullptr) invalid("unknown curve");
  return name;
}

Bytes bn_param(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) <= 0) invalid(std::string("no ") + name);
  BnPtr bn(raw);
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

}  // namespace

Bytes der_octet_string(std::span<const std::uint8_t> content) {
  const std::size_t n = content.size();
  Bytes out;
  out.reserve(n + 4);
  out.push_back(0x04);
  if (n >= 0x100) {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(n >> 8));
  } else if (n >= 0x80) {
    out.push_back(0x81);
  }
  out.push_back(static_cast<std::uint8_t>(n));
  out.resize(out.size() + n);
  std::copy(content.begin(), content.end(), out.end() - static_cast<std::ptrdiff_t>(n));
  return out;
}

Bytes strip_der_octet_string(std::span<const std::uint8_t> der) {
  if (der.size() < 2 || der[0] != 0x04) return Bytes(der.begin(), der.end());
  std::size_t header = 2;
  std::size_t length = der[1];
  if (length == 0x81 && der.size() >= 3) {
    length = der[2];
    header = 3;
  } else if (length == 0x82 && der.size() >= 4) {
    length = static_cast<std::size_t>(der[2]) << 8 | der[3];
    header = 4;
  }
  if (header + length != der.size()) return Bytes(der.begin(), der.end());
  return Bytes(der.begin() + static_cast<std::ptrdiff_t>(header), der.end());
}

std::size_t ec_field_bytes(std::span<const std::uint8_t> params_der) {
  const std::string name = curve_name_from_oid(params_der);
  int nid = OBJ_sn2nid(name.c_str());
  std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>> group(
      EC_GROUP_new_by_curve_name(nid));
  if (!group) invalid("unsupported curve " + name);
  return static_cast<std::size_t>((EC_GROUP_order_bits(group.get()) + 7) / 8);
}

Bytes rsa_spki_der(std::span<const std::uint8_t> modulus, std::span<const std::uint8_t> exponent) {
  BnPtr n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
  BnPtr e(BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!n || !e || !builder ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
    invalid("cannot hold RSA parameters");
  }
  return spki_from_params("RSA", builder.get());
}

Bytes ec_spki_der(std::span<const std::uint8_t> params_der, std::span<const std::uint8_t> point) {
  const std::string curve = curve_name_from_oid(params_der);
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.c_str(),
                                       0) ||
      !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    invalid("cannot hold EC parameters");
  }
  return spki_from_params("EC", builder.get());
}

PublicParts parse_spki(std::span<const std::uint8_t> der) {
  const unsigned char* in = der.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &in, static_cast<long>(der.size())));
  if (!key || in != der.data() + der.size()) invalid("not a DER SubjectPublicKeyInfo");
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
      return RsaPublicParts{bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N),
                            bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E)};
    case EVP_PKEY_EC: {
      char group[80] = {};
      size_t group_length = 0;
      if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                         &group_length) <= 0) {
        invalid("EC key without a named curve");
      }
      ObjPtr oid(OBJ_nid2obj(OBJ_sn2nid(group)));
      int oid_size = oid ? i2d_ASN1_OBJECT(oid.get(), nullptr) : 0;
      if (oid_size <= 0) invalid(std::string("unsupported curve ") + group);
      EcPublicParts parts;
      parts.params_der.resize(static_cast<std::size_t>(oid_size));
      unsigned char* out = parts.params_der.data();
      i2d_ASN1_OBJECT(oid.get(), &out);
      // Always the uncompressed form, whatever the SPKI used.
      EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                     "uncompressed");
      size_t point_size = 0;
      if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0,
                                          &point_size) <= 0) {
        invalid("EC key without a point");
      }
      parts.point.resize(point_size);
      EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                      parts.point.data(), point_size, &point_size);
      return parts;
    }
    default:
      invalid("only RSA and EC keys are supported");
  }
}

}  // namespace coffer::pkcs11
