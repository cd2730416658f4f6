#include "pkcs11/key_templates.h"

namespace coffer::pkcs11 {

AttributeTemplate secret_key_template(CK_KEY_TYPE key_type, const KeyId& id,
                                      const SecretKeyOptions& options) {
  const bool mac_key = key_type == CKK_GENERIC_SECRET;
  const bool crypt = options.can_crypt && !mac_key;
  AttributeTemplate t;
  t.add_ulong(CKA_CLASS, CKO_SECRET_KEY)
      .add_ulong(CKA_KEY_TYPE, key_type)
      .add_bool(CKA_TOKEN, options.lifetime == Lifetime::kToken)
      .add_bool(CKA_PRIVATE, true)
      .add_string(CKA_ID, id)
      .add_bool(CKA_ENCRYPT, crypt)
      .add_bool(CKA_DECRYPT, crypt)
      .add_bool(CKA_WRAP, options.can_wrap && !mac_key)
      .add_bool(CKA_UNWRAP, options.can_wrap && !mac_key)
      .add_bool(CKA_SIGN, mac_key)
      .add_bool(CKA_VERIFY, mac_key);
  if (!options.label.empty()) t.add_string(CKA_LABEL, options.label);
  switch (options.extractability) {
    case Extractability::kNever:
      t.add_bool(CKA_SENSITIVE, true).add_bool(CKA_EXTRACTABLE, false);
      break;
    case Extractability::kUnderTrustedKeyOnly:
      t.add_bool(CKA_SENSITIVE, true)
          .add_bool(CKA_EXTRACTABLE, true)
          .add_bool(CKA_WRAP_WITH_TRUSTED, true);
      break;
    case Extractability::kPlainForTests:
      t.add_bool(CKA_SENSITIVE, false).add_bool(CKA_EXTRACTABLE, true);
      break;
    case Extractability::kWrappable:
      t.add_bool(CKA_SENSITIVE, true).add_bool(CKA_EXTRACTABLE, true);
      break;
  }
  return t;
}

AttributeTemplate private_key_template(CK_KEY_TYPE key_type, const KeyId& id, Lifetime lifetime,
                                       Extractability extractability) {
  AttributeTemplate t;
  t.add_ulong(CKA_CLASS, CKO_PRIVATE_KEY)
      .add_ulong(CKA_KEY_TYPE, key_type)
      .add_bool(CKA_TOKEN, lifetime == Lifetime::kToken)
      .add_string(CKA_ID, id)
      .add_bool(CKA_SIGN, true)
      .add_bool(CKA_PRIVATE, true)
      .add_bool(CKA_SENSITIVE, extractability != Extractability::kPlainForTests)
      .add_bool(CKA_EXTRACTABLE, extractability != Extractability::kNever);
  if (key_type == CKK_RSA) t.add_bool(CKA_DECRYPT, true).add_bool(CKA_UNWRAP, true);
  return t;
}

}  // namespace coffer::pkcs11
