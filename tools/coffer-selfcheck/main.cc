// coffer-selfcheck: proves a token can do everything Coffer asks of it, printing each step.
// Usage: coffer-selfcheck --module PATH --token-uri URI --pin-file PATH [--quirks NAME]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/hex.h"
#include "pkcs11/token.h"

namespace {

using coffer::pkcs11::Token;
using coffer::pkcs11::TokenConfig;
namespace p11 = coffer::pkcs11;

int usage() {
  std::fprintf(stderr,
               "usage: coffer-selfcheck --module PATH --token-uri URI --pin-file PATH [--quirks "
               "softhsm|cloudhsm]\n"
               "  The PIN may instead come from the environment variable COFFER_PIN.\n");
  return 2;
}

void step(const char* what, const std::string& detail) {
  std::printf("  ok  %-34s %s\n", what, detail.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  TokenConfig config;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--module")
      config.module_path = value();
    else if (arg == "--token-uri")
      config.token_uri = value();
    else if (arg == "--pin-file")
      config.pin = p11::PinSource::from_file(value());
    else if (arg == "--quirks")
      config.quirks = value();
    else if (arg == "--help" || arg == "-h")
      return usage(), 0;
    else
      return usage();
  }
  if (config.module_path.empty()) return usage();

  const std::string run =
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  const std::string kek = "selfcheck-kek-" + run, aes = "selfcheck-aes-" + run,
                    ec = "selfcheck-ec-" + run, rsa = "selfcheck-rsa-" + run,
                    restored = "selfcheck-restored-" + run;
  try {
    Token token(config);
    std::printf("Coffer token self-check: %s, %s\n", config.module_path.c_str(),
                config.token_uri.c_str());

    token.generate_aes256(aes, {.extractability = p11::Extractability::kUnderTrustedKeyOnly});
    step("generate AES-256 key", "id " + aes);
    const std::string message = "Coffer self-check: the token encrypts, wraps and signs.";
    const auto aad = coffer::as_bytes("context=selfcheck");
    auto sealed = token.gcm_encrypt(aes, aad, coffer::as_bytes(message));
    step("AES-256-GCM encrypt", std::to_string(message.size()) + " bytes -> " +
                                    std::to_string(sealed.ciphertext.size()) + " bytes, iv " +
                                    coffer::to_hex(sealed.iv));
    auto opened = token.gcm_decrypt(aes, sealed.iv, aad, sealed.ciphertext);
    if (std::string(opened.data(), opened.data() + opened.size()) != message)
      throw std::runtime_error("decrypt mismatch");
    step("AES-256-GCM decrypt", "plaintext matches");
    sealed.ciphertext[0] ^= 1;
    try {
      token.gcm_decrypt(aes, sealed.iv, aad, sealed.ciphertext);
      throw std::runtime_error("a tampered ciphertext decrypted");
    } catch (const coffer::Error& e) {
      if (e.code() != coffer::ErrorCode::kInvalidCiphertext) throw;
    }
    step("tampered ciphertext", "rejected (InvalidCiphertextException)");

    token.generate_aes256(kek, {.can_wrap = true});
    token.generate_aes256(restored + "-src",
                          {.extractability = p11::Extractability::kPlainForTests});
    auto wrapped = token.wrap(kek, p11::WrapMechanism::kAesKeyWrapPad, restored + "-src");
    step("wrap (RFC 5649 AES-KWP)", std::to_string(wrapped.size()) + " bytes");
    token.unwrap(kek, p11::WrapMechanism::kAesKeyWrapPad, wrapped, restored,
                 p11::UnwrappedKind::kAes, {.extractability = p11::Extractability::kPlainForTests});
    if (!(token.read_plain_value(restored) == token.read_plain_value(restored + "-src")))
      throw std::runtime_error("unwrapped key differs");
    step("unwrap", "same key material back");

    token.generate_ec(ec, p11::EcCurve::kP256);
    p11::SignAlgorithm ecdsa{p11::SignScheme::kEcdsa, p11::Digest::kSha256};
    auto ec_signature = token.sign(ec, ecdsa, coffer::as_bytes(message));
    bool ec_ok = token.verify(ec, ecdsa, coffer::as_bytes(message), ec_signature);
    bool ec_bad = token.verify(ec, ecdsa, coffer::as_bytes(message + "!"), ec_signature);
    if (!ec_ok || ec_bad) throw std::runtime_error("ECDSA verify gave the wrong answer");
    step("ECDSA P-256 sign and verify",
         std::to_string(ec_signature.size()) + "-byte DER signature");

    token.generate_rsa(rsa, 2048);
    p11::SignAlgorithm pss{p11::SignScheme::kRsaPss, p11::Digest::kSha256};
    auto rsa_signature = token.sign(rsa, pss, coffer::as_bytes(message));
    if (!token.verify(rsa, pss, coffer::as_bytes(message), rsa_signature))
      throw std::runtime_error("RSA-PSS verify failed");
    step("RSA-2048 PSS sign and verify", std::to_string(rsa_signature.size()) + "-byte signature");
    step("public key (SPKI DER)", std::to_string(token.public_key_der(rsa).size()) + " bytes");

    auto random = token.random(32);
    step("random bytes", "32 bytes from the token");

    for (const auto& id : {aes, kek, restored, restored + "-src", ec, rsa}) token.destroy(id);
    step("destroy test keys", "6 keys removed");
    auto stats = token.pool().stats();
    std::printf("Self-check passed (%zu token sessions open).\n", stats.open);
    return 0;
  } catch (const coffer::Error& e) {
    std::fprintf(stderr, "self-check FAILED: %s: %s\n", std::string(e.name()).c_str(), e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "self-check FAILED: %s\n", e.what());
  }
  return 1;
}
