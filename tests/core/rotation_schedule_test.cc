#include "core/secrets/rotation_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::core {
namespace {

using coffer::testing::ThrowsError;
using ::testing::HasSubstr;

// A UTC instant, to the minute.
Timestamp utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  return std::chrono::sys_days(std::chrono::year(year) / month / day) + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}

// "2024-02-29T17:00:00.000Z": failures read as dates, not as bytes.
std::string iso(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss time(t - day);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return text;
}

RotationRules after_days(int days, std::string duration = "") {
  return {days, std::move(duration), ""};
}
RotationRules schedule(std::string expression, std::string duration = "") {
  return {std::nullopt, std::move(duration), std::move(expression)};
}

std::string describe(const RotationRules& rules) {
  return "AutomaticallyAfterDays=" +
         (rules.automatically_after_days ? std::to_string(*rules.automatically_after_days)
                                         : std::string("-")) +
         " ScheduleExpression='" + rules.schedule_expression + "' Duration='" + rules.duration +
         "'";
}

// ---------------------------------------------------------------------------------------------
// Accepted: every form AWS's documentation shows, and the edges of each documented range.

TEST(RotationRules, AcceptsEveryDocumentedForm) {
  const std::vector<RotationRules> accepted = {
      // AutomaticallyAfterDays: 1..1000 (RotationRulesType).
      after_days(1),
      after_days(30),
      after_days(1000),
      after_days(30, "1h"),
      after_days(30, "24h"),
      // rate(): hour, hours, day, days; every four hours at most; 999 days at most.
      schedule("rate(4 hours)"),
      schedule("rate(12 hours)"),
      schedule("rate(23 hours)"),
      schedule("rate(1 day)"),
      schedule("rate(8 days)"),
      schedule("rate(10 days)"),
      schedule("rate(999 days)"),
      // A window no longer than the interval (hours) or the UTC day (days).
      schedule("rate(4 hours)", "4h"),
      schedule("rate(12 hours)", "12h"),
      schedule("rate(10 days)", "24h"),
      schedule("rate(1 day)", "3h"),
      // cron(): the user guide's examples.
      schedule("cron(0 10 * * ? *)"),       // every day at 10:00
      schedule("cron(0 18 ? * SAT *)"),     // every Saturday at 18:00
      schedule("cron(0 8 1 * ? *)"),        // the first of every month at 08:00
      schedule("cron(0 1 * 1/3 SUN *)"),    // every three months on Sunday at 01:00
      schedule("cron(0 17 L * ? *)"),       // the last day of every month at 17:00
      schedule("cron(0 8 ? * MON-FRI *)"),  // Monday to Friday at 08:00
      schedule("cron(0 16 1,15 * ? *)"),    // the 1st and 15th at 16:00
      schedule("cron(0 0 ? * SUN#1 *)"),    // the first Sunday of every month
      schedule("cron(0 4/12 * * ? *)"),     // 04:00 and 16:00, every day
      schedule("cron(0 8/8 * * ? *)"),      // 08:00 and 16:00
      schedule("cron(0 2/10 * * ? *)"),     // 02:00, 12:00, 22:00
      schedule("cron(0 8 1/7 * ? *)"),      // the 1st, 8th, 15th, 22nd, 29th
      schedule("cron(0 10 ? FEB,MAY,AUG,NOV TUE#2 *)"),
      schedule("cron(0 0 ? * SUNL *)"),  // the last Sunday of the month
      schedule("cron(0 0 ? * 1L *)"),
      schedule("cron(0 9 ? * 2#1 *)"),  // the first Monday
      schedule("cron(0 0 ? * L *)"),    // the last day of the week: Saturday
      schedule("cron(0 0 ? JAN,APR,JUL,OCT MON *)"),
      schedule("cron(0 0 1-15 * ? *)"),
      schedule("cron(0 0/4 * * ? *)"),  // exactly every four hours
      schedule("cron(0 */6 * * ? *)"),
      schedule("cron(0 12 ? * FRI-MON *)"),  // a range that wraps past Saturday
      schedule("cron(0 0 15W * ? *)"),       // the weekday nearest the 15th
      schedule("cron(0 0 LW * ? *)"),        // the last weekday of the month
      schedule("cron(0 0 1 1 ? *)"),         // once a year
      schedule("cron(0 0 1 JAN-DEC ? *)"),
      // Windows that end exactly at midnight or at the next window.
      schedule("cron(0 10 * * ? *)", "14h"),
      schedule("cron(0 4/12 * * ? *)", "8h"),
      schedule("cron(0 0/6 * * ? *)", "6h"),
      schedule("cron(0 2/10 * * ? *)", "2h"),
  };
  for (const auto& rules : accepted)
    EXPECT_NO_THROW(validate_rotation_rules(rules)) << describe(rules);
}

// ---------------------------------------------------------------------------------------------
// Refused, each with InvalidParameterException and a message that says why.

struct Refusal {
  RotationRules rules;
  std::string says;  // a part of the message
};

TEST(RotationRules, RefusesWhatAwsRefuses) {
  const std::vector<Refusal> refused = {
      // Both or neither.
      {{30, "", "rate(10 days)"},
       "You cannot specify both rotation frequency and schedule expression together."},
      {{std::nullopt, "", ""}, "You must specify either"},
      {{std::nullopt, "3h", ""}, "You must specify either"},
      // AutomaticallyAfterDays outside 1..1000.
      {after_days(0), "RotationRules.AutomaticallyAfterDays must be within 1-1000."},
      {after_days(-1), "must be within 1-1000"},
      {after_days(1001), "must be within 1-1000"},
      // rate(): more often than every four hours, a day or more in hours, over 999 days.
      {schedule("rate(1 hour)"), "from 4 to 23 hours"},
      {schedule("rate(3 hours)"), "from 4 to 23 hours"},
      {schedule("rate(24 hours)"), "from 4 to 23 hours"},
      {schedule("rate(0 days)"), "from 1 to 999 days"},
      {schedule("rate(1000 days)"), "from 1 to 999 days"},
      {schedule("rate(-1 days)"), "positive whole number"},
      {schedule("rate(ten days)"), "positive whole number"},
      {schedule("rate(10 minutes)"), "hour, hours, day or days"},
      {schedule("rate(2 weeks)"), "hour, hours, day or days"},
      {schedule("rate(10days)"), "rate(Value Unit)"},
      {schedule("rate(10  days)"), "rate(Value Unit)"},
      {schedule("rate( 10 days)"), "rate(Value Unit)"},
      // Neither rate() nor cron().
      {schedule("RATE(10 days)"), "rate() or a cron()"},
      {schedule("10 days"), "rate() or a cron()"},
      {schedule("cron(0 10 * * ? *"), "rate() or a cron()"},
      {schedule("at(2030-01-01T00:00:00)"), "only letters, digits"},  // ':' is outside the pattern
      {schedule("cron(0 10 * * ? *);"), "only letters, digits"},
      {schedule("rate(10 days)\n"), "only letters, digits"},
      {schedule("rate(" + std::string(250, '1') + " days)"), "at most 256 characters"},
      // cron(): six fields.
      {schedule("cron(0 10 * * ?)"), "has 6 fields"},
      {schedule("cron(0 0 10 * * ? *)"), "has 6 fields"},
      {schedule("cron()"), "has 6 fields"},
      // Minutes must be 0, Year must be *.
      {schedule("cron(30 10 * * ? *)"), "Minutes field must be 0"},
      {schedule("cron(* 10 * * ? *)"), "Minutes field must be 0"},
      {schedule("cron(0/30 10 * * ? *)"), "Minutes field must be 0"},
      {schedule("cron(0 10 * * ? 2030)"), "Year field must be *"},
      {schedule("cron(0 10 * * ? 2030-2040)"), "Year field must be *"},
      // Values outside their field.
      {schedule("cron(0 24 * * ? *)"), "outside Hours (0-23)"},
      {schedule("cron(0 10 32 * ? *)"), "outside Day-of-month (1-31)"},
      {schedule("cron(0 10 0 * ? *)"), "outside Day-of-month (1-31)"},
      {schedule("cron(0 10 1 13 ? *)"), "outside Month (1-12)"},
      {schedule("cron(0 10 1 0 ? *)"), "outside Month (1-12)"},
      {schedule("cron(0 10 ? * 8 *)"), "outside Day-of-week (1-7)"},
      {schedule("cron(0 10 ? * 0 *)"), "outside Day-of-week (1-7)"},
      {schedule("cron(0 10 1 FOO ? *)"), "not a valid Month value"},
      {schedule("cron(0 10 ? * FUN *)"), "not a valid Day-of-week value"},
      {schedule("cron(0 10 ? * MON#6 *)"), "1st to 5th"},
      {schedule("cron(0 10 ? * MON#0 *)"), "1st to 5th"},
      {schedule("cron(0 10,, * * ? *)"), "not a valid Hours value"},
      {schedule("cron(0 0/0 * * ? *)"), "invalid increment"},
      {schedule("cron(0 10 */ * ? *)"), "invalid increment"},
      // Wildcards a field does not take.
      {schedule("cron(0 L * * ? *)"), "not a valid Hours value"},
      {schedule("cron(0 ? * * ? *)"), "not a valid Hours value"},
      {schedule("cron(0 10 * L ? *)"), "not a valid Month value"},
      {schedule("cron(0 10 * ? ? *)"), "not a valid Month value"},
      {schedule("cron(0 10 1#2 * ? *)"), "not a valid Day-of-month value"},
      {schedule("cron(0 10 ? * W *)"), "not a valid Day-of-week value"},
      {schedule("cron(0 10 L-3 * ? *)"), "not a valid Day-of-month value"},  // Quartz only
      // Day-of-month and Day-of-week: one of them is "?".
      {schedule("cron(0 10 * * * *)"), "not * in both"},
      {schedule("cron(0 10 ? * ? *)"), "only one of Day-of-month and Day-of-week may be ?"},
      {schedule("cron(0 10 1 * MON *)"), "cannot both have values"},
      // More often than every four hours, within a day or across midnight.
      {schedule("cron(0 * * * ? *)"), "every four hours"},
      {schedule("cron(0 0/2 * * ? *)"), "every four hours"},
      {schedule("cron(0 0,3 * * ? *)"), "every four hours"},
      {schedule("cron(0 1,23 * * ? *)"), "every four hours"},  // 23:00, then 01:00 next day
      {schedule("cron(0 0,22 * * ? *)"), "every four hours"},
      {schedule("cron(0 0,22 L,1 * ? *)"), "every four hours"},  // the 31st, then the 1st
      // A day that never comes, or comes less than once a year.
      {schedule("cron(0 0 30 FEB ? *)"), "never matches"},
      {schedule("cron(0 0 31 APR,JUN,SEP,NOV ? *)"), "never matches"},
      {schedule("cron(0 0 29 FEB ? *)"), "more than a year apart"},
      // Duration: "Nh", 1h..24h (DurationType: [0-9]+h, 2-3 characters).
      {after_days(30, "3"), "Invalid Duration 3"},
      {after_days(30, "h"), "Invalid Duration h"},
      {after_days(30, "0h"), "from 1h to 24h"},
      {after_days(30, "25h"), "from 1h to 24h"},
      {after_days(30, "100h"), "from 1h to 24h"},
      {after_days(30, "3H"), "from 1h to 24h"},
      {after_days(30, "3 h"), "from 1h to 24h"},
      {after_days(30, "-1h"), "from 1h to 24h"},
      {after_days(30, "3hours"), "from 1h to 24h"},
      // Duration: not into the next window, not into the next UTC day.
      {schedule("rate(4 hours)", "5h"), "must not extend into the next rotation window"},
      {schedule("rate(12 hours)", "13h"), "must not extend into the next rotation window"},
      {schedule("cron(0 0/6 * * ? *)", "7h"), "must not extend into the next rotation window"},
      {schedule("cron(0 10 * * ? *)", "15h"), "must not extend into the next UTC day"},
      {schedule("cron(0 4/12 * * ? *)", "9h"), "must not extend into the next UTC day"},
      {schedule("cron(0 2/10 * * ? *)", "3h"), "must not extend into the next UTC day"},
  };
  for (const auto& [rules, says] : refused) {
    EXPECT_THAT([&] { validate_rotation_rules(rules); },
                ThrowsError(ErrorCode::kInvalidParameter, HasSubstr(says)))
        << describe(rules);
  }
}

TEST(RotationRules, NamesTheExpressionInTheMessage) {
  EXPECT_THAT([] { validate_rotation_rules(schedule("cron(30 10 * * ? *)")); },
              ThrowsError(ErrorCode::kInvalidParameter,
                          "Invalid ScheduleExpression cron(30 10 * * ? *): the Minutes field "
                          "must be 0."));
}

// ---------------------------------------------------------------------------------------------
// When the next window opens.

struct NextTime {
  RotationRules rules;
  Timestamp last_rotation;
  Timestamp after;
  Timestamp expected;
};

TEST(NextRotationTime, DaysAndRatesStepFromTheLastRotation) {
  const std::vector<NextTime> cases = {
      // The window opens at midnight UTC, N days after the day of the last rotation.
      {after_days(30), utc(2024, 1, 15, 10, 37), utc(2024, 1, 15, 10, 37), utc(2024, 2, 14)},
      {after_days(10), utc(2023, 12, 25, 13), utc(2023, 12, 25, 13), utc(2024, 1, 4)},
      {after_days(1), utc(2024, 2, 28, 23, 59), utc(2024, 2, 28, 23, 59), utc(2024, 2, 29)},
      {after_days(1), utc(2023, 2, 28, 23, 59), utc(2023, 2, 28, 23, 59), utc(2023, 3, 1)},
      {after_days(1000), utc(2024, 1, 1), utc(2024, 1, 1), utc(2026, 9, 27)},
      // Missed windows are skipped in whole intervals: 9 weeks on, across the leap day.
      {after_days(7), utc(2024, 1, 1, 5), utc(2024, 3, 1, 12), utc(2024, 3, 4)},
      // Strictly after: a window opening exactly at `after` is not the next one.
      {after_days(7), utc(2024, 1, 1, 5), utc(2024, 1, 8), utc(2024, 1, 15)},
      {after_days(7), utc(2024, 1, 1, 5), utc(2024, 1, 7, 23, 59), utc(2024, 1, 8)},
      // rate(N days) is AutomaticallyAfterDays = N.
      {schedule("rate(10 days)"), utc(2023, 12, 25, 13), utc(2023, 12, 25, 13), utc(2024, 1, 4)},
      {schedule("rate(1 day)"), utc(2024, 12, 31, 8), utc(2024, 12, 31, 8), utc(2025, 1, 1)},
      // rate(N hours): a grid of N hours from midnight of the last rotation's day.
      {schedule("rate(4 hours)"), utc(2024, 2, 29, 10, 37), utc(2024, 2, 29, 10, 37),
       utc(2024, 2, 29, 12)},
      {schedule("rate(4 hours)"), utc(2024, 2, 29, 10, 37), utc(2024, 2, 29, 23),
       utc(2024, 3, 1, 0)},
      {schedule("rate(12 hours)"), utc(2024, 12, 31, 12), utc(2024, 12, 31, 12),
       utc(2025, 1, 1, 0)},
      // The grid runs on, it does not restart at midnight (that is cron's behaviour).
      {schedule("rate(5 hours)"), utc(2024, 12, 31, 21, 10), utc(2024, 12, 31, 21, 10),
       utc(2025, 1, 1, 1)},
      {schedule("rate(5 hours)"), utc(2024, 12, 31, 21, 10), utc(2025, 1, 1, 1),
       utc(2025, 1, 1, 6)},
      // `after` before the last rotation: the interval still counts from the last rotation.
      {after_days(3), utc(2024, 5, 10, 9), utc(2024, 5, 1), utc(2024, 5, 13)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(iso(next_rotation_time(c.rules, c.last_rotation, c.after)), iso(c.expected))
        << describe(c.rules) << " last " << iso(c.last_rotation) << " after " << iso(c.after);
  }
}

TEST(NextRotationTime, CronFindsTheNextMatchingHour) {
  const Timestamp ignored = utc(2000, 1, 1);  // cron does not count from the last rotation
  const std::vector<NextTime> cases = {
      {schedule("cron(0 10 * * ? *)"), ignored, utc(2024, 12, 31, 9, 59), utc(2024, 12, 31, 10)},
      {schedule("cron(0 10 * * ? *)"), ignored, utc(2024, 12, 31, 10), utc(2025, 1, 1, 10)},
      {schedule("cron(0 10 * * ? *)"), ignored, utc(2024, 12, 31, 11), utc(2025, 1, 1, 10)},
      // The last day of the month, leap and common Februaries, and across the year.
      {schedule("cron(0 17 L * ? *)"), ignored, utc(2024, 2, 10), utc(2024, 2, 29, 17)},
      {schedule("cron(0 17 L * ? *)"), ignored, utc(2023, 2, 10), utc(2023, 2, 28, 17)},
      {schedule("cron(0 17 L * ? *)"), ignored, utc(2024, 12, 31, 18), utc(2025, 1, 31, 17)},
      {schedule("cron(0 8 1 * ? *)"), ignored, utc(2024, 12, 1, 9), utc(2025, 1, 1, 8)},
      // The first Sunday: 2025 opens on a Wednesday.
      {schedule("cron(0 0 ? * SUN#1 *)"), ignored, utc(2024, 12, 2), utc(2025, 1, 5)},
      {schedule("cron(0 9 ? * 2#1 *)"), ignored, utc(2024, 3, 5), utc(2024, 4, 1, 9)},
      // The last Sunday of March 2024 is the 31st.
      {schedule("cron(0 0 ? * SUNL *)"), ignored, utc(2024, 3, 1), utc(2024, 3, 31)},
      {schedule("cron(0 0 ? * 1L *)"), ignored, utc(2024, 3, 1), utc(2024, 3, 31)},
      // Weekdays: Friday 1 March 2024, then Monday the 4th.
      {schedule("cron(0 8 ? * MON-FRI *)"), ignored, utc(2024, 3, 1, 9), utc(2024, 3, 4, 8)},
      {schedule("cron(0 18 ? * SAT *)"), ignored, utc(2024, 2, 26), utc(2024, 3, 2, 18)},
      {schedule("cron(0 0 ? * L *)"), ignored, utc(2024, 2, 26), utc(2024, 3, 2)},
      // FRI-MON wraps: Tuesday the 5th, Friday the 8th; Monday the 11th after noon, Friday.
      {schedule("cron(0 12 ? * FRI-MON *)"), ignored, utc(2024, 3, 5), utc(2024, 3, 8, 12)},
      {schedule("cron(0 12 ? * FRI-MON *)"), ignored, utc(2024, 3, 11, 13), utc(2024, 3, 15, 12)},
      // Hours in increments restart every day: 04:00 and 16:00; 02:00, 12:00 and 22:00.
      {schedule("cron(0 4/12 * * ? *)"), ignored, utc(2024, 1, 31, 5), utc(2024, 1, 31, 16)},
      {schedule("cron(0 4/12 * * ? *)"), ignored, utc(2024, 1, 31, 16), utc(2024, 2, 1, 4)},
      {schedule("cron(0 2/10 * * ? *)"), ignored, utc(2024, 12, 31, 22), utc(2025, 1, 1, 2)},
      {schedule("cron(0 2/10 * * ? *)"), ignored, utc(2024, 12, 31, 3), utc(2024, 12, 31, 12)},
      // Every three months (JAN, APR, JUL, OCT) on Sunday: 1 April 2024 is a Monday.
      {schedule("cron(0 1 * 1/3 SUN *)"), ignored, utc(2024, 2, 1), utc(2024, 4, 7, 1)},
      {schedule("cron(0 16 1,15 * ? *)"), ignored, utc(2024, 12, 15, 16), utc(2025, 1, 1, 16)},
      {schedule("cron(0 8 1/7 * ? *)"), ignored, utc(2024, 1, 29, 9), utc(2024, 2, 1, 8)},
      {schedule("cron(0 10 ? FEB,MAY,AUG,NOV TUE#2 *)"), ignored, utc(2024, 2, 14),
       utc(2024, 5, 14, 10)},
      // W: the nearest weekday, never leaving the month. 15 June 2024 is a Saturday, 15
      // September a Sunday, 1 June a Saturday (so Monday the 3rd, not Friday 31 May).
      {schedule("cron(0 0 15W * ? *)"), ignored, utc(2024, 6, 1), utc(2024, 6, 14)},
      {schedule("cron(0 0 15W * ? *)"), ignored, utc(2024, 9, 1), utc(2024, 9, 16)},
      {schedule("cron(0 0 1W * ? *)"), ignored, utc(2024, 5, 30), utc(2024, 6, 3)},
      // LW: 31 August 2024 is a Saturday; 30 November 2024 a Saturday.
      {schedule("cron(0 0 LW * ? *)"), ignored, utc(2024, 8, 1), utc(2024, 8, 30)},
      {schedule("cron(0 0 LW * ? *)"), ignored, utc(2024, 11, 1), utc(2024, 11, 29)},
      // Once a year: strictly after New Year's midnight is the next New Year.
      {schedule("cron(0 0 1 1 ? *)"), ignored, utc(2024, 1, 1), utc(2025, 1, 1)},
      {schedule("cron(0 23 31 DEC ? *)"), ignored, utc(2024, 12, 31, 23), utc(2025, 12, 31, 23)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(iso(next_rotation_time(c.rules, c.last_rotation, c.after)), iso(c.expected))
        << describe(c.rules) << " after " << iso(c.after);
  }
}

TEST(NextRotationTime, IsAlwaysAfterAndOnTheHour) {
  // Walk each schedule forward a few dozen windows: strictly increasing, on the hour.
  for (const auto& rules : {schedule("cron(0 2/10 * * ? *)"), schedule("cron(0 17 L * ? *)"),
                            schedule("rate(7 hours)"), after_days(3)}) {
    Timestamp t = utc(2023, 12, 30, 7, 13);
    Timestamp last = t;
    for (int i = 0; i < 40; ++i) {
      Timestamp next = next_rotation_time(rules, last, t);
      ASSERT_GT(next, t) << describe(rules);
      EXPECT_EQ(next, std::chrono::floor<std::chrono::hours>(next)) << describe(rules);
      last = next;
      t = next;
    }
  }
}

TEST(NextRotationTime, RefusesInvalidRules) {
  EXPECT_THAT(
      [] {
        next_rotation_time(schedule("cron(0 0 30 FEB ? *)"), utc(2024, 1, 1), utc(2024, 1, 1));
      },
      ThrowsError(ErrorCode::kInvalidParameter, HasSubstr("never matches")));
  EXPECT_THAT([] { next_rotation_time(after_days(0), utc(2024, 1, 1), utc(2024, 1, 1)); },
              ThrowsError(ErrorCode::kInvalidParameter));
}

}  // namespace
}  // namespace coffer::core
