// The key hierarchy (issue 14): versions wrapped under the region's domain key, the token
// holding O(1) persistent objects, the cache of unwrapped versions, domain key rotation with
// re-wrapping, and versions made before the hierarchy (token objects) used as they are.
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "core/hierarchy/domain_keys.h"
#include "tests/core/asymmetric_fixture.h"

namespace coffer::testing {
namespace {

using core::KeySpec;

class KeyHierarchyTest : public AsymmetricTest {
 protected:
  // Persistent objects only: session objects are not listed.
  std::vector<std::string> persistent_objects() { return token_->list_key_ids(); }

  core::KeyVersionRecord version_of(const std::string& key, std::uint32_t version = 1) {
    auto record = store_->get_version(key, version);
    EXPECT_TRUE(record.has_value());
    return record.value_or(core::KeyVersionRecord{});
  }

  core::Bytes mac_of(const std::string& key, std::string_view text) {
    return service_->generate_mac({key, as_bytes(text), "HMAC_SHA_256"}).mac;
  }

  // Runs SQL on the store's file through a second connection, as an attacker with the file
  // (or a broken disk) would.
  void edit_store(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    const std::string text = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << text;
  }
};

TEST_F(KeyHierarchyTest, TheTokenHoldsOnlyTheDomainKeyWhateverTheNumberOfKeys) {
  std::vector<std::string> symmetric;
  for (int i = 0; i < 20; ++i) symmetric.push_back(create_symmetric_key());
  signing_key("ECC_NIST_P256");
  signing_key("RSA_2048");
  encryption_key("RSA_3072");
  mac_key("HMAC_224");
  mac_key("HMAC_512");
  for (const auto& key : symmetric) service_->rotate_key_on_demand(key);
  for (const auto& key : symmetric) encrypt(key, "x");

  EXPECT_EQ(persistent_objects(),
            std::vector<std::string>{core::DomainKeys::object_id("us-east-1", 1)});
  const auto version = version_of(symmetric.front(), 2);
  EXPECT_EQ(version.form(), core::MaterialForm::kWrapped);
  EXPECT_EQ(version.domain_key_version, 1u);
  // AES-256 under RFC 5649: 32 bytes plus the 8-byte integrity block.
  EXPECT_EQ(version.wrapped_material.size(), 40u);
}

TEST_F(KeyHierarchyTest, EveryKindOfKeyWorksFromItsWrappedFormAfterARestart) {
  const std::string aes = create_symmetric_key();
  const std::string ec = signing_key("ECC_NIST_P384");
  const std::string rsa_sign = signing_key("RSA_2048");
  const std::string rsa_crypt = encryption_key("RSA_2048");
  const std::string hmac = mac_key("HMAC_256");
  const core::Bytes message(100, 7);

  const core::Bytes blob = encrypt(aes, "secret");
  const core::Bytes ec_signature = sign(ec, message, "ECDSA_SHA_384");
  const core::Bytes rsa_signature = sign(rsa_sign, message, "RSASSA_PSS_SHA_256");
  const core::Bytes tag = mac_of(hmac, "message");
  const core::Bytes public_key = service_->get_public_key(rsa_crypt).public_key;
  const core::Bytes rsa_blob =
      service_->encrypt({rsa_crypt, as_bytes("for rsa"), {}, "RSAES_OAEP_SHA_256"}).ciphertext_blob;

  open_service();  // a restart: nothing is unwrapped yet
  EXPECT_EQ(decrypt(blob), "secret");
  EXPECT_FALSE(verify_error(ec, message, ec_signature, "ECDSA_SHA_384"));
  EXPECT_FALSE(verify_error(rsa_sign, message, rsa_signature, "RSASSA_PSS_SHA_256"));
  EXPECT_EQ(mac_of(hmac, "message"), tag);
  EXPECT_EQ(service_->get_public_key(rsa_crypt).public_key, public_key);
  auto opened = service_->decrypt({rsa_blob, {}, rsa_crypt, "RSAES_OAEP_SHA_256"});
  EXPECT_EQ(std::string(opened.plaintext.data(), opened.plaintext.data() + opened.plaintext.size()),
            "for rsa");
  // And the new signatures verify on the host with the stored public key.
  EXPECT_FALSE(verify_error(ec, message, sign(ec, message, "ECDSA_SHA_384"), "ECDSA_SHA_384"));
}

// RFC 5649 on SoftHSM 2.6 mishandles keys whose length is not a multiple of 8 (a 28-byte
// HMAC_224 key): the MAC must not change when the version is unwrapped again.
TEST_F(KeyHierarchyTest, Hmac224KeepsItsMacAcrossUnwraps) {
  const std::string hmac = mac_key("HMAC_224");
  const core::Bytes first = service_->generate_mac({hmac, as_bytes("m"), "HMAC_SHA_224"}).mac;
  for (int restart = 0; restart < 3; ++restart) {
    open_service();
    EXPECT_EQ(service_->generate_mac({hmac, as_bytes("m"), "HMAC_SHA_224"}).mac, first);
  }
}

TEST_F(KeyHierarchyTest, TheCacheIsBoundedAndEvictionKeepsEveryKeyUsable) {
  core::KmsConfig config;
  config.version_cache_capacity = 3;
  open_service(config);
  std::vector<std::string> keys;
  std::vector<core::Bytes> blobs;
  for (int i = 0; i < 8; ++i) {
    keys.push_back(create_symmetric_key());
    blobs.push_back(encrypt(keys.back(), "value " + std::to_string(i)));
  }
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 8; ++i) EXPECT_EQ(decrypt(blobs[i]), "value " + std::to_string(i));
  const auto stats = service_->key_material().cache().stats();
  EXPECT_LE(stats.size, 3u);
  EXPECT_GE(stats.evictions, 8u + 16u - 3u);
  EXPECT_GE(stats.misses, 24u);
  EXPECT_EQ(persistent_objects().size(), 1u) << "eviction destroys session objects only";
}

// Eviction never destroys an object an operation is using: the last holder destroys it.
TEST_F(KeyHierarchyTest, ALeaseOutlivesItsEviction) {
  core::KmsConfig config;
  config.version_cache_capacity = 1;
  open_service(config);
  const std::string first = create_symmetric_key();
  const std::string second = create_symmetric_key();
  auto& material = service_->key_material();
  auto load_first = [&] { return *store_->get_version(first, 1); };
  core::VersionLease held =
      material.lease("us-east-1", KeySpec::kSymmetricDefault, object_of(first), load_first);
  encrypt(second, "evicts the first");
  EXPECT_EQ(material.cache().stats().size, 1u);
  const std::string object = held->object_id();
  const auto aad = as_bytes("aad");
  EXPECT_NO_THROW(token_->gcm_encrypt(object, aad, as_bytes("still usable")));
  held.reset();  // the last holder lets go: now it is destroyed
  EXPECT_FALSE(token_->exists(object));
}

// A failed unwrap is not cached: the next use tries again.
TEST_F(KeyHierarchyTest, AFailedLoadIsNotRemembered) {
  auto& cache = service_->key_material().cache();
  int loads = 0;
  auto failing = [&]() -> core::VersionLease {
    ++loads;
    throw Error(ErrorCode::kKeyUnavailable, "token busy");
  };
  EXPECT_THAT([&] { cache.get("v", failing); }, ThrowsError(ErrorCode::kKeyUnavailable));
  EXPECT_THAT([&] { cache.get("v", failing); }, ThrowsError(ErrorCode::kKeyUnavailable));
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(cache.stats().size, 0u);
}

TEST_F(KeyHierarchyTest, ConcurrentFirstUsesUnwrapOnce) {
  const std::string key = create_symmetric_key();
  const core::Bytes blob = encrypt(key, "shared");
  open_service();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i)
        if (decrypt(blob) == "shared") ++good;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 160);
  const auto stats = service_->key_material().cache().stats();
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.hits, 159u);
}

TEST_F(KeyHierarchyTest, DomainKeyRotationRewrapsEveryVersionAndDestroysTheOldKey) {
  const std::string aes = create_symmetric_key();
  const std::string ec = signing_key("ECC_NIST_P256");
  const std::string hmac = mac_key("HMAC_384");
  const core::Bytes blob = encrypt(aes, "before");
  const core::Bytes tag = service_->generate_mac({hmac, as_bytes("m"), "HMAC_SHA_384"}).mac;
  const core::Bytes message(10, 1);
  const core::Bytes signature = sign(ec, message, "ECDSA_SHA_256");

  EXPECT_EQ(service_->rotate_domain_key().version, 2u);
  // New versions go under the new domain key at once.
  service_->rotate_key_on_demand(aes);
  EXPECT_EQ(version_of(aes, 2).domain_key_version, 2u);
  EXPECT_EQ(version_of(aes, 1).domain_key_version, 1u);
  EXPECT_EQ(store_->count_wrapped_under("us-east-1", 1), 3u);

  // The scheduler moves the rest in batches, then destroys domain key v1.
  core::KmsConfig config;
  config.rewrap_batch = 2;
  open_service(config);
  service_->run_due_work();
  EXPECT_EQ(store_->count_wrapped_under("us-east-1", 1), 1u);
  EXPECT_EQ(persistent_objects().size(), 2u);
  service_->run_due_work();
  EXPECT_EQ(store_->count_wrapped_under("us-east-1", 1), 0u);
  EXPECT_EQ(persistent_objects(),
            std::vector<std::string>{core::DomainKeys::object_id("us-east-1", 2)});
  ASSERT_EQ(store_->list_domain_keys("us-east-1").size(), 1u);

  open_service();
  EXPECT_EQ(decrypt(blob), "before");
  EXPECT_EQ(service_->generate_mac({hmac, as_bytes("m"), "HMAC_SHA_384"}).mac, tag);
  EXPECT_FALSE(verify_error(ec, message, signature, "ECDSA_SHA_256"));
}

// The key cache holds the current version's record as it was when the key was loaded; after
// a domain key rotation re-wrapped that version and retired the old domain key, a cache miss
// must still unwrap it (from the store's new record).
TEST_F(KeyHierarchyTest, AMissAfterTheOldDomainKeyIsRetiredReadsTheNewRecord) {
  const std::string aes = create_symmetric_key();
  const std::string ec = signing_key("ECC_NIST_P256");
  const core::Bytes blob = encrypt(aes, "kept");
  const core::Bytes message(8, 3);
  sign(ec, message, "ECDSA_SHA_256");  // both keys now cached with their v1 records
  service_->rotate_domain_key();
  while (service_->run_due_work() > 0) {
  }
  ASSERT_EQ(store_->list_domain_keys("us-east-1").size(), 1u) << "v1 retired";
  service_->key_material().cache().clear();  // the next use is a miss
  EXPECT_EQ(decrypt(encrypt(aes, "after")), "after");
  EXPECT_EQ(decrypt(blob), "kept");
  EXPECT_FALSE(verify_error(ec, message, sign(ec, message, "ECDSA_SHA_256"), "ECDSA_SHA_256"));
}

TEST_F(KeyHierarchyTest, DomainKeysRotateOnTheirPeriod) {
  core::KmsConfig config;
  config.domain_key_rotation_days = 365;
  open_service(config);
  const std::string aes = create_symmetric_key();
  const core::Bytes blob = encrypt(aes, "kept");
  clock_.advance(core::days(364));
  service_->run_due_work();
  EXPECT_EQ(store_->list_domain_keys("us-east-1").size(), 1u);
  clock_.advance(core::days(1));
  service_->run_due_work();
  const auto keys = store_->list_domain_keys("us-east-1");
  ASSERT_EQ(keys.size(), 1u) << "v1 re-wrapped away and destroyed in the same tick";
  EXPECT_EQ(keys.front().version, 2u);
  EXPECT_EQ(decrypt(blob), "kept");
}

TEST_F(KeyHierarchyTest, ARewrapLosesToAConcurrentChange) {
  const std::string aes = create_symmetric_key();
  const auto version = version_of(aes);
  EXPECT_FALSE(store_->rewrap_version(aes, 1, /*from=*/7, version.wrapped_material, 8));
  EXPECT_TRUE(store_->rewrap_version(aes, 1, 1, version.wrapped_material, 1));
}

TEST_F(KeyHierarchyTest, TamperedMaterialIsRefusedAsAnInternalErrorNamingNoSecret) {
  const std::string aes = create_symmetric_key();
  const core::Bytes blob = encrypt(aes, "x");
  edit_store(
      "UPDATE key_versions SET wrapped_material = "
      "substr(wrapped_material, 1, 8) || zeroblob(32) WHERE key_id = '" +
      aes + "'");
  open_service();
  try {
    decrypt(blob);
    ADD_FAILURE() << "tampered key material was used";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInternal);
    EXPECT_EQ(std::string(error.what()).find("wrapped_material"), std::string::npos);
  }
  EXPECT_EQ(create_symmetric_key().size(), 36u) << "other keys are unaffected";
}

// Stores made before the key hierarchy name a token object per version; those keep working,
// and their next version is wrapped.
TEST_F(KeyHierarchyTest, TokenObjectVersionsFromEarlierReleasesKeepWorking) {
  core::KeyRecord key;
  key.key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  key.region = "us-east-1";
  key.created_at = test_epoch();
  const std::string object = "coffer/us-east-1/" + key.key_id + "/v1";
  token_->generate_aes256(object);
  store_->create_key(key, {key.key_id, 1, object, test_epoch(), std::nullopt, 0}, {});
  open_service();
  const core::Bytes old_blob = encrypt(key.key_id, "legacy");
  service_->rotate_key_on_demand(key.key_id);
  EXPECT_EQ(version_of(key.key_id, 2).form(), core::MaterialForm::kWrapped);
  const core::Bytes new_blob = encrypt(key.key_id, "wrapped");
  open_service();
  EXPECT_EQ(decrypt(old_blob), "legacy");
  EXPECT_EQ(decrypt(new_blob), "wrapped");
  // The reconciler still counts the old object as known; the wrapped version has none.
  EXPECT_EQ(store_->all_token_object_ids(), std::vector<std::string>{object});
  // Deleting the key destroys the old object too.
  service_->schedule_key_deletion(key.key_id, 7);
  clock_.advance(core::days(8));
  service_->run_due_work();
  EXPECT_FALSE(token_->exists(object));
}

}  // namespace
}  // namespace coffer::testing
