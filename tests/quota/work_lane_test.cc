// Which lane a request waits in: an administrator's management first, opening what exists
// apart from making new things, so neither kind starves the other.
#include "server/quota/work_lane.h"

#include <gtest/gtest.h>

namespace coffer::server::quota {
namespace {

using core::api::Operation;
using core::api::spec;
using net::Lane;

TEST(WorkLane, OpeningManagementAndTheRest) {
  EXPECT_EQ(lane_of(&spec(Operation::kDecrypt), "user/a"), Lane::kOpening);
  EXPECT_EQ(lane_of(&spec(Operation::kDecrypt), "admin"), Lane::kOpening);
  EXPECT_EQ(lane_of(&spec(Operation::kGetSecretValue), "role/app"), Lane::kOpening);
  EXPECT_EQ(lane_of(&spec(Operation::kVerify), "role/app"), Lane::kOpening);
  EXPECT_EQ(lane_of(&spec(Operation::kGenerateDataKey), "role/app"), Lane::kGeneral);
  EXPECT_EQ(lane_of(&spec(Operation::kEncrypt), "admin"), Lane::kGeneral);
  // Management by the account's root goes first; by anyone else it waits with the rest.
  EXPECT_EQ(lane_of(&spec(Operation::kCreateKey), "admin"), Lane::kAdministrator);
  EXPECT_EQ(lane_of(&spec(Operation::kDescribeKey), "arn:aws:iam::111122223333:root"),
            Lane::kAdministrator);
  EXPECT_EQ(lane_of(&spec(Operation::kListServiceQuotas), "root"), Lane::kAdministrator);
  EXPECT_EQ(lane_of(&spec(Operation::kCreateKey), "user/a"), Lane::kGeneral);
  EXPECT_EQ(lane_of(&spec(Operation::kCreateKey), "anonymous"), Lane::kGeneral);
  EXPECT_EQ(lane_of(nullptr, "admin"), Lane::kGeneral);
}

}  // namespace
}  // namespace coffer::server::quota
