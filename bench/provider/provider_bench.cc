// Signatures per second through the OpenSSL provider against the raw token sign, in one
// process and one run (bench/provider_compare.sh starts cofferd, makes the keys and prints
// the ratio):
//   Provider/EcdsaP256   EVP_DigestSign (SHA-256) with a coffer: key: hash here, Sign
//                        (DIGEST) over the rpc API to cofferd, whose token signs
//   Provider/Rsa2048Pss  the same with RSA-2048, RSA-PSS (what TLS 1.3 asks for)
//   Raw/EcdsaP256        pkcs11::Token::sign of a SHA-256 digest on a throw-away SoftHSM
//   Raw/Rsa2048Pss       token in this process (the token work the provider path ends in)
// With 1 and 4 threads: each provider thread waits for its rpc; the client pipelines
// requests of several threads over one connection.
//
// Environment: COFFER_ENDPOINT/COFFER_TLS (read by the provider), COFFER_BENCH_EC_URI and
// COFFER_BENCH_RSA_URI (coffer: URIs of the keys).
#include <benchmark/benchmark.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/store.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "pkcs11/token.h"
#include "tests/support/temp_token.h"

namespace {

using coffer::pkcs11::Digest;
using coffer::pkcs11::SignAlgorithm;
using coffer::pkcs11::SignScheme;

OSSL_LIB_CTX* g_libctx = nullptr;
EVP_PKEY* g_ec_key = nullptr;
EVP_PKEY* g_rsa_key = nullptr;
coffer::pkcs11::Token* g_token = nullptr;
const std::string kEcId = "coffer/bench/ec-p256/v1";
const std::string kRsaId = "coffer/bench/rsa-2048/v1";

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    throw std::runtime_error(std::string(name) + " is not set");
  return value;
}

EVP_PKEY* load_key(const std::string& uri) {
  OSSL_STORE_CTX* store = OSSL_STORE_open_ex(uri.c_str(), g_libctx, nullptr, nullptr, nullptr,
                                             nullptr, nullptr, nullptr);
  EVP_PKEY* key = nullptr;
  while (store != nullptr && key == nullptr && OSSL_STORE_eof(store) == 0) {
    OSSL_STORE_INFO* info = OSSL_STORE_load(store);
    if (info == nullptr) break;
    if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
      key = OSSL_STORE_INFO_get1_PKEY(info);
    OSSL_STORE_INFO_free(info);
  }
  if (store != nullptr) OSSL_STORE_close(store);
  if (key == nullptr) {
    ERR_print_errors_fp(stderr);
    throw std::runtime_error("cannot load " + uri);
  }
  return key;
}

void provider_sign(benchmark::State& state, EVP_PKEY* key, bool pss) {
  std::array<unsigned char, 32> message{};
  RAND_bytes(message.data(), message.size());
  std::array<unsigned char, 512> signature{};
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  for (auto _ : state) {
    EVP_PKEY_CTX* pctx = nullptr;
    size_t size = signature.size();
    const bool ok =
        EVP_DigestSignInit_ex(md, &pctx, "SHA256", g_libctx, nullptr, key, nullptr) == 1 &&
        (!pss || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1)) &&
        EVP_DigestSign(md, signature.data(), &size, message.data(), message.size()) == 1;
    if (!ok) {
      ERR_print_errors_fp(stderr);
      state.SkipWithError("EVP_DigestSign failed");
      break;
    }
    benchmark::DoNotOptimize(signature);
  }
  EVP_MD_CTX_free(md);
  state.SetItemsProcessed(state.iterations());
}

void raw_sign(benchmark::State& state, const std::string& id, SignAlgorithm algorithm) {
  std::array<std::uint8_t, 32> digest{};
  RAND_bytes(digest.data(), digest.size());
  for (auto _ : state) benchmark::DoNotOptimize(g_token->sign(id, algorithm, digest));
  state.SetItemsProcessed(state.iterations());
}

void Provider_EcdsaP256(benchmark::State& state) { provider_sign(state, g_ec_key, false); }
void Provider_Rsa2048Pss(benchmark::State& state) { provider_sign(state, g_rsa_key, true); }
void Raw_EcdsaP256(benchmark::State& state) {
  raw_sign(state, kEcId,
           {.scheme = SignScheme::kEcdsa, .digest = Digest::kSha256, .prehashed = true});
}
void Raw_Rsa2048Pss(benchmark::State& state) {
  raw_sign(state, kRsaId,
           {.scheme = SignScheme::kRsaPss, .digest = Digest::kSha256, .prehashed = true});
}

BENCHMARK(Provider_EcdsaP256)->Name("Provider/EcdsaP256")->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(Raw_EcdsaP256)->Name("Raw/EcdsaP256")->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(Provider_Rsa2048Pss)->Name("Provider/Rsa2048Pss")->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(Raw_Rsa2048Pss)->Name("Raw/Rsa2048Pss")->UseRealTime()->Threads(1)->Threads(4);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    // The provider in a library context of its own; SoftHSM keeps the default one.
    g_libctx = OSSL_LIB_CTX_new();
    OSSL_PROVIDER_set_default_search_path(g_libctx, COFFER_PROVIDER_DIR);
    OSSL_PROVIDER* base = OSSL_PROVIDER_load(g_libctx, "default");
    OSSL_PROVIDER* coffer = OSSL_PROVIDER_load(g_libctx, "coffer");
    if (base == nullptr || coffer == nullptr) {
      ERR_print_errors_fp(stderr);
      throw std::runtime_error("cannot load the providers from " COFFER_PROVIDER_DIR);
    }
    g_ec_key = load_key(required_env("COFFER_BENCH_EC_URI"));
    g_rsa_key = load_key(required_env("COFFER_BENCH_RSA_URI"));

    coffer::testing::TempToken temp_token;
    auto token = std::make_unique<coffer::pkcs11::Token>(temp_token.config(4));
    token->generate_ec(kEcId, coffer::pkcs11::EcCurve::kP256);
    token->generate_rsa(kRsaId, 2048);
    g_token = token.get();

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    g_token = nullptr;
    EVP_PKEY_free(g_rsa_key);
    EVP_PKEY_free(g_ec_key);
    OSSL_PROVIDER_unload(coffer);
    OSSL_PROVIDER_unload(base);
    OSSL_LIB_CTX_free(g_libctx);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "provider bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
