// The flat encoding of a run's results (what a run group sends to the evaluator): every field
// comes back bit for bit (NaN and infinity included), and a cut or padded encoding is refused.
#include <cmath>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

#include "terrafate/run/run_result.hpp"

using namespace terrafate;

namespace {
RunResult sample() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  RunResult result;
  result.complete = true;
  result.output_times = {0.0, 365.25, 730.5};
  result.series_times = {0.0, 182.625, 365.25, 730.5};
  result.receptors = {{"well, north",
                       nan,
                       2.5e-5,
                       365.25,
                       0.75,
                       1.5,
                       {1e-6, 2.5e-5, 3e-7},
                       {0.1, 0.75, inf},
                       {1e-6, 0.0, 2e-5, 5e-6, 3e-7, 0.0},
                       {0.05, 0.05, 0.5, 0.25, inf, 0.0},
                       {nan, 2.0, 0.5, nan, 1.25, 0.0},
                       {2.5e-5, 2e-5, 1e-6, 3e-7},
                       {0.75, 0.5, 0.25, 0.1},
                       {nan, 2.0, 1.25, 0.5}},
                      {"", 730.5, 0.0, 0.0, 0.0, 0.0, {}, {}, {}, {}, {}}};
  result.carbon = CarbonResult{{{"construction", 12.5}, {"operation", 0.125}},
                               {{"construction", 1e5}},
                               12.625,
                               100000.0,
                               {{"ghg", 12.625}, {"energy_fossil", 3.5e4}},
                               nan,
                               "CNY",
                               "partial (no price: capital:wall, om_per_year:wall)"};
  result.observations = {{"MW1", "receptor"},
                         {"head", "PCE"},
                         {365.25, 730.5},
                         {20.5, 20.25, 0.125, nan, 20.5, 20.0, 1e-300, 0.0}};
  result.warnings = {"species B is above its standard (0.01 mg/L) on the model boundary", ""};
  return result;
}
} // namespace

TEST(RunResult, RoundTripKeepsEveryField) {
  const RunResult in = sample();
  const auto bytes = encode(in);
  const RunResult out = decode_run_result(bytes);
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.output_times, in.output_times);
  ASSERT_EQ(out.receptors.size(), 2u);
  const auto& r = out.receptors[0];
  EXPECT_EQ(r.name, "well, north");
  EXPECT_TRUE(std::isnan(r.time_to_target));
  EXPECT_EQ(r.max_cancer_risk, 2.5e-5);
  EXPECT_EQ(r.time_of_max, 365.25);
  EXPECT_EQ(r.max_hazard_index, 0.75);
  EXPECT_EQ(r.years_exceeding, 1.5);
  EXPECT_EQ(r.site_cancer_risk, in.receptors[0].site_cancer_risk);
  EXPECT_EQ(r.site_hazard_index[2], std::numeric_limits<double>::infinity());
  EXPECT_EQ(r.contaminant_cancer_risk, in.receptors[0].contaminant_cancer_risk);
  EXPECT_EQ(r.contaminant_hazard_quotient[4], std::numeric_limits<double>::infinity());
  ASSERT_EQ(r.standard_ratio.size(), 6u);
  EXPECT_TRUE(std::isnan(r.standard_ratio[0]) && std::isnan(r.standard_ratio[3]));
  EXPECT_EQ(r.standard_ratio[4], 1.25);
  EXPECT_EQ(out.series_times, in.series_times);
  EXPECT_EQ(r.series_cancer_risk, in.receptors[0].series_cancer_risk);
  EXPECT_EQ(r.series_hazard_index, in.receptors[0].series_hazard_index);
  ASSERT_EQ(r.series_standard_ratio.size(), 4u);
  EXPECT_TRUE(std::isnan(r.series_standard_ratio[0]));
  EXPECT_EQ(r.series_standard_ratio[3], 0.5);
  EXPECT_EQ(out.receptors[1].name, "");
  EXPECT_EQ(out.receptors[1].time_to_target, 730.5);
  ASSERT_TRUE(out.carbon.has_value());
  EXPECT_EQ(out.carbon->phase_tco2e, in.carbon->phase_tco2e);
  EXPECT_EQ(out.carbon->phase_cost, in.carbon->phase_cost);
  EXPECT_EQ(out.carbon->tco2e, 12.625);
  EXPECT_EQ(out.carbon->cost, 100000.0);
  EXPECT_EQ(out.carbon->indicators, in.carbon->indicators);
  EXPECT_TRUE(std::isnan(out.carbon->present_value));
  EXPECT_EQ(out.carbon->currency, "CNY");
  EXPECT_EQ(out.carbon->cost_status, in.carbon->cost_status);
  EXPECT_EQ(out.observations.locations, in.observations.locations);
  EXPECT_EQ(out.observations.variables, in.observations.variables);
  EXPECT_EQ(out.observations.times, in.observations.times);
  // time 730.5, PCE, receptor: the last value; time 365.25, PCE, receptor: NaN.
  EXPECT_EQ(out.observations.value(1, 1, 1), 0.0);
  EXPECT_EQ(out.observations.value(1, 1, 0), 1e-300);
  EXPECT_TRUE(std::isnan(out.observations.value(0, 1, 1)));
  EXPECT_EQ(out.observations.value(1, 0, 0), 20.5);
  EXPECT_EQ(out.warnings, in.warnings);
  // The same result encodes to the same bytes.
  EXPECT_EQ(encode(out), bytes);
}

TEST(RunResult, EmptyResultIsSmall) {
  // complete and the counts of output times, series times, receptors, carbon (none), the
  // observations' locations, variables, times and values, and warnings: 10 words of 8 bytes.
  EXPECT_EQ(encode(RunResult{}).size(), 10u * 8u);
  const RunResult out = decode_run_result(encode(RunResult{}));
  EXPECT_FALSE(out.complete);
  EXPECT_FALSE(out.carbon.has_value());
}

TEST(RunResult, RefusesCutOrPaddedBytes) {
  auto bytes = encode(sample());
  const std::vector<std::uint8_t> cut(bytes.begin(), bytes.end() - 1);
  EXPECT_THROW(decode_run_result(cut), std::runtime_error);
  bytes.push_back(0);
  EXPECT_THROW(decode_run_result(bytes), std::runtime_error);
}
