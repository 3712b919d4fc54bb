// Issue 24, calendar: deck time points as dates after time.start_date, the one year (`yr` and
// `a`), and the dates of output rows, against hand counts of the calendar.
#include <gtest/gtest.h>

#include "terrafate/core/calendar.hpp"
#include "terrafate/core/config.hpp"
#include "terrafate/core/units.hpp"

namespace terrafate {
namespace {

ConfigNode parse(const std::string& text) {
  return ConfigNode::load_string(text, "deck.yaml");
}

/// A deck whose run day 0 is 2024-01-01.
ConfigNode dated(const std::string& text) {
  auto root = parse(text);
  root.set_start_day(days_from_civil(2024, 1, 1), SourceLocation{"deck.yaml", 1, 1});
  return root;
}

std::string message_of(const auto& call) {
  try {
    call();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Calendar, CivilDaysRoundTrip) {
  // 2024-01-01 is 19723 d after 1970-01-01: 54 years of 365 d plus the 13 leap days 1972-2020.
  EXPECT_EQ(days_from_civil(2024, 1, 1), 54 * 365 + 13);
  for (const long day : {-1L, 0L, 59L, 60L, 11016L, 19723L, 19782L, 47541L}) {
    const CivilDate date = civil_from_days(day);
    EXPECT_EQ(days_from_civil(date), day) << iso_date(date);
  }
  EXPECT_EQ(iso_date(civil_from_days(19723 + 59)), "2024-02-29"); // 31 + 28 days into 2024
  EXPECT_EQ(iso_date(civil_from_days(-1)), "1969-12-31");
}

TEST(Calendar, DateOfOutputRows) {
  const long start = days_from_civil(2024, 1, 1);
  EXPECT_EQ(iso_date_at(start, 0.0), "2024-01-01");
  EXPECT_EQ(iso_date_at(start, 0.75), "2024-01-01");           // a time within the first day
  EXPECT_EQ(iso_date_at(start, 365.9999999999), "2025-01-01"); // 366 d (2024 is leap), round-off
  EXPECT_EQ(iso_date_at(start, 912.0), "2026-07-01");
  EXPECT_EQ(iso_date_at(start, 3653.0), "2034-01-01");
}

TEST(Calendar, DateColumnOfATable) {
  const std::string table = "receptor,time_d,p50\nschool,0,1e-6\nschool,365.5,2e-6\n"
                            "school,1461,3e-6\n";
  EXPECT_EQ(add_date_column(table, "time_d", std::nullopt), table);
  // 2024-01-01 + 365 d = 2024-12-31 (2024 has 366 days); + 1461 d = 2028-01-01.
  EXPECT_EQ(add_date_column(table, "time_d", days_from_civil(2024, 1, 1)),
            "receptor,time_d,p50,date\nschool,0,1e-6,2024-01-01\nschool,365.5,2e-6,2024-12-31\n"
            "school,1461,3e-6,2028-01-01\n");
  EXPECT_THROW(add_date_column(table, "time", 0L), std::logic_error);
  EXPECT_EQ(add_date_column("time,x\nnan,1\n", "time", 0L), "time,x,date\nnan,1,\n");
}

TEST(Calendar, DatesAreDaysAfterTheStartDate) {
  const auto root = dated("end: 2034-01-01\nstart: 2026-07-01\nlist: [0, 2024-03-01, 1 yr]\n");
  // 2024-2033: 10 x 365 d + the leap days of 2024, 2028 and 2032.
  EXPECT_DOUBLE_EQ(root.time_point("end"), 3653.0);
  // 366 (2024) + 365 (2025) + 31 + 28 + 31 + 30 + 31 + 30 (January-June 2026).
  EXPECT_DOUBLE_EQ(root.time_point("start"), 912.0);
  const auto list = root.at("list").as_time_point_list(1);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_DOUBLE_EQ(list[1], 31.0 + 29.0);
  EXPECT_DOUBLE_EQ(list[2], 365.25);
  EXPECT_DOUBLE_EQ(root.time_point_or("absent", 7.0), 7.0);
}

TEST(Calendar, DateErrorsNameTheKeyAndLine) {
  const auto undated = parse("remediation:\n  start: 2026-07-01\n");
  const std::string no_start = message_of([&] { undated.at("remediation").time_point("start"); });
  EXPECT_NE(no_start.find("remediation.start"), std::string::npos) << no_start;
  EXPECT_NE(no_start.find("deck.yaml:2"), std::string::npos) << no_start;
  EXPECT_NE(no_start.find("time.start_date"), std::string::npos) << no_start;

  const auto early = dated("a:\n  start: 2023-12-31\n");
  const std::string before = message_of([&] { early.at("a").time_point("start"); });
  EXPECT_NE(before.find("a.start"), std::string::npos) << before;
  EXPECT_NE(before.find("1 d before time.start_date 2024-01-01"), std::string::npos) << before;

  const auto bad = dated("t: 2025-02-29\n");
  EXPECT_THROW(bad.time_point("t"), InputError); // 2025 is not a leap year
  const auto step = dated("max_step: 2024-02-01\n");
  const std::string duration = message_of([&] { step.quantity("max_step", "d"); });
  EXPECT_NE(duration.find("max_step"), std::string::npos) << duration;
  EXPECT_NE(duration.find("duration"), std::string::npos) << duration;
}

TEST(Calendar, OneYearForYrAndA) {
  // The Julian year of IUPAC's annum: 365.25 d, so four years are 4 x 365 + 1 leap day.
  EXPECT_EQ(kDaysPerYear, 365.25);
  EXPECT_DOUBLE_EQ(parse_quantity("4 yr", "d"), 1461.0);
  EXPECT_DOUBLE_EQ(parse_quantity("2 years", "d"), 730.5);
  EXPECT_DOUBLE_EQ(parse_quantity("6 months", "d"), 182.625);
  EXPECT_DOUBLE_EQ(parse_quantity("10 a", "d"), parse_quantity("10 yr", "d"));
  EXPECT_DOUBLE_EQ(parse_quantity("10 a", "d"), 3652.5);
  EXPECT_DOUBLE_EQ(parse_quantity("0.2 m/a", "m/d"), 0.2 / 365.25);
  EXPECT_DOUBLE_EQ(parse_quantity("730.5 d", "a"), 2.0);
  // An area keeps udunits2's are: 5 a = 500 m2, 1 ha = 100 a.
  EXPECT_DOUBLE_EQ(parse_quantity("5 a", "m2"), 500.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1 ha", "a"), 100.0);
  EXPECT_THROW(parse_quantity("5 a", "kg"), std::invalid_argument);
  // The other years of udunits2 keep their own lengths.
  EXPECT_DOUBLE_EQ(parse_quantity("1 common_year", "d"), 365.0);
}

} // namespace
} // namespace terrafate
