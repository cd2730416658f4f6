// coffer.v1.Crypto methods of asymmetric and HMAC keys: thin translations onto KmsService.
#include "coffer/v1/crypto.pb.h"
#include "server/rpc/kms_handlers.h"
#include "server/rpc/proto_convert.h"

namespace coffer::server::rpc {
namespace {

namespace v1 = ::coffer::v1;
using Ctx = RequestContext;
using Op = core::api::Operation;

template <class Response>
void fill_pair(const core::GenerateDataKeyPairResult& result, Response& out) {
  out.set_private_key_ciphertext_blob(bytes_of(result.private_key_ciphertext_blob));
  out.set_public_key(bytes_of(result.public_key));
  out.set_key_id(result.key_id);
  out.set_key_pair_spec(result.key_pair_spec);
}

}  // namespace

void register_signing_handlers(Dispatcher& d, core::KmsService& kms) {
  d.add_typed<v1::SignRequest, v1::SignResponse>(Op::kSign, [&kms](const Ctx&, const auto& r) {
    auto result =
        kms.sign({r.key_id(), span_of(r.message()),
                  optional_of(r.has_message_type(), r.message_type()), r.signing_algorithm()});
    v1::SignResponse out;
    out.set_key_id(result.key_id);
    out.set_signature(bytes_of(result.signature));
    out.set_signing_algorithm(result.signing_algorithm);
    return out;
  });
  d.add_typed<v1::VerifyRequest, v1::VerifyResponse>(
      Op::kVerify, [&kms](const Ctx&, const auto& r) {
        auto result = kms.verify({r.key_id(), span_of(r.message()),
                                  optional_of(r.has_message_type(), r.message_type()),
                                  span_of(r.signature()), r.signing_algorithm()});
        v1::VerifyResponse out;
        out.set_key_id(result.key_id);
        out.set_signature_valid(result.signature_valid);
        out.set_signing_algorithm(result.signing_algorithm);
        return out;
      });
  d.add_typed<v1::GetPublicKeyRequest, v1::GetPublicKeyResponse>(
      Op::kGetPublicKey, [&kms](const Ctx&, const auto& r) {
        auto result = kms.get_public_key(r.key_id());
        v1::GetPublicKeyResponse out;
        out.set_key_id(result.key_id);
        out.set_public_key(bytes_of(result.public_key));
        out.set_key_spec(std::string(core::to_string(result.key_spec)));
        out.set_key_usage(std::string(core::to_string(result.key_usage)));
        for (const auto& a : result.encryption_algorithms) out.add_encryption_algorithms(a);
        for (const auto& a : result.signing_algorithms) out.add_signing_algorithms(a);
        return out;
      });
  d.add_typed<v1::GenerateMacRequest, v1::GenerateMacResponse>(
      Op::kGenerateMac, [&kms](const Ctx&, const auto& r) {
        auto result = kms.generate_mac({r.key_id(), span_of(r.message()), r.mac_algorithm()});
        v1::GenerateMacResponse out;
        out.set_key_id(result.key_id);
        out.set_mac(bytes_of(result.mac));
        out.set_mac_algorithm(result.mac_algorithm);
        return out;
      });
  d.add_typed<v1::VerifyMacRequest, v1::VerifyMacResponse>(
      Op::kVerifyMac, [&kms](const Ctx&, const auto& r) {
        auto result =
            kms.verify_mac({r.key_id(), span_of(r.message()), r.mac_algorithm(), span_of(r.mac())});
        v1::VerifyMacResponse out;
        out.set_key_id(result.key_id);
        out.set_mac_valid(result.mac_valid);
        out.set_mac_algorithm(result.mac_algorithm);
        return out;
      });
  d.add_typed<v1::GenerateDataKeyPairRequest, v1::GenerateDataKeyPairResponse>(
      Op::kGenerateDataKeyPair, [&kms](const Ctx&, const auto& r) {
        auto result = kms.generate_data_key_pair(
            {r.key_id(), from_proto(r.encryption_context()), r.key_pair_spec()});
        v1::GenerateDataKeyPairResponse out;
        fill_pair(result, out);
        out.set_private_key_plaintext(bytes_of(result.private_key_plaintext));
        return out;
      });
  d.add_typed<v1::GenerateDataKeyPairWithoutPlaintextRequest,
              v1::GenerateDataKeyPairWithoutPlaintextResponse>(
      Op::kGenerateDataKeyPairWithoutPlaintext, [&kms](const Ctx&, const auto& r) {
        auto result = kms.generate_data_key_pair_without_plaintext(
            {r.key_id(), from_proto(r.encryption_context()), r.key_pair_spec()});
        v1::GenerateDataKeyPairWithoutPlaintextResponse out;
        fill_pair(result, out);
        return out;
      });
}

}  // namespace coffer::server::rpc
