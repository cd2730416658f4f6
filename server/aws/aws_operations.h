// The AWS JSON codec of every operation in core/api's table, over both services: KMS codecs
// (kms_json_*.cc) run against the region's KmsService, Secrets Manager codecs
// (secrets_json_*.cc) against its SecretsService.
#pragma once

#include <array>
#include <functional>

#include "core/api/operations.h"
#include "server/aws/aws_regions.h"
#include "server/aws/json_fields.h"

namespace coffer::server::aws {

using AwsOperation = std::function<Json(RegionServices&, const Json& request)>;

class AwsOperationTable {
 public:
  AwsOperation& operator[](core::api::Operation op) {
    return codecs_[static_cast<std::size_t>(op)];
  }
  // nullptr when the operation has no AWS JSON codec.
  const AwsOperation* find(core::api::Operation op) const {
    const auto& codec = codecs_[static_cast<std::size_t>(op)];
    return codec ? &codec : nullptr;
  }

 private:
  std::array<AwsOperation, core::api::kOperationCount> codecs_;
};

const AwsOperationTable& aws_operations();

}  // namespace coffer::server::aws
