#include "server/aws/aws_operations.h"

#include "server/aws/kms_json_handlers.h"
#include "server/aws/secrets_json_handlers.h"

namespace coffer::server::aws {

const AwsOperationTable& aws_operations() {
  static const AwsOperationTable table = [] {
    AwsOperationTable t;
    for (const auto& op : core::api::all_operations()) {
      if (const KmsOperation* kms = kms_operations().find(op.operation)) {
        t[op.operation] = [codec = *kms](RegionServices& s, const Json& in) {
          return codec(s.kms, in);
        };
      }
    }
    add_secrets_operations(t);
    return t;
  }();
  return table;
}

}  // namespace coffer::server::aws
