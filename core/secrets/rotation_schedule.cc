#include "core/secrets/rotation_schedule.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace coffer::core {
namespace {

using std::chrono::hours;
using std::chrono::sys_days;

constexpr int kMinDays = 1;
constexpr int kMaxAutomaticallyAfterDays = 1000;  // RotationRulesType's documented range
constexpr int kMaxRateDays = 999;                 // "The maximum rotation period is 999 days."
constexpr int kMinRateHours = 4;                  // "as often as every four hours"
constexpr int kMaxRateHours = 23;                 // a day or longer is written in days
constexpr int kMinGapHours = 4;
constexpr int kMaxGapDays = 366;  // "does not support rotation schedules more than a year apart"
constexpr std::size_t kMaxExpressionLength = 256;  // ScheduleExpressionType
// Weekdays and month lengths repeat exactly every 400 Gregorian years (a whole number of
// weeks), so one cycle shows every gap a cron schedule can ever have.
constexpr int kGregorianCycleDays = 146097;

[[noreturn]] void refuse(std::string message) {
  throw Error(ErrorCode::kInvalidParameter, std::move(message));
}

[[noreturn]] void refuse_expression(std::string_view expression, std::string_view why) {
  refuse("Invalid ScheduleExpression " + std::string(expression) + ": " + std::string(why) + ".");
}

std::optional<int> parse_small_number(std::string_view text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::toupper(static_cast<unsigned char>(x)) ==
           std::toupper(static_cast<unsigned char>(y));
  });
}

// ---------------------------------------------------------------------------------------------
// The calendar, walked one day at a time (the cron scan does this 146,097 times to validate).

struct CalendarDay {
  int year;
  unsigned month;    // 1..12
  unsigned day;      // 1..31
  unsigned weekday;  // 1 = SUN .. 7 = SAT, as cron counts
  unsigned days_in_month;
};

unsigned days_in_month(int year, unsigned month) {
  return static_cast<unsigned>(
      std::chrono::year_month_day_last(std::chrono::year(year),
                                       std::chrono::month_day_last(std::chrono::month(month)))
          .day());
}

CalendarDay calendar_day(sys_days date) {
  std::chrono::year_month_day ymd(date);
  int year = static_cast<int>(ymd.year());
  unsigned month = static_cast<unsigned>(ymd.month());
  return {year, month, static_cast<unsigned>(ymd.day()),
          std::chrono::weekday(date).c_encoding() + 1, days_in_month(year, month)};
}

void advance(CalendarDay& d) {
  d.weekday = d.weekday % 7 + 1;
  if (++d.day <= d.days_in_month) return;
  d.day = 1;
  if (++d.month > 12) {
    d.month = 1;
    ++d.year;
  }
  d.days_in_month = days_in_month(d.year, d.month);
}

// The weekday (1..7) of another day `day_of_month` of the same month.
unsigned weekday_of(const CalendarDay& d, unsigned day_of_month) {
  int shift = (static_cast<int>(day_of_month) - static_cast<int>(d.day)) % 7;
  return static_cast<unsigned>((static_cast<int>(d.weekday) - 1 + shift + 7) % 7) + 1;
}

// "15W": the weekday nearest the 15th, never leaving the month (Quartz's rule).
std::optional<unsigned> nearest_weekday(const CalendarDay& d, unsigned target) {
  if (target > d.days_in_month) return std::nullopt;
  unsigned weekday = weekday_of(d, target);
  if (weekday == 7) return target == 1 ? 3u : target - 1;                        // Saturday
  if (weekday == 1) return target == d.days_in_month ? target - 2 : target + 1;  // Sunday
  return target;
}

// ---------------------------------------------------------------------------------------------
// cron(Minutes Hours Day-of-month Month Day-of-week Year)

struct CronSchedule {
  std::bitset<24> hours;
  std::bitset<13> months;  // 1..12
  // Day-of-month: unset means "?" (or "*"), any day.
  bool any_day_of_month = true;
  std::bitset<32> days_of_month;       // 1..31
  std::bitset<32> nearest_weekday_to;  // nW
  bool last_day_of_month = false;      // L
  bool last_weekday_of_month = false;  // LW
  // Day-of-week.
  bool any_day_of_week = true;
  std::bitset<8> days_of_week;   // 1..7
  std::bitset<8> last_in_month;  // 6L, FRIL: the last Friday of the month
  std::vector<std::pair<unsigned, unsigned>> nth_in_month;  // FRI#2: {6, 2}

  bool matches_day_of_month(const CalendarDay& d) const {
    if (any_day_of_month) return true;
    if (days_of_month[d.day]) return true;
    if (last_day_of_month && d.day == d.days_in_month) return true;
    if (last_weekday_of_month && nearest_weekday(d, d.days_in_month) == d.day) return true;
    for (unsigned target = 1; nearest_weekday_to.any() && target <= 31; ++target)
      if (nearest_weekday_to[target] && nearest_weekday(d, target) == d.day) return true;
    return false;
  }

  bool matches_day_of_week(const CalendarDay& d) const {
    if (any_day_of_week) return true;
    if (days_of_week[d.weekday]) return true;
    if (last_in_month[d.weekday] && d.day + 7 > d.days_in_month) return true;
    for (auto [weekday, nth] : nth_in_month)
      if (weekday == d.weekday && (d.day - 1) / 7 + 1 == nth) return true;
    return false;
  }

  bool matches(const CalendarDay& d) const {
    return months[d.month] && matches_day_of_month(d) && matches_day_of_week(d);
  }
};

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

struct FieldRule {
  std::string_view name;
  unsigned min;
  unsigned max;
  std::span<const std::string_view> names;  // names[0] is `min`
};

constexpr FieldRule kHoursField{"Hours", 0, 23, {}};
constexpr FieldRule kDayOfMonthField{"Day-of-month", 1, 31, {}};
constexpr FieldRule kMonthField{"Month", 1, 12, kMonthNames};
constexpr FieldRule kDayOfWeekField{"Day-of-week", 1, 7, kDayNames};

class CronParser {
 public:
  explicit CronParser(std::string_view expression) : expression_(expression) {}

  CronSchedule parse(std::string_view inner) {
    std::vector<std::string_view> fields;
    for (auto part : split(inner, ' '))
      if (!part.empty()) fields.push_back(part);
    if (fields.size() != 6) {
      fail(
          "a cron() expression has 6 fields (Minutes Hours Day-of-month Month Day-of-week "
          "Year), this one has " +
          std::to_string(fields.size()));
    }
    // Windows open on the hour, and a schedule never needs a year: AWS fixes both fields.
    if (fields[0] != "0") fail("the Minutes field must be 0");
    if (fields[5] != "*") fail("the Year field must be *");

    CronSchedule schedule;
    for (unsigned h : values_of(kHoursField, fields[1])) schedule.hours.set(h);
    for (unsigned m : values_of(kMonthField, fields[3])) schedule.months.set(m);
    parse_day_fields(fields[2], fields[4], schedule);
    return schedule;
  }

 private:
  [[noreturn]] void fail(std::string_view why) const { refuse_expression(expression_, why); }

  [[noreturn]] void fail_field(const FieldRule& field, std::string_view item) const {
    fail("'" + std::string(item) + "' is not a valid " + std::string(field.name) + " value");
  }

  // A number or, in Month and Day-of-week, a name (JAN, SUN; in any case).
  unsigned value_of(const FieldRule& field, std::string_view token) const {
    for (std::size_t i = 0; i < field.names.size(); ++i)
      if (equals_ignoring_case(token, field.names[i])) return field.min + static_cast<unsigned>(i);
    auto number = parse_small_number(token);
    if (!number) fail_field(field, token);
    if (*number < static_cast<int>(field.min) || *number > static_cast<int>(field.max)) {
      fail("'" + std::string(token) + "' is outside " + std::string(field.name) + " (" +
           std::to_string(field.min) + "-" + std::to_string(field.max) + ")");
    }
    return static_cast<unsigned>(*number);
  }

  // One list item of the plain grammar: *, */n, /n, a, a-b, a/n, a-b/n (ranges may wrap, as
  // in FRI-MON or 22-2).
  std::vector<unsigned> values_of_item(const FieldRule& field, std::string_view item) const {
    const auto slash = item.find('/');
    const bool stepped = slash != std::string_view::npos;
    std::string_view range = item.substr(0, slash);
    unsigned step = 1;
    if (stepped) {
      auto n = parse_small_number(item.substr(slash + 1));
      if (!n || *n < 1 || *n > static_cast<int>(field.max - field.min + 1))
        fail("'" + std::string(item) + "' has an invalid increment");
      step = static_cast<unsigned>(*n);
    }
    unsigned first = field.min;
    unsigned last = field.max;
    if (range == "*" || (range.empty() && stepped)) {
      // every value; "/n" is Quartz's shorthand for "*/n"
    } else if (auto dash = range.find('-'); dash != std::string_view::npos) {
      first = value_of(field, range.substr(0, dash));
      last = value_of(field, range.substr(dash + 1));
    } else if (!range.empty()) {
      first = value_of(field, range);
      last = stepped ? field.max : first;  // "a/n" runs to the end of the field
    } else {
      fail_field(field, item);
    }
    std::vector<unsigned> in_order;
    for (unsigned v = first;; v = v == field.max ? field.min : v + 1) {
      in_order.push_back(v);
      if (v == last) break;
    }
    std::vector<unsigned> values;
    for (std::size_t i = 0; i < in_order.size(); i += step) values.push_back(in_order[i]);
    return values;
  }

  // A comma-separated list of plain items; the wildcards ? L W # fail as values here.
  std::vector<unsigned> values_of(const FieldRule& field, std::string_view text) const {
    std::vector<unsigned> values;
    for (auto item : split(text, ',')) {
      auto more = values_of_item(field, item);
      values.insert(values.end(), more.begin(), more.end());
    }
    return values;
  }

  static bool is_any(std::string_view text) { return text == "?" || text == "*"; }

  void parse_day_fields(std::string_view day_of_month, std::string_view day_of_week,
                        CronSchedule& schedule) const {
    // "If you specify a value in one of the fields, you must use a ? in the other." AWS's own
    // example cron(0 1 * 1/3 SUN *) pairs a day with *, so * counts as "no value" too; a value
    // in both, ? in both, or * in both is refused (EventBridge's rule for the last).
    if (day_of_month == "?" && day_of_week == "?")
      fail("only one of Day-of-month and Day-of-week may be ?");
    if (day_of_month == "*" && day_of_week == "*")
      fail("use ? in Day-of-month or Day-of-week, not * in both");
    if (!is_any(day_of_month) && !is_any(day_of_week))
      fail("Day-of-month and Day-of-week cannot both have values; use ? in one of them");

    if (!is_any(day_of_month)) {
      schedule.any_day_of_month = false;
      for (auto item : split(day_of_month, ',')) parse_day_of_month_item(item, schedule);
    }
    if (!is_any(day_of_week)) {
      schedule.any_day_of_week = false;
      for (auto item : split(day_of_week, ',')) parse_day_of_week_item(item, schedule);
    }
  }

  void parse_day_of_month_item(std::string_view item, CronSchedule& schedule) const {
    if (item == "L") {
      schedule.last_day_of_month = true;
    } else if (item == "LW") {
      schedule.last_weekday_of_month = true;
    } else if (item.size() > 1 && item.back() == 'W') {
      schedule.nearest_weekday_to.set(value_of(kDayOfMonthField, item.substr(0, item.size() - 1)));
    } else {
      for (unsigned d : values_of_item(kDayOfMonthField, item)) schedule.days_of_month.set(d);
    }
  }

  void parse_day_of_week_item(std::string_view item, CronSchedule& schedule) const {
    if (item == "L") {
      schedule.days_of_week.set(7);  // "the last day of the week": Saturday
    } else if (auto hash = item.find('#'); hash != std::string_view::npos) {
      unsigned weekday = value_of(kDayOfWeekField, item.substr(0, hash));
      auto nth = parse_small_number(item.substr(hash + 1));
      if (!nth || *nth < 1 || *nth > 5)
        fail("'" + std::string(item) + "' must name the 1st to 5th weekday of the month");
      schedule.nth_in_month.emplace_back(weekday, static_cast<unsigned>(*nth));
    } else if (item.size() > 1 && item.back() == 'L') {
      schedule.last_in_month.set(value_of(kDayOfWeekField, item.substr(0, item.size() - 1)));
    } else {
      for (unsigned d : values_of_item(kDayOfWeekField, item)) schedule.days_of_week.set(d);
    }
  }

  std::string_view expression_;
};

// What one Gregorian cycle of a cron schedule looks like, for the frequency rules.
struct CronShape {
  int min_gap_hours = 0;  // the shortest time between two rotations
  int max_gap_days = 0;   // the longest time between two rotation days
  unsigned latest_hour = 0;
};

CronShape shape_of(const CronSchedule& schedule, std::string_view expression) {
  std::vector<int> day_hours;
  for (unsigned h = 0; h < 24; ++h)
    if (schedule.hours[h]) day_hours.push_back(static_cast<int>(h));
  CronShape shape;
  shape.latest_hour = static_cast<unsigned>(day_hours.back());
  shape.min_gap_hours = 24;
  for (std::size_t i = 1; i < day_hours.size(); ++i)
    shape.min_gap_hours = std::min(shape.min_gap_hours, day_hours[i] - day_hours[i - 1]);

  const int cross_midnight_gap = 24 - day_hours.back() + day_hours.front();
  CalendarDay day = calendar_day(sys_days(std::chrono::year(2000) / 1 / 1));
  std::optional<int> first_match;
  std::optional<int> previous_match;
  for (int i = 0; i < kGregorianCycleDays; ++i, advance(day)) {
    if (!schedule.matches(day)) continue;
    if (!first_match) first_match = i;
    if (previous_match) {
      int gap_days = i - *previous_match;
      shape.max_gap_days = std::max(shape.max_gap_days, gap_days);
      shape.min_gap_hours = std::min(shape.min_gap_hours, (gap_days - 1) * 24 + cross_midnight_gap);
    }
    previous_match = i;
  }
  if (!first_match) refuse_expression(expression, "the schedule never matches a day");
  // The cycle repeats: the last rotation of one cycle precedes the first of the next.
  int wrap_days = *first_match + kGregorianCycleDays - *previous_match;
  shape.max_gap_days = std::max(shape.max_gap_days, wrap_days);
  shape.min_gap_hours = std::min(shape.min_gap_hours, (wrap_days - 1) * 24 + cross_midnight_gap);
  return shape;
}

// ---------------------------------------------------------------------------------------------
// The rules as one of three schedules.

struct IntervalSchedule {
  hours length;
  bool in_days;
};

struct ParsedRules {
  std::optional<IntervalSchedule> interval;  // AutomaticallyAfterDays or rate()
  std::optional<CronSchedule> cron;
};

IntervalSchedule parse_rate(std::string_view expression, std::string_view inner) {
  auto parts = split(inner, ' ');
  if (parts.size() != 2)
    refuse_expression(expression,
                      "a rate() expression is rate(Value Unit), for example rate(10 days)");
  auto value = parse_small_number(parts[0]);
  if (!value || parts[0].front() == '-')
    refuse_expression(expression, "the rate value must be a positive whole number");
  const auto unit = parts[1];
  if (unit == "hour" || unit == "hours") {
    if (*value < kMinRateHours || *value > kMaxRateHours) {
      refuse_expression(expression,
                        "a rate in hours must be from " + std::to_string(kMinRateHours) + " to " +
                            std::to_string(kMaxRateHours) +
                            " hours; you can rotate a secret as often as every four hours");
    }
    return {hours(*value), false};
  }
  if (unit == "day" || unit == "days") {
    if (*value < kMinDays || *value > kMaxRateDays) {
      refuse_expression(
          expression, "a rate in days must be from 1 to " + std::to_string(kMaxRateDays) + " days");
    }
    return {hours(24 * *value), true};
  }
  refuse_expression(expression, "the rate unit must be hour, hours, day or days");
}

ParsedRules parse_rules(const RotationRules& rules) {
  const bool has_days = rules.automatically_after_days.has_value();
  const bool has_expression = !rules.schedule_expression.empty();
  if (has_days && has_expression)
    refuse("You cannot specify both rotation frequency and schedule expression together.");
  if (!has_days && !has_expression)
    refuse(
        "You must specify either a rotation frequency (AutomaticallyAfterDays) or a schedule "
        "expression (ScheduleExpression).");

  ParsedRules parsed;
  if (has_days) {
    int days = *rules.automatically_after_days;
    if (days < kMinDays || days > kMaxAutomaticallyAfterDays)
      refuse("RotationRules.AutomaticallyAfterDays must be within 1-1000.");
    parsed.interval = IntervalSchedule{hours(24 * days), true};
    return parsed;
  }

  const std::string& expression = rules.schedule_expression;
  if (expression.size() > kMaxExpressionLength)
    refuse("RotationRules.ScheduleExpression must be at most 256 characters long.");
  // ScheduleExpressionType's pattern: [0-9A-Za-z\(\)#\?\*\-\/, ]+
  for (char c : expression) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("()#?*-/, ").find(c) == std::string_view::npos) {
      refuse_expression(expression,
                        "it may contain only letters, digits, spaces and ( ) # ? * - / ,");
    }
  }
  std::string_view text = expression;
  if (text.ends_with(')') && text.starts_with("rate(")) {
    parsed.interval = parse_rate(expression, text.substr(5, text.size() - 6));
  } else if (text.ends_with(')') && text.starts_with("cron(")) {
    parsed.cron = CronParser(expression).parse(text.substr(5, text.size() - 6));
  } else {
    refuse_expression(expression, "it must be a rate() or a cron() expression");
  }
  return parsed;
}

// Duration: "Nh", DurationType (2-3 characters, [0-9]+h), at least an hour.
std::optional<int> parse_duration(const std::string& duration) {
  if (duration.empty()) return std::nullopt;
  std::string_view text = duration;
  auto number =
      text.ends_with('h') ? parse_small_number(text.substr(0, text.size() - 1)) : std::nullopt;
  if (duration.size() < 2 || duration.size() > 3 || !number || *number < 1 || *number > 24) {
    refuse("Invalid Duration " + duration +
           ": the rotation window is a number of hours from 1h to 24h, for example 3h.");
  }
  return *number;
}

[[noreturn]] void refuse_window(const std::string& duration, std::string_view why) {
  refuse("Invalid Duration " + duration + ": the rotation window " + std::string(why) + ".");
}

// The frequency and window rules that need the whole schedule.
void check_schedule(const RotationRules& rules, const ParsedRules& parsed) {
  const auto window = parse_duration(rules.duration);
  if (parsed.interval) {
    const auto& interval = *parsed.interval;
    // Windows of a schedule in days open at midnight: 24h is the whole UTC day.
    if (window && !interval.in_days && hours(*window) > interval.length)
      refuse_window(rules.duration, "must not extend into the next rotation window");
    return;
  }
  CronShape shape = shape_of(*parsed.cron, rules.schedule_expression);
  if (shape.min_gap_hours < kMinGapHours) {
    refuse_expression(rules.schedule_expression,
                      "you can rotate a secret as often as every four hours, and this schedule "
                      "rotates " +
                          std::to_string(shape.min_gap_hours) + " hour(s) apart");
  }
  if (shape.max_gap_days > kMaxGapDays) {
    refuse_expression(rules.schedule_expression,
                      "Secrets Manager does not support rotation schedules that are more than a "
                      "year apart");
  }
  if (!window) return;
  if (*window > shape.min_gap_hours)
    refuse_window(rules.duration, "must not extend into the next rotation window");
  if (shape.latest_hour + static_cast<unsigned>(*window) > 24)
    refuse_window(rules.duration, "must not extend into the next UTC day");
}

Timestamp next_interval_time(const IntervalSchedule& interval, Timestamp last, Timestamp after) {
  // Windows sit on a grid from midnight UTC of the last rotation's day: whole days for a
  // schedule in days, steps of N hours for rate(N hours). The next window is one step after the
  // one the last rotation fell in.
  const Timestamp midnight = std::chrono::floor<std::chrono::days>(last);
  const std::chrono::milliseconds step = interval.length;
  Timestamp next = midnight + ((last - midnight) / step) * step + step;
  if (next <= after) next += ((after - next) / step + 1) * step;
  return next;
}

Timestamp next_cron_time(const CronSchedule& schedule, Timestamp after) {
  const sys_days first_day = std::chrono::floor<std::chrono::days>(after);
  CalendarDay day = calendar_day(first_day);
  // Validation proved a match at most a year (plus a day) apart.
  for (int i = 0; i <= kMaxGapDays + 1; ++i, advance(day)) {
    if (!schedule.matches(day)) continue;
    for (unsigned h = 0; h < 24; ++h) {
      Timestamp start = first_day + std::chrono::days(i) + hours(h);
      if (schedule.hours[h] && start > after) return start;
    }
  }
  throw Error(ErrorCode::kInternal, "cron schedule has no rotation within a year");
}

}  // namespace

void validate_rotation_rules(const RotationRules& rules) {
  check_schedule(rules, parse_rules(rules));
}

Timestamp next_rotation_time(const RotationRules& rules, Timestamp last_rotation_or_creation,
                             Timestamp after) {
  ParsedRules parsed = parse_rules(rules);
  check_schedule(rules, parsed);
  if (parsed.interval)
    return next_interval_time(*parsed.interval, last_rotation_or_creation, after);
  return next_cron_time(*parsed.cron, after);
}

}  // namespace coffer::core
