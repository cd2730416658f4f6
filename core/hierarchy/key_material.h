// Key versions' material under the key hierarchy: made inside the token and wrapped there
// under the region's domain key, stored wrapped, and unwrapped into the token (never onto
// the host) when an operation needs it. Versions made before the hierarchy are persistent
// token objects and are used as they are.
#pragma once

#include <atomic>
#include <functional>
#include <span>
#include <string>

#include "common/error.h"
#include "core/hierarchy/domain_keys.h"
#include "core/hierarchy/version_cache.h"
#include "core/model/key_enums.h"

namespace coffer::core {

struct KeyMaterialOptions {
  // Versions kept unwrapped in the token at once (session objects).
  std::size_t cache_capacity = 10000;
};

// A version's material as the store keeps it.
struct WrappedMaterial {
  Bytes wrapped;  // RFC 5649 AES-KWP under the domain key
  std::uint32_t domain_key_version = 0;
  Bytes public_key;  // SPKI DER, for RSA and EC versions
};

class KeyMaterial {
 public:
  KeyMaterial(pkcs11::Token& token, MetadataStore& store, const Clock& clock,
              KeyMaterialOptions options = {});

  DomainKeys& domain_keys() noexcept { return domain_keys_; }
  VersionCache& cache() noexcept { return cache_; }

  // A new version of a `spec` key, generated in the token and wrapped there.
  WrappedMaterial generate(const std::string& region, KeySpec spec);
  // Imported HMAC key material, wrapped in the token; the host copy is the caller's.
  WrappedMaterial import_secret(const std::string& region, std::span<const std::uint8_t> material);

  // Runs f(object_id) with version `name` of a `spec` key present in the token; `load` reads
  // the version's record on a cache miss. If the object vanished (the token lost the session
  // that held it), the version is unwrapped again and f runs once more.
  template <class Load, class F>
  auto with_version(const std::string& region, KeySpec spec, const std::string& name, Load&& load,
                    F&& f) -> decltype(f(std::string{}));

  // The lease itself, for callers that make several token calls with one version.
  template <class Load>
  VersionLease lease(const std::string& region, KeySpec spec, const std::string& name,
                     Load&& load) {
    if (VersionLease hit = cache_.find(name)) return hit;
    return cache_.get(name, [&] { return unwrap(region, spec, load()); });
  }

  // Moves up to `limit` wrapped versions of `region` to its current domain key, then (with
  // `retire`) destroys domain keys nothing refers to. Returns how many versions moved.
  // Crash-safe: each move is one compare-and-set in the store, and a domain key is destroyed
  // only once unreferenced. Retiring is the only token write of the whole job.
  std::size_t rewrap_step(const std::string& region, std::size_t limit, bool retire = true);

  // Called with the seconds each unwrap took (for metrics); set before sharing.
  void set_unwrap_observer(std::function<void(double)> observer) {
    unwrap_observer_ = std::move(observer);
  }

 private:
  VersionLease unwrap(const std::string& region, KeySpec spec, const KeyVersionRecord& version);
  std::string fresh_id(const std::string& stem);
  // Runs f(object_id) with domain key `version` of `region`, once more with a new session copy
  // if the token lost the one it had (NotFound).
  template <class F>
  auto with_domain_key(const std::string& region, std::uint32_t version, F&& f)
      -> decltype(f(std::string{}));

  pkcs11::Token& token_;
  MetadataStore& store_;
  DomainKeys domain_keys_;
  VersionCache cache_;
  std::atomic<std::uint64_t> instances_{0};
  std::function<void(double)> unwrap_observer_;
};

template <class F>
auto KeyMaterial::with_domain_key(const std::string& region, std::uint32_t version, F&& f)
    -> decltype(f(std::string{})) {
  for (int attempt = 0;; ++attempt) {
    const std::string object = domain_keys_.working_object(region, version);
    try {
      return f(object);
    } catch (const Error& error) {
      if (error.code() != ErrorCode::kNotFound || attempt > 0) throw;
      domain_keys_.forget_working_object(region, version);
    }
  }
}

template <class Load, class F>
auto KeyMaterial::with_version(const std::string& region, KeySpec spec, const std::string& name,
                               Load&& load, F&& f) -> decltype(f(std::string{})) {
  for (int attempt = 0;; ++attempt) {
    VersionLease version = lease(region, spec, name, load);
    try {
      return f(version->object_id());
    } catch (const Error& error) {
      // The token names a missing object NotFound: only an unwrapped copy can vanish.
      if (error.code() != ErrorCode::kNotFound || !version->owned() || attempt > 0) throw;
      cache_.evict(name, version.get());
    }
  }
}

}  // namespace coffer::core
