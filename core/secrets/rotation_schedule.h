// Secrets Manager's rotation rules (RotationRulesType): which schedules AWS accepts, and when
// the next rotation window opens. All times are UTC, as AWS's are.
//
//   AutomaticallyAfterDays  1..1000 days after the last rotation; the window opens at midnight
//   rate(N hours)           N 4..23: every N hours, on a grid that starts at midnight
//   rate(N days)            N 1..999: every N days, the window opening at midnight
//   cron(0 H DoM Mon DoW *) minutes must be 0 and the year *; DoM or DoW must be "?"; at
//                           least 4 hours between rotations; never more than a year apart
//   Duration "Nh"           the window: at least 1h, not into the next window nor the next UTC
//                           day
//
// The cron dialect is EventBridge's, cut down to what Secrets Manager documents: numbers,
// JAN-DEC, SUN-SAT (1 = SUN), and * , - / ? L W # in the fields that take them.
#pragma once

#include "core/model/clock.h"
#include "core/model/secret_records.h"

namespace coffer::core {

// Throws coffer::Error(kInvalidParameter) for any rule AWS refuses, naming what is wrong.
void validate_rotation_rules(const RotationRules& rules);

// The start of the first rotation window strictly after `after`. AutomaticallyAfterDays and
// rate(): one interval after the window that held `last_rotation_or_creation`, stepped forward
// by whole intervals past `after`. cron(): the first matching hour after `after`; the last
// rotation does not matter. Validates first (same errors as validate_rotation_rules).
Timestamp next_rotation_time(const RotationRules& rules, Timestamp last_rotation_or_creation,
                             Timestamp after);

}  // namespace coffer::core
