#include "pkcs11/ecdsa_der.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <algorithm>
#include <memory>

#include "common/error.h"

namespace coffer::pkcs11 {
namespace {
struct SigDeleter {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
}  // namespace

Bytes ecdsa_raw_to_der(std::span<const std::uint8_t> raw) {
  const std::size_t half = raw.size() / 2;
  std::unique_ptr<ECDSA_SIG, SigDeleter> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    throw Error(ErrorCode::kInternal, "cannot encode ECDSA signature");
  }
  int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  Bytes der(static_cast<std::size_t>(size));
  unsigned char* out = der.data();
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

std::optional<Bytes> ecdsa_der_to_raw(std::span<const std::uint8_t> der, std::size_t field_bytes) {
  const unsigned char* in = der.data();
  std::unique_ptr<ECDSA_SIG, SigDeleter> sig(
      d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (!sig || in != der.data() + der.size()) return std::nullopt;
  // Re-encoding must give the same bytes: that rules out every BER alternative.
  int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size != static_cast<int>(der.size())) return std::nullopt;
  Bytes again(static_cast<std::size_t>(size));
  unsigned char* out = again.data();
  i2d_ECDSA_SIG(sig.get(), &out);
  if (!std::equal(again.begin(), again.end(), der.begin())) return std::nullopt;

  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_is_negative(r) || BN_is_negative(s)) return std::nullopt;
  if (static_cast<std::size_t>(BN_num_bytes(r)) > field_bytes ||
      static_cast<std::size_t>(BN_num_bytes(s)) > field_bytes) {
    return std::nullopt;
  }
  Bytes raw(2 * field_bytes);
  BN_bn2binpad(r, raw.data(), static_cast<int>(field_bytes));
  BN_bn2binpad(s, raw.data() + field_bytes, static_cast<int>(field_bytes));
  return raw;
}

}  // namespace coffer::pkcs11
