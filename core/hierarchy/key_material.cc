#include "core/hierarchy/key_material.h"

#include <chrono>

#include "core/model/key_algorithms.h"

namespace coffer::core {
namespace {

constexpr auto kWrap = pkcs11::WrapMechanism::kAesKeyWrapPad;

std::size_t hmac_bits(KeySpec spec) {
  switch (spec) {
    case KeySpec::kHmac224:
      return 224;
    case KeySpec::kHmac256:
      return 256;
    case KeySpec::kHmac384:
      return 384;
    default:
      return 512;
  }
}

pkcs11::EcCurve curve_of(KeySpec spec) {
  switch (spec) {
    case KeySpec::kEccNistP256:
      return pkcs11::EcCurve::kP256;
    case KeySpec::kEccNistP384:
      return pkcs11::EcCurve::kP384;
    case KeySpec::kEccNistP521:
      return pkcs11::EcCurve::kP521;
    default:
      return pkcs11::EcCurve::kSecp256k1;
  }
}

// A secret version's session object: usable for its operations, never extractable again.
pkcs11::SecretKeyOptions session_secret(KeySpec spec, pkcs11::Extractability extractability) {
  pkcs11::SecretKeyOptions options;
  options.extractability = extractability;
  options.lifetime = pkcs11::Lifetime::kSession;
  options.can_crypt = is_symmetric(spec);
  return options;
}

pkcs11::UnwrappedKind unwrapped_kind(KeySpec spec) {
  if (is_symmetric(spec)) return pkcs11::UnwrappedKind::kAes;
  if (is_hmac(spec)) return pkcs11::UnwrappedKind::kGenericSecret;
  if (is_rsa(spec)) return pkcs11::UnwrappedKind::kRsaPrivate;
  return pkcs11::UnwrappedKind::kEcPrivate;
}

pkcs11::WrapTarget wrap_target(KeySpec spec) {
  return is_symmetric(spec) || is_hmac(spec) ? pkcs11::WrapTarget::kSecretKey
                                             : pkcs11::WrapTarget::kPrivateKey;
}

// Destroys a temporary object on every path out of a scope.
class TemporaryObject {
 public:
  TemporaryObject(pkcs11::Token& token, std::string id) : token_(token), id_(std::move(id)) {}
  ~TemporaryObject() {
    try {
      token_.destroy_made(id_);
    } catch (...) {  // a session object dies with its session anyway
    }
  }
  TemporaryObject(const TemporaryObject&) = delete;
  TemporaryObject& operator=(const TemporaryObject&) = delete;
  const std::string& id() const noexcept { return id_; }

 private:
  pkcs11::Token& token_;
  std::string id_;
};

}  // namespace

KeyMaterial::KeyMaterial(pkcs11::Token& token, MetadataStore& store, const Clock& clock,
                         KeyMaterialOptions options)
    : token_(token),
      store_(store),
      domain_keys_(token, store, clock),
      cache_(options.cache_capacity) {}

std::string KeyMaterial::fresh_id(const std::string& stem) {
  // Unique per object made, so destroying one copy never touches another of the same version.
  return stem + "#" + std::to_string(instances_.fetch_add(1, std::memory_order_relaxed));
}

WrappedMaterial KeyMaterial::generate(const std::string& region, KeySpec spec) {
  const DomainKeyRecord domain = domain_keys_.current(region);
  TemporaryObject made(token_, fresh_id("coffer/internal/new/" + region));
  constexpr auto kWrappable = pkcs11::Extractability::kWrappable;
  constexpr auto kSession = pkcs11::Lifetime::kSession;
  WrappedMaterial result;
  if (is_symmetric(spec)) {
    token_.generate_aes256(made.id(), session_secret(spec, kWrappable));
  } else if (is_hmac(spec)) {
    token_.generate_generic_secret(made.id(), hmac_bits(spec), session_secret(spec, kWrappable));
  } else if (is_rsa(spec)) {
    token_.generate_rsa(made.id(), rsa_modulus_bytes(spec) * 8, kSession, kWrappable);
    result.public_key = token_.public_key_der(made.id());
  } else {
    token_.generate_ec(made.id(), curve_of(spec), kSession, kWrappable);
    result.public_key = token_.public_key_der(made.id());
  }
  result.wrapped = with_domain_key(region, domain.version, [&](const std::string& wrapping) {
    return token_.wrap(wrapping, kWrap, made.id(), wrap_target(spec),
                       pkcs11::WrapReader::kThisToken);
  });
  result.domain_key_version = domain.version;
  return result;
}

WrappedMaterial KeyMaterial::import_secret(const std::string& region,
                                           std::span<const std::uint8_t> material) {
  const DomainKeyRecord domain = domain_keys_.current(region);
  TemporaryObject made(token_, fresh_id("coffer/internal/new/" + region));
  token_.import_generic_secret(
      made.id(), material, session_secret(KeySpec::kHmac256, pkcs11::Extractability::kWrappable));
  WrappedMaterial result;
  result.wrapped = with_domain_key(region, domain.version, [&](const std::string& wrapping) {
    return token_.wrap(wrapping, kWrap, made.id(), pkcs11::WrapTarget::kSecretKey,
                       pkcs11::WrapReader::kThisToken);
  });
  result.domain_key_version = domain.version;
  return result;
}

VersionLease KeyMaterial::unwrap(const std::string& region, KeySpec spec,
                                 const KeyVersionRecord& version) {
  switch (version.form()) {
    case MaterialForm::kTokenObject:
      return std::make_shared<UnwrappedVersion>(token_, version.token_object_id, false);
    case MaterialForm::kPublicOnly: {
      auto made =
          std::make_shared<UnwrappedVersion>(token_, fresh_id(version.token_object_id), true);
      token_.import_public_key(made->object_id(), version.public_key, pkcs11::Lifetime::kSession);
      return made;
    }
    case MaterialForm::kWrapped:
      break;
  }
  const auto started = std::chrono::steady_clock::now();
  auto made = std::make_shared<UnwrappedVersion>(token_, fresh_id(version.token_object_id), true);
  try {
    with_domain_key(region, version.domain_key_version, [&](const std::string& domain) {
      token_.unwrap(domain, kWrap, version.wrapped_material, made->object_id(),
                    unwrapped_kind(spec), session_secret(spec, pkcs11::Extractability::kNever));
    });
  } catch (const Error& error) {
    // Not the caller's ciphertext: the store's copy of the key fails its integrity check.
    if (error.code() != ErrorCode::kInvalidCiphertext) throw;
    throw Error(ErrorCode::kInternal, "key version " + version.token_object_id +
                                          " does not unwrap under its domain key: the stored "
                                          "material is damaged");
  }
  // Verify and GetPublicKey want the public half beside the private one.
  if (!version.public_key.empty())
    token_.import_public_key(made->object_id(), version.public_key, pkcs11::Lifetime::kSession);
  if (unwrap_observer_) {
    unwrap_observer_(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return made;
}

std::size_t KeyMaterial::rewrap_step(const std::string& region, std::size_t limit, bool retire) {
  domain_keys_.refresh(region);
  const DomainKeyRecord current = domain_keys_.current(region);
  std::size_t moved = 0;
  for (const auto& version : store_.versions_to_rewrap(region, current.version, limit)) {
    auto key = store_.get_key(version.key_id);
    if (!key) continue;  // deleted meanwhile
    TemporaryObject copy(token_, fresh_id("coffer/internal/rewrap/" + region));
    with_domain_key(region, version.domain_key_version, [&](const std::string& from) {
      token_.unwrap(from, kWrap, version.wrapped_material, copy.id(), unwrapped_kind(key->key_spec),
                    session_secret(key->key_spec, pkcs11::Extractability::kWrappable));
    });
    const Bytes wrapped = with_domain_key(region, current.version, [&](const std::string& to) {
      return token_.wrap(to, kWrap, copy.id(), wrap_target(key->key_spec),
                         pkcs11::WrapReader::kThisToken);
    });
    if (store_.rewrap_version(version.key_id, version.version, version.domain_key_version, wrapped,
                              current.version)) {
      ++moved;
    }
  }
  if (!retire) return moved;
  for (const auto& old : domain_keys_.list(region)) {
    if (old.active || store_.count_wrapped_under(region, old.version) != 0) continue;
    domain_keys_.retire(region, old.version);
  }
  return moved;
}

}  // namespace coffer::core
