// Monitoring data, trend statistics and attenuation rates against published worked examples and
// hand calculations (numbers and sources at each test).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include <gtest/gtest.h>

#include "terrafate/core/config.hpp"
#include "terrafate/monitoring/attenuation.hpp"
#include "terrafate/monitoring/evidence.hpp"
#include "terrafate/monitoring/monitoring_data.hpp"
#include "terrafate/monitoring/trends.hpp"

namespace mon = terrafate::monitoring;

namespace {
std::vector<mon::SeriesPoint> series(const std::vector<double>& t, const std::vector<double>& x) {
  std::vector<mon::SeriesPoint> points;
  for (std::size_t i = 0; i < t.size(); ++i)
    points.push_back({t[i], x[i], false});
  return points;
}

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("terrafate_monitoring_" + name);
  std::ofstream(path) << text;
  return path;
}

std::string input_error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const terrafate::InputError& e) {
    return e.what();
  }
  return "no InputError";
}
} // namespace

// USEPA (2009) Unified Guidance, EPA 530/R-09-007, Example 17-7 (sodium, 10 annual samples),
// as reproduced by EnvStats::kendallTrendTest: tau = 0.5555556 (S = tau n(n-1)/2 = 25),
// z = 2.146625 (continuity corrected, Var S = n(n-1)(2n+5)/18 = 125), two-sided
// p = 0.03182313, Theil-Sen slope = 1.3333333 ppm/yr.
TEST(MannKendall, UnifiedGuidanceExample17_7Sodium) {
  const auto points = series({89.6, 90.1, 90.8, 91.1, 92.1, 93.1, 94.1, 95.6, 96.1, 96.3},
                             {56, 53, 51, 55, 52, 60, 62, 59, 61, 63});
  const auto mk = mon::mann_kendall(points);
  EXPECT_EQ(mk.n, 10);
  EXPECT_EQ(mk.s, 25);
  EXPECT_NEAR(mk.variance, 125.0, 1e-12);
  EXPECT_NEAR(mk.z, 2.146625, 1e-6);
  EXPECT_NEAR(2.0 * mk.p_normal, 0.03182313, 1e-8);
  EXPECT_NEAR(mon::sen_slope(points), 1.3333333, 1e-6);
}

// USEPA (2009) Unified Guidance, Example 17-6 (sulfate, 23 samples 1989-1996, with ties: 510 x3,
// 560 x2, 590 x2), data and results from EnvStats (EPA.09.Ex.17.6.sulfate.df, sampling dates
// 89.6 ... 96.8; kendallTrendTest): z = 5.107322 (continuity corrected, tie-corrected
// Var S = (23*22*51 - 3*2*11 - 2*(2*1*9))/18 = 1428, S = 194), two-sided p = 3.267574e-07,
// Theil-Sen slope = 26.6666667 ppm per date unit.
TEST(MannKendall, UnifiedGuidanceExample17_6SulfateWithTies) {
  const auto points =
      series({89.6, 89.8, 90.1, 90.3, 90.6, 90.8, 91.1, 91.3, 91.6, 91.8, 92.1, 92.6,
              93.1, 93.6, 94.1, 94.6, 95.1, 95.6, 95.8, 96.1, 96.3, 96.6, 96.8},
             {480, 450, 490, 520, 485, 510, 510, 530, 510, 560, 560, 540,
              590, 550, 600, 700, 570, 610, 650, 620, 830, 720, 590});
  const auto mk = mon::mann_kendall(points);
  EXPECT_EQ(mk.n, 23);
  EXPECT_EQ(mk.s, 194);
  EXPECT_NEAR(mk.variance, 1428.0, 1e-12);
  EXPECT_NEAR(mk.z, 5.107322, 1e-6);
  EXPECT_NEAR(2.0 * mk.p_value, 3.267574e-07, 1e-12);
  EXPECT_NEAR(mon::sen_slope(points), 26.6666667, 1e-6);
  EXPECT_EQ(mon::maros_trend(mk.s, mk.p_value, mon::coefficient_of_variation(points)),
            mon::Trend::increasing);
}

// Mann-Kendall "by hand" (Little, Holy Cross, MannKendallByHand.txt): 14 values with one tie,
// S = 54, V = 14*13*33/18 - 2*1*9/18, Z = 2.9058 (4 decimals), p = 0.0018.
TEST(MannKendall, HandExampleWithOneTie) {
  const std::vector<double> x{12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9,
                              11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7};
  std::vector<double> t;
  for (std::size_t i = 0; i < x.size(); ++i)
    t.push_back(static_cast<double>(i));
  const auto mk = mon::mann_kendall(series(t, x));
  EXPECT_EQ(mk.s, 54);
  EXPECT_NEAR(mk.variance, 14.0 * 13 * 33 / 18 - 2.0 * 1 * 9 / 18, 1e-9);
  EXPECT_NEAR(mk.z, 2.9058, 5e-5);
  EXPECT_NEAR(mk.p_value, 0.0018, 5e-5);
  EXPECT_EQ(mk.p_value, mk.p_normal); // n > 10: the normal approximation
}

// Gilbert (1987) Table A18, exact upper-tail probabilities of S without ties: n = 4: S = 4 ->
// 0.167, S = 6 -> 0.042; n = 5: S = 8 -> 0.042, S = 10 -> 0.0083. Exactly (counting the
// permutations with few inversions by hand): 4/24, 1/24, 5/120, 1/120.
TEST(MannKendall, ExactProbabilitiesMatchGilbertTableA18) {
  EXPECT_NEAR(mon::mann_kendall_exact_upper(4, 4), 4.0 / 24.0, 1e-12);
  EXPECT_NEAR(mon::mann_kendall_exact_upper(4, 6), 1.0 / 24.0, 1e-12);
  EXPECT_NEAR(mon::mann_kendall_exact_upper(5, 8), 5.0 / 120.0, 1e-12);
  EXPECT_NEAR(mon::mann_kendall_exact_upper(5, 10), 1.0 / 120.0, 1e-12);
  EXPECT_NEAR(mon::mann_kendall_exact_upper(4, 4), 0.167, 5e-4);
  EXPECT_NEAR(mon::mann_kendall_exact_upper(5, 10), 0.0083, 5e-5);
  // Gilbert Example 16.1 style: 10, 15, 14, 20 gives S = 4 and the exact p = 4/24.
  const auto mk = mon::mann_kendall(series({1, 2, 3, 4}, {10, 15, 14, 20}));
  EXPECT_EQ(mk.s, 4);
  EXPECT_NEAR(mk.p_value, 4.0 / 24.0, 1e-12);
}

// Non-detects tie with each other below every detected value: ND, 5, ND, 3 gives pairs
// (ND,5)+ (ND,ND)0 (ND,3)+ (5,ND)- (5,3)- (ND,3)+ -> S = +1; ties: one group of 2, so
// Var S = (4*3*13 - 2*1*9)/18 = 138/18.
TEST(MannKendall, NonDetectsAreTiedBelowTheSmallestDetect) {
  std::vector<mon::SeriesPoint> points{
      {0, 1.0, true}, {1, 5.0, false}, {2, 1.0, true}, {3, 3.0, false}};
  const auto mk = mon::mann_kendall(points);
  EXPECT_EQ(mk.s, 1);
  EXPECT_NEAR(mk.variance, 138.0 / 18.0, 1e-12);
}

// The MAROS decision matrix (AFCEE MAROS manual, Mann-Kendall analysis decision matrix).
TEST(MannKendall, MarosCategories) {
  using mon::Trend;
  EXPECT_EQ(mon::maros_trend(10, 0.04, 0.5), Trend::increasing);
  EXPECT_EQ(mon::maros_trend(10, 0.07, 0.5), Trend::probably_increasing);
  EXPECT_EQ(mon::maros_trend(10, 0.2, 0.5), Trend::no_trend);
  EXPECT_EQ(mon::maros_trend(-10, 0.2, 0.5), Trend::stable);
  EXPECT_EQ(mon::maros_trend(-10, 0.2, 1.5), Trend::no_trend);
  EXPECT_EQ(mon::maros_trend(0, 0.6, 0.5), Trend::stable);
  EXPECT_EQ(mon::maros_trend(-10, 0.07, 1.5), Trend::probably_decreasing);
  EXPECT_EQ(mon::maros_trend(-10, 0.01, 1.5), Trend::decreasing);
  EXPECT_EQ(mon::trend_name(Trend::probably_decreasing), "Probably Decreasing");
}

// Student's t quantiles: closed forms for 1 and 2 degrees of freedom (tan(pi (p - 1/2)) and
// (2p - 1) / sqrt(2 p (1 - p))), and the published table value t(0.975, 4) = 2.776445105
// (e.g. NIST/SEMATECH e-Handbook Table 1.3.6.7.2: 2.776).
TEST(Attenuation, StudentTQuantiles) {
  EXPECT_NEAR(mon::student_t_quantile(0.975, 1), std::tan(M_PI * 0.475), 1e-9);
  EXPECT_NEAR(mon::student_t_quantile(0.975, 2), 0.95 / std::sqrt(2 * 0.975 * 0.025), 1e-10);
  EXPECT_NEAR(mon::student_t_quantile(0.975, 4), 2.776445105, 1e-9);
  EXPECT_NEAR(mon::student_t_quantile(0.025, 4), -2.776445105, 1e-9);
}

// Point decay rate (Newell et al. 2002: k_point = -slope of ln C vs time, 95 % interval from the
// t distribution): least squares by hand (numpy lstsq) for 6 annual samples gives
// k = 8.153572131523e-4 1/d, SE = 5.819501297030e-5, interval k -+ 2.776445105 SE =
// [6.537819542440e-4, 9.769324720606e-4] 1/d. Non-detects are left out.
TEST(Attenuation, PointDecayRateWithInterval) {
  auto points = series({0, 365, 730, 1095, 1460, 1825}, {120, 95, 60, 52, 33, 29});
  points.push_back({2190, 1.0, true});
  const auto rate = mon::point_decay_rate(points);
  EXPECT_EQ(rate.n, 6);
  EXPECT_NEAR(rate.rate, 8.153572131523e-4, 1e-12);
  EXPECT_NEAR(rate.low, 6.537819542440e-4, 1e-12);
  EXPECT_NEAR(rate.high, 9.769324720606e-4, 1e-12);
}

// Bulk attenuation and Buscheck-Alcantar (1995) biodegradation rates by hand: concentrations
// exactly exp(-0.01 x) along the path, so the slope of ln C is -0.01 1/m with zero error;
// v_s = 0.2 m/d, R = 2: k = 0.01 * 0.1 = 1e-3 1/d; alpha_x = 10 m:
// lambda = 0.1 / 40 ((1 + 2 * 10 * 0.01)^2 - 1) = 0.0025 * 0.44 = 1.1e-3 1/d.
TEST(Attenuation, BulkAndBiodegradationRates) {
  const std::vector<double> x{0, 50, 100, 200};
  std::vector<double> c;
  for (const double d : x)
    c.push_back(80.0 * std::exp(-0.01 * d));
  const auto bulk = mon::bulk_attenuation_rate(x, c, 0.2, 2.0);
  EXPECT_NEAR(bulk.rate, 1e-3, 1e-12);
  EXPECT_NEAR(bulk.low, 1e-3, 1e-12);
  EXPECT_NEAR(bulk.high, 1e-3, 1e-12);
  EXPECT_NEAR(mon::buscheck_alcantar_rate(0.01, 0.1, 10.0), 1.1e-3, 1e-15);
  const auto bio = mon::biodegradation_rate(x, c, 0.2, 2.0, 10.0);
  EXPECT_NEAR(bio.rate, 1.1e-3, 1e-12);
}

// Plume moments by hand: wells at x = 0, 10, 30 m (y = 0, 0, 10) with 4, 2, 2 mg/L and equal
// weights: sum C = 8, x_c = (0 + 20 + 60) / 8 = 10, y_c = 20 / 8 = 2.5; n b = 1.5 m:
// mass = 12; sigma_x^2 = (4*100 + 0 + 2*400) / 8 = 150.
TEST(Attenuation, PlumeMomentsByHand) {
  const std::vector<mon::WellValue> wells{
      {{0, 0, 0}, 4.0, 0.0}, {{10, 0, 0}, 2.0, 0.0}, {{30, 10, 0}, 2.0, 0.0}};
  const auto m = mon::plume_moments(wells, 1.5);
  EXPECT_NEAR(m.mass, 12.0, 1e-12);
  EXPECT_NEAR(m.centre[0], 10.0, 1e-12);
  EXPECT_NEAR(m.centre[1], 2.5, 1e-12);
  EXPECT_NEAR(m.spread[0], std::sqrt(150.0), 1e-12);
}

// Molar TCE/PCE ratio by hand with the molar masses 131.39 and 165.83 g/mol: 1 mg/L TCE over
// 2 mg/L PCE = (1/131.39) / (2/165.83) = 0.631060202450719.
TEST(Attenuation, DaughterParentRatio) {
  const auto ratios = mon::daughter_parent_ratios(series({0, 10}, {2.0, 2.0}),
                                                  series({0, 20}, {1.0, 1.0}), 165.83, 131.39);
  ASSERT_EQ(ratios.size(), 1u);
  EXPECT_NEAR(ratios[0].ratio, (1 / 131.39) / (2 / 165.83), 1e-15);
  EXPECT_NEAR(ratios[0].ratio, 0.631060202450719, 1e-12);
}

// Dates: 2015-01-01 is day 16436 after 1970-01-01 (365 * 45 + 11 leap days); 2016-03-01 is
// 425 days later (2016 is a leap year).
TEST(MonitoringData, IsoDates) {
  EXPECT_EQ(mon::days_from_iso_date("1970-01-01"), 0);
  EXPECT_EQ(mon::days_from_iso_date("2015-01-01"), 16436);
  EXPECT_EQ(mon::days_from_iso_date("2016-03-01") - mon::days_from_iso_date("2015-01-01"), 425);
  EXPECT_THROW(mon::days_from_iso_date("2015-02-29"), std::invalid_argument);
  EXPECT_THROW(mon::days_from_iso_date("2015-13-01"), std::invalid_argument);
}

TEST(MonitoringData, ReadsDatesUnitsAndNonDetects) {
  const auto path = write_file("good.csv", "well,time,species,value,unit,detection_limit\n"
                                           "MW1,2015-01-11,PCE,120,ug/L,\n"
                                           "MW1,365,PCE,ND,ug/L,0.5\n"
                                           "MW1,2 yr,PCE,<1,mg/L,\n"
                                           "MW2,2016-01-01,TCE,0.2,ug/L,0.5\n");
  const auto data = mon::read_monitoring_csv(path, mon::days_from_iso_date("2015-01-01"));
  ASSERT_EQ(data.samples.size(), 4u);
  EXPECT_DOUBLE_EQ(data.samples[0].time, 10.0);
  EXPECT_NEAR(data.samples[0].value, 0.12, 1e-15);
  EXPECT_FALSE(data.samples[0].non_detect);
  EXPECT_TRUE(data.samples[1].non_detect);
  EXPECT_NEAR(data.samples[1].value, 5e-4, 1e-15);
  EXPECT_DOUBLE_EQ(data.samples[2].time, 2 * 365.25); // the Julian year (core kDaysPerYear)
  EXPECT_TRUE(data.samples[2].non_detect);
  EXPECT_NEAR(data.samples[2].detection_limit, 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(data.samples[3].time, 365.0);
  EXPECT_TRUE(data.samples[3].non_detect); // 0.2 below the detection limit 0.5
  EXPECT_EQ(data.samples[3].line, 5);
}

TEST(MonitoringData, BadRowsNameFileLineAndColumn) {
  const std::string header = "well,time,species,value,unit\n";
  const auto bad_value =
      write_file("bad_value.csv", header + "MW1,0,PCE,1,ug/L\nMW1,10,PCE,abc,ug/L\n");
  auto message = input_error_of([&] { mon::read_monitoring_csv(bad_value, std::nullopt); });
  EXPECT_NE(message.find("bad_value.csv:3"), std::string::npos) << message;
  EXPECT_NE(message.find("column 'value'"), std::string::npos) << message;
  const auto bad_unit = write_file("bad_unit.csv", header + "MW1,0,PCE,1,m/s\n");
  message = input_error_of([&] { mon::read_monitoring_csv(bad_unit, std::nullopt); });
  EXPECT_NE(message.find("bad_unit.csv:2"), std::string::npos) << message;
  EXPECT_NE(message.find("column 'unit'"), std::string::npos) << message;
  const auto date = write_file("date.csv", header + "MW1,2015-01-01,PCE,1,ug/L\n");
  message = input_error_of([&] { mon::read_monitoring_csv(date, std::nullopt); });
  EXPECT_NE(message.find("start_date"), std::string::npos) << message;
  const auto nd = write_file("nd.csv", header + "MW1,0,PCE,ND,ug/L\n");
  message = input_error_of([&] { mon::read_monitoring_csv(nd, std::nullopt); });
  EXPECT_NE(message.find("detection_limit"), std::string::npos) << message;
}

TEST(MonitoringData, DeckBlocks) {
  const auto deck = terrafate::ConfigNode::load_string(R"(
transport:
  species:
    - {name: PCE, decay: {rate: 0.001}}
  sources:
    - {name: pce_dnapl, mass: 1000}
monitoring:
  data: monitoring.csv
  wells:
    - {name: MW1, position: [120, 60, 5]}
    - {name: MW2, position: [200, 60], screen: [2, 8]}
  flow_paths:
    - {name: centreline, wells: [MW1, MW2], dispersivity: 10 m}
assimilation:
  method: es-mda
  iterations: 4
  realizations: 64
  seed: 7
  parameters:
    - {path: transport.species.PCE.decay.rate, distribution: lognormal, median: 0.001, gsd: 3}
    - {path: transport.sources.pce_dnapl.mass, distribution: uniform, min: 500, max: 3000}
  error: {relative: 0.2, absolute: 0.0005}
  transform: log
)",
                                                       "deck.yaml");
  const auto monitoring = mon::read_monitoring_spec(deck.at("monitoring"), "/site");
  EXPECT_EQ(monitoring.data, std::filesystem::path("/site/monitoring.csv"));
  ASSERT_EQ(monitoring.wells.size(), 2u);
  EXPECT_TRUE(monitoring.wells[1].screened);
  EXPECT_DOUBLE_EQ(monitoring.wells[1].position[2], 5.0);
  EXPECT_DOUBLE_EQ(monitoring.flow_paths[0].dispersivity, 10.0);
  const auto assimilation = mon::read_assimilation_spec(deck.at("assimilation"), deck);
  EXPECT_EQ(assimilation.parameters.size(), 2u);
  EXPECT_EQ(assimilation.inflation, (std::vector<double>{4, 4, 4, 4}));
  EXPECT_TRUE(assimilation.log_transform);
  EXPECT_DOUBLE_EQ(assimilation.error_absolute, 0.0005);

  const std::string bad_text = R"(
transport: {species: [{name: PCE, decay: {rate: 0.001}}]}
assimilation:
  method: es-mda
  iterations: 2
  realizations: 8
  seed: 1
  inflation: [2, 3]
  parameters:
    - {path: transport.species.TCE.decay.rate, distribution: normal, mean: 1, std: 1}
  error: {relative: 0.1}
)";
  const auto bad = terrafate::ConfigNode::load_string(bad_text, "bad.yaml");
  auto message = input_error_of([&] { mon::read_assimilation_spec(bad.at("assimilation"), bad); });
  EXPECT_NE(message.find("bad.yaml:10"), std::string::npos) << message;
  EXPECT_NE(message.find("TCE"), std::string::npos) << message;
  // 1/2 + 1/3 != 1
  const auto bad_alpha = terrafate::ConfigNode::load_string(
      std::regex_replace(bad_text, std::regex("TCE"), "PCE"), "alpha.yaml");
  message =
      input_error_of([&] { mon::read_assimilation_spec(bad_alpha.at("assimilation"), bad_alpha); });
  EXPECT_NE(message.find("alpha.yaml:8"), std::string::npos) << message;
  EXPECT_NE(message.find("sum to 0.8333"), std::string::npos) << message;
  const auto two_d = terrafate::ConfigNode::load_string(
      "monitoring: {data: a.csv, wells: [{name: W, position: [1, 2]}]}\n", "w.yaml");
  message = input_error_of([&] { mon::read_monitoring_spec(two_d.at("monitoring"), "."); });
  EXPECT_NE(message.find("screen"), std::string::npos) << message;
}

// The evidence tables end to end on a small record, by hand:
// - MW1 PCE 100, 80, 50, 40 mg/L yearly: S = -6, exact p = 1/24 (CF = 0.958 > 0.95: Decreasing),
//   Sen slope = median of the 6 pair slopes = -20/365 mg/L/d;
// - TCE exactly 80 exp(-0.01 x) at x = 0, 100, 200 m along the path with v_s = 0.2 m/d (from
//   the options, as from a flow model) and R = 1: bulk rate 0.01 * 0.2 = 0.002 1/d; with
//   alpha_x = 10 m, Buscheck-Alcantar: 0.2 / 40 ((1 + 0.2)^2 - 1) = 0.0022 1/d;
// - TCE sampled in two yearly periods: two stability rows, mass 80 (1 + e^-1 + e^-2) g with
//   equal weights and n b = 1 m.
TEST(Evidence, TablesFromASmallRecord) {
  const auto csv = write_file("evidence.csv", "well,time,species,value,unit\n"
                                              "MW1,0,PCE,100,mg/L\n"
                                              "MW1,365,PCE,80,mg/L\n"
                                              "MW1,730,PCE,50,mg/L\n"
                                              "MW1,1095,PCE,40,mg/L\n"
                                              "MW1,0,TCE,80,mg/L\n"
                                              "MW2,0,TCE,29.43035529371539,mg/L\n"
                                              "MW3,0,TCE,10.826822658929018,mg/L\n"
                                              "MW1,400,TCE,80,mg/L\n");
  const auto deck = terrafate::ConfigNode::load_string(R"(
monitoring:
  data: evidence.csv
  wells:
    - {name: MW1, position: [0, 0, 0]}
    - {name: MW2, position: [60, 80, 0]}
    - {name: MW3, position: [120, 160, 0]}
  flow_paths:
    - {name: centreline, wells: [MW1, MW2, MW3], dispersivity: 10}
)",
                                                       "deck.yaml");
  const auto spec = mon::read_monitoring_spec(deck.at("monitoring"), ".");
  const auto data = mon::read_monitoring_csv(csv, std::nullopt);
  mon::check_samples_against_wells(data, spec);
  mon::EvidenceOptions options;
  EXPECT_THROW(mon::compute_evidence(data, spec, options), terrafate::InputError);
  options.seepage_velocity["centreline"] = 0.2;
  const auto evidence = mon::compute_evidence(data, spec, options);

  const auto trends = mon::trends_csv(evidence.trends);
  EXPECT_EQ(trends.substr(0, trends.find('\n')),
            "well,species,n,mann_kendall_s,p_value,trend,sen_slope,unit");
  EXPECT_NE(trends.find("MW1,PCE,4,-6,0.04166666667,Decreasing,-0.05479452055,mg/L/d\n"),
            std::string::npos)
      << trends;
  EXPECT_NE(trends.find("MW2,TCE,1,,,N/A,,mg/L/d\n"), std::string::npos) << trends;
  ASSERT_TRUE(evidence.trends[0].sen_slope);
  EXPECT_NEAR(*evidence.trends[0].sen_slope, -20.0 / 365.0, 1e-15);

  const mon::RateRow* bulk = nullptr;
  const mon::RateRow* bio = nullptr;
  for (const auto& row : evidence.rates) {
    if (row.kind == "bulk") bulk = &row;
    if (row.kind == "biodegradation") bio = &row;
  }
  ASSERT_NE(bulk, nullptr);
  ASSERT_NE(bio, nullptr);
  EXPECT_EQ(bulk->well, "centreline");
  EXPECT_EQ(bulk->species, "TCE");
  EXPECT_NEAR(bulk->rate.rate, 0.002, 1e-12);
  EXPECT_NEAR(bio->rate.rate, 0.0022, 1e-12);
  const auto rates = mon::rates_csv(evidence.rates);
  EXPECT_EQ(rates.substr(0, rates.find('\n')), "well,species,kind,rate,rate_low,rate_high,unit");
  EXPECT_NE(rates.find("MW1,PCE,point,"), std::string::npos) << rates;

  std::vector<mon::StabilityRow> tce;
  for (const auto& row : evidence.stability)
    if (row.species == "TCE") tce.push_back(row);
  ASSERT_EQ(tce.size(), 2u);
  EXPECT_EQ(tce[0].moments.wells, 3);
  EXPECT_NEAR(tce[0].moments.mass, 80.0 * (1 + std::exp(-1.0) + std::exp(-2.0)), 1e-9);
  EXPECT_DOUBLE_EQ(tce[1].time, 400.0);
  const auto stability = mon::stability_csv(evidence.stability);
  EXPECT_EQ(stability.substr(0, stability.find('\n')),
            "species,time,wells,mass,mass_unit,centre_x,centre_y,centre_z,spread_x,spread_y,"
            "spread_z");
}
