#include "server/aws/kms_json_handlers.h"

namespace coffer::server::aws {

const KmsOperationTable& kms_operations() {
  static const KmsOperationTable table = [] {
    KmsOperationTable t;
    add_key_operations(t);
    add_alias_and_tag_operations(t);
    add_crypto_operations(t);
    add_signing_operations(t);
    add_grant_operations(t);
    return t;
  }();
  return table;
}

}  // namespace coffer::server::aws
