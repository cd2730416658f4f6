#include "pkcs11/token_uri.h"

#include <p11-kit/uri.h>

#include <memory>

namespace coffer::pkcs11 {
namespace {

struct UriDeleter {
  void operator()(P11KitUri* uri) const { p11_kit_uri_free(uri); }
};

}  // namespace

CK_SLOT_ID find_slot(const Module& module, const std::string& uri_text) {
  std::unique_ptr<P11KitUri, UriDeleter> uri(p11_kit_uri_new());
  int parsed = p11_kit_uri_parse(uri_text.c_str(), P11_KIT_URI_FOR_ANY, uri.get());
  if (parsed != P11_KIT_URI_OK) {
    throw Error(ErrorCode::kValidation,
                "token URI '" + uri_text + "' does not parse: " + p11_kit_uri_message(parsed));
  }
  // p11-kit returns (CK_SLOT_ID)-1 when the URI names no slot-id.
  const CK_SLOT_ID wanted_slot = p11_kit_uri_get_slot_id(uri.get());
  const auto* functions = module.functions();

  bool found = false;
  CK_SLOT_ID chosen = 0;
  for (CK_SLOT_ID slot : module.slots_with_tokens()) {
    if (wanted_slot != static_cast<CK_SLOT_ID>(-1) && slot != wanted_slot) continue;
    CK_TOKEN_INFO info{};
    if (P11(functions, C_GetTokenInfo, slot, &info) != CKR_OK) continue;
    if (!(info.flags & CKF_TOKEN_INITIALIZED)) continue;
    if (!p11_kit_uri_match_token_info(uri.get(), &info)) continue;
    if (found)
      throw Error(ErrorCode::kValidation, "token URI '" + uri_text + "' matches several tokens");
    found = true;
    chosen = slot;
  }
  if (!found) throw Error(ErrorCode::kNotFound, "no token matches '" + uri_text + "'");
  return chosen;
}

}  // namespace coffer::pkcs11
