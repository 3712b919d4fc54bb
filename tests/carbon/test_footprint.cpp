// The footprint layer against hand calculations (SEFA-style: quantity x factor, written out
// with their sources): grid factors by calendar year from data/emission_factors.csv with a
// projection, on-site PV and green power, indicators beyond CO2e, present-value cost against
// the annuity formula, and the optimizer's objectives.
#include <cmath>

#include <gtest/gtest.h>

#include "terrafate/carbon/carbon.hpp"
#include "terrafate/carbon/cost.hpp"
#include "terrafate/carbon/electricity.hpp"
#include "terrafate/carbon/footprint.hpp"
#include "terrafate/carbon/indicators.hpp"
#include "terrafate/carbon/objective.hpp"

namespace terrafate {
namespace {

CsvTable data_table(const std::string& name) {
  return read_csv_table(std::string(TERRAFATE_SOURCE_DIR) + "/data/" + name);
}

ConfigNode deck(const std::string& text) {
  return ConfigNode::load_string(text, "deck.yaml");
}

FootprintSpec footprint_spec(const std::string& text) {
  return read_footprint_spec(deck(text).at("carbon"), data_table("emission_factors.csv"),
                             data_table("footprint_factors.csv"));
}

CarbonSpec carbon_spec(const std::string& text) {
  return footprint_spec(text).carbon;
}

TEST(GridByYear, PublishedFactorsAndProjections) {
  const auto table = data_table("emission_factors.csv");
  // MEE & NBS national factors (risk-review C1, C2): 2021 0.5568, 2022 0.5366, 2023 0.5306.
  const auto held = read_grid_series(deck("grid: china-national\n").at("grid"), table);
  EXPECT_EQ(held.data.size(), 3u);
  EXPECT_DOUBLE_EQ(held.factor(2020), 0.5568); // before the data: the first year
  EXPECT_DOUBLE_EQ(held.factor(2021), 0.5568);
  EXPECT_DOUBLE_EQ(held.factor(2022), 0.5366);
  EXPECT_DOUBLE_EQ(held.factor(2023), 0.5306);
  EXPECT_DOUBLE_EQ(held.factor(2030), 0.5306); // held
  // Least-squares slope of three equally spaced years = (y3 - y1) / 2 = -0.0131 per year;
  // linear from 2023: 2025 = 0.5306 - 2 x 0.0131 = 0.5044.
  const auto linear = read_grid_series(
      deck("grid: {series: china-national, projection: linear}\n").at("grid"), table);
  EXPECT_NEAR(linear.data_slope(), -0.0131, 1e-12);
  EXPECT_NEAR(linear.factor(2025), 0.5044, 1e-12);
  // ... not below the floor: 0.5306 - 0.0131 x 40 < 0.1 in 2063.
  const auto floored = read_grid_series(
      deck("grid: {series: china-national, projection: linear, floor: 0.1}\n").at("grid"), table);
  EXPECT_DOUBLE_EQ(floored.factor(2063), 0.1);
  // A target path 2030: 0.45, 2060: 0: 2026 = 0.5306 + (0.45 - 0.5306) x 3 / 7; 2045 halfway
  // between 0.45 and 0 = 0.225; after 2060, 0.
  const auto target = read_grid_series(
      deck("grid: {series: china-national, projection: {target: {2030: 0.45, 2060: 0}}}\n")
          .at("grid"),
      table);
  EXPECT_NEAR(target.factor(2026), 0.5306 + (0.45 - 0.5306) * 3.0 / 7.0, 1e-12);
  EXPECT_NEAR(target.factor(2045), 0.225, 1e-12);
  EXPECT_DOUBLE_EQ(target.factor(2070), 0.0);
  // 2023 regional factors (risk-review C2) and the 2022-2023 regional series.
  const std::pair<const char*, double> regions[] = {
      {"north-china-2023", 0.6361},     {"northeast-china-2023", 0.5122},
      {"east-china-2023", 0.5500},      {"central-china-2023", 0.5271},
      {"northwest-china-2023", 0.5543}, {"south-china-2023", 0.4042},
      {"southwest-china-2023", 0.2472}};
  for (const auto& [name, value] : regions)
    EXPECT_DOUBLE_EQ(
        read_grid_series(deck(std::string("grid: ") + name + "\n").at("grid"), table).factor(2023),
        value)
        << name;
  const auto south = read_grid_series(deck("grid: south-china\n").at("grid"), table);
  EXPECT_DOUBLE_EQ(south.factor(2022), 0.3869);
  EXPECT_DOUBLE_EQ(south.factor(2023), 0.4042);
  // Deck years, and bad input.
  const auto own =
      read_grid_series(deck("grid: {factors: {2024: 0.5, 2026: 0.4}}\n").at("grid"), table);
  EXPECT_DOUBLE_EQ(own.factor(2025), 0.45); // between data years: linear
  EXPECT_THROW(read_grid_series(deck("grid: atlantis\n").at("grid"), table), InputError);
  EXPECT_THROW(read_grid_series(deck("grid: {factors: {24: 0.5}}\n").at("grid"), table),
               InputError);
  EXPECT_THROW(
      read_grid_series(
          deck("grid: {series: china-national, projection: {target: {2020: 0.4}}}\n").at("grid"),
          table),
      InputError);
}

TEST(GridByYear, CalendarAnchor) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017); // 30 years incl. 7 leap days + Jan + Feb 2000
  const auto anchor = read_start_date(deck("d: 2022-07-01\n").at("d"));
  // 1 July to 1 January: 31 + 31 + 30 + 31 + 30 + 31 = 184 days.
  EXPECT_DOUBLE_EQ(anchor.run_day_of_new_year(2023), 184.0);
  EXPECT_EQ(anchor.year_at(183.5), 2022);
  EXPECT_EQ(anchor.year_at(184.0), 2023);
  EXPECT_EQ(anchor.year_at(-1.0), 2022);
  EXPECT_THROW(read_start_date(deck("d: 2023-02-29\n").at("d")), InputError);
  EXPECT_THROW(read_start_date(deck("d: 1 July 2022\n").at("d")), InputError);
}

// The pump-and-treat case (issue 22 acceptance): run day 0 = 2022-07-01, the system runs
// 4 calendar years to 2026-07-01 (1,461 d: 2024 is a leap year) using 400,000 kWh uniformly,
// on the national grid with the linear projection after 2023. Days per year: 2022 184,
// 2023 365, 2024 366, 2025 365, 2026 181 (sum 1,461). Factors [kg/kWh]: 2022 0.5366,
// 2023 0.5306 (published), 2024 0.5175, 2025 0.5044, 2026 0.4913 (0.5306 - 0.0131 n).
// sum(days x factor) = 98.7344 + 193.669 + 189.405 + 184.106 + 88.9253 = 754.8397
// electricity = 400,000 / 1,461 x 754.8397 = 206,663.8467 kg CO2e.
// Other items (kg CO2e): GAC 2,000 kg x 4.0 (deck) = 8,000; drilling 6 wells x 20 m = 120 m
// x 30 (deck) = 3,600; generator diesel 300 L x 2.6676 (DEFRA) = 800.28; lab 96 samples (6 wells x
// 4 events/yr x 4 yr) x 15 (deck) = 1,440; sampling travel 16 events x 120 km = 1,920 km x 0.25
// (deck) = 480. Sum 14,320.28. Total 220.98412668 t CO2e. Travel energy: 3 MJ/km (deck) x
// 1,920 km = 5,760 MJ (the table has no value: the deck must give one).
constexpr double kWindow = 1461.0;
const char* kCaseDeck = "carbon:\n"
                        "  grid: {series: china-national, projection: linear}\n"
                        "  factors: {material:activated_carbon: 4.0, drilling: 30,\n"
                        "            lab_analysis: 15, vehicle_km: 0.25}\n"
                        "  indicators: [ghg, energy, water, accident]\n"
                        "  indicator_factors: {vehicle_km: {energy_transport_fuel: 3.0}}\n";

std::vector<LedgerLine> pump_and_treat_ledger() {
  return {{"pt", "pump_and_treat", "electricity:pumping", 300000.0, "kWh", 0.0, kWindow},
          {"pt", "pump_and_treat", "electricity:treatment", 100000.0, "kWh", 0.0, kWindow},
          {"pt", "pump_and_treat", "material:activated_carbon", 2000.0, "kg", 0.0, kWindow},
          {"pt", "pump_and_treat", "water_pumped", 2.0e5, "m3", 0.0, kWindow},
          {"wells", "pump_and_treat", "drilling", 120.0, "m", 0.0, 0.0},
          {"wells", "pump_and_treat", "diesel", 300.0, "L", 0.0, 0.0},
          {"wells", "pump_and_treat", "worker_hours", 2000.0, "h", 0.0, 0.0},
          {"mon", "monitoring", "lab_analysis", 96.0, "sample", 0.0, kWindow},
          {"mon", "monitoring", "vehicle_km", 1920.0, "km", 0.0, kWindow},
          {"mon", "monitoring", "purge_water", 5.76, "m3", 0.0, kWindow}};
}

double total_tco2e(const std::vector<FootprintLine>& lines) {
  double total = 0.0;
  for (const auto& line : lines)
    total += line.tco2e;
  return total;
}

TEST(PumpAndTreatCase, MatchesTheHandCalculation) {
  auto spec = carbon_spec(kCaseDeck);
  const auto ledger = pump_and_treat_ledger();
  // The grid changes by year: without a start date the run stops.
  EXPECT_THROW(footprint(ledger, spec), InputError);
  spec.anchor = read_start_date(deck("d: 2022-07-01\n").at("d"));
  const auto lines = footprint(ledger, spec);
  const double electricity_kg =
      400000.0 / 1461.0 *
      (184 * 0.5366 + 365 * 0.5306 + 366 * 0.5175 + 365 * 0.5044 + 181 * 0.4913);
  const double other_kg = 2000 * 4.0 + 120 * 30.0 + 300 * 2.6676 + 96 * 15.0 + 1920 * 0.25;
  EXPECT_NEAR(electricity_kg, 206663.8467, 1e-4); // the hand figure above
  const double expected = (electricity_kg + other_kg) / 1000.0;
  EXPECT_NEAR(expected, 220.98412668, 1e-8);
  EXPECT_NEAR(total_tco2e(lines), expected, 1e-6 * expected);
  // The pumping line's years: 2024 has 366 / 1,461 of its 300,000 kWh at 0.5175.
  ASSERT_EQ(lines[0].years.size(), 5u);
  EXPECT_EQ(lines[0].years[2].year, 2024);
  EXPECT_NEAR(lines[0].years[2].kwh, 300000.0 * 366 / 1461, 1e-6);
  EXPECT_NEAR(lines[0].years[2].factor, 0.5175, 1e-12);
  EXPECT_EQ(lines[0].supply, "grid");

  // Indicators: energy 400,000 kWh x 3.6 = 1.44e6 MJ of grid electricity; diesel 300 L x
  // 35.857 MJ/L = 10,757.1 MJ; water 5.76 m3 purged; accidents 2,000 h x 4.8e-8 = 9.6e-5
  // fatalities and 2,000 x 1.2e-5 = 0.024 injuries (data/footprint_factors.csv).
  const auto indicator_spec =
      read_indicator_spec(deck(kCaseDeck).at("carbon"), data_table("footprint_factors.csv"));
  const auto rows = indicators(ledger, lines, indicator_spec);
  const auto totals = indicator_totals(rows);
  EXPECT_NEAR(totals.at("ghg"), expected, 1e-6 * expected);
  EXPECT_NEAR(totals.at("energy_grid_electricity"), 1.44e6, 1e-6);
  EXPECT_NEAR(totals.at("energy_diesel"), 10757.1, 1e-6);
  EXPECT_NEAR(totals.at("energy_transport_fuel"), 5760.0, 1e-9);
  EXPECT_NEAR(totals.at("water_used"), 5.76, 1e-12);
  // The groundwater pumped is water extracted, not water used (its own indicator).
  EXPECT_NEAR(totals.at("water_extracted"), 2.0e5, 1e-9);
  EXPECT_NEAR(totals.at("accident_fatalities"), 9.6e-5, 1e-15);
  EXPECT_NEAR(totals.at("accident_injuries"), 0.024, 1e-15);
  EXPECT_EQ(totals.count("nox"), 0u); // air not asked for
  const std::string csv = footprint_csv(rows);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "action,phase,indicator,quantity,unit");
  EXPECT_NE(csv.find("wells,operation,energy_diesel,10757.1,MJ\n"), std::string::npos) << csv;

  // Air emissions (data/footprint_factors.csv), kg: grid electricity at the 2017 CEMS totals
  // over 2017 generation (Tang et al. 2019; NBS 6,275.8 TWh): NOx 1.26e9 / 6.2758e12, SO2
  // 0.77e9 / 6.2758e12, PM 0.14e9 / 6.2758e12 kg/kWh; diesel at AP-42 Table 3.3-1 (4.41 and
  // 0.31 lb/MMBtu x 0.45359237 / 1055.05585262 x 38.149712 MJ/L) and 10 ppm sulfur (NPI Table 50,
  // 0.0167 kg/m3); travel at NPI Table 10 (petrol cars: 8.00e-4, 1.17e-5, 8.03e-6 kg/km).
  // NOx = 400,000 x 2.0077e-4 + 300 x 0.07233 + 1,920 x 8.0e-4 = 80.31 + 21.70 + 1.54 = 103.54.
  const auto air_spec = read_indicator_spec(deck("carbon: {indicators: [air]}\n").at("carbon"),
                                            data_table("footprint_factors.csv"));
  const auto air = indicator_totals(indicators(ledger, lines, air_spec));
  const double generation_2017 = 6.2758e12; // kWh
  const double diesel_mj_per_l = 45.59 * 0.8368, per_mmbtu = 0.45359237 / 1055.05585262;
  const double kwh = 400000.0, litres = 300.0, km = 1920.0;
  EXPECT_NEAR(air.at("nox"),
              kwh * 1.26e9 / generation_2017 + litres * 4.41 * per_mmbtu * diesel_mj_per_l +
                  km * 8.0e-4,
              1e-6 * air.at("nox"));
  EXPECT_NEAR(air.at("sox"), kwh * 0.77e9 / generation_2017 + litres * 0.0167e-3 + km * 1.17e-5,
              1e-6 * air.at("sox"));
  EXPECT_NEAR(air.at("pm10"),
              kwh * 0.14e9 / generation_2017 + litres * 0.31 * per_mmbtu * diesel_mj_per_l +
                  km * 8.03e-6,
              1e-6 * air.at("pm10"));
  EXPECT_NEAR(air.at("nox"), 103.54357, 1e-5);

  // A factor row without a value stops the run when its group is asked for, naming it.
  auto table = data_table("footprint_factors.csv");
  for (auto& row : table.rows)
    if (row[table.column("key")] == "electricity" && row[table.column("indicator")] == "nox")
      row[table.column("value")].clear();
  try {
    indicators(ledger, lines,
               read_indicator_spec(deck("carbon: {indicators: [air]}\n").at("carbon"), table));
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("electricity: nox"), std::string::npos) << message;
  }
}

// The same case with on-site PV covering 40 % of the energy at its embodied 0.045 kg/kWh
// (Hsu et al. 2012): electricity = 0.6 x 206,663.8467 + 0.4 x 400,000 x 0.045
// = 123,998.3080 + 7,200 = 131,198.3080 kg; total 145.51858801 t CO2e (-34 %).
TEST(PumpAndTreatCase, OnSitePhotovoltaicsCoveringFortyPercent) {
  auto spec = carbon_spec(std::string(kCaseDeck) + "  energy_supply: {pt: {pv: 0.4}}\n");
  spec.anchor = read_start_date(deck("d: 2022-07-01\n").at("d"));
  const auto ledger = pump_and_treat_ledger();
  const auto lines = footprint(ledger, spec);
  const double electricity_kg =
      0.6 * 400000.0 / 1461.0 *
          (184 * 0.5366 + 365 * 0.5306 + 366 * 0.5175 + 365 * 0.5044 + 181 * 0.4913) +
      0.4 * 400000.0 * 0.045;
  const double expected =
      (electricity_kg + 2000 * 4.0 + 120 * 30.0 + 300 * 2.6676 + 96 * 15.0 + 1920 * 0.25) / 1000.0;
  EXPECT_NEAR(expected, 145.51858801, 1e-8);
  EXPECT_NEAR(total_tco2e(lines), expected, 1e-6 * expected);
  // The pumping kWh split: grid 180,000, pv 120,000 (supply:pv, 0.045 kg/kWh).
  EXPECT_EQ(lines[0].supply, "grid");
  EXPECT_DOUBLE_EQ(lines[0].ledger.quantity, 180000.0);
  EXPECT_EQ(lines[1].supply, "pv");
  EXPECT_EQ(lines[1].factor_key, "supply:pv");
  EXPECT_DOUBLE_EQ(lines[1].ledger.quantity, 120000.0);
  EXPECT_DOUBLE_EQ(lines[1].tco2e, 120000.0 * 0.045 / 1000.0);
  const auto totals = indicator_totals(indicators(
      ledger, lines,
      read_indicator_spec(deck(kCaseDeck).at("carbon"), data_table("footprint_factors.csv"))));
  EXPECT_NEAR(totals.at("energy_grid_electricity"), 0.6 * 1.44e6, 1e-6);
  EXPECT_NEAR(totals.at("energy_pv"), 0.4 * 1.44e6, 1e-6);
  // Green power for the rest at 0 kg/kWh (market-based): only the PV's embodied part remains.
  auto green =
      carbon_spec(std::string(kCaseDeck) + "  energy_supply: {pt: {pv: 0.4, green_power: 0.6}}\n");
  green.anchor = spec.anchor;
  double green_electricity = 0.0;
  for (const auto& line : footprint(ledger, green))
    if (line.ledger.unit == "kWh") green_electricity += line.tco2e;
  EXPECT_NEAR(green_electricity, 0.4 * 400000.0 * 0.045 / 1000.0, 1e-12);
  EXPECT_THROW(
      carbon_spec(std::string(kCaseDeck) + "  energy_supply: {pt: {pv: 0.7, green_power: 0.6}}\n"),
      InputError);
}

// material:electron_donor has a `missing` row (EVO or lactate: the deck must say); calcium
// polysulfide and incineration have no row.
TEST(Mobilisation, IsTruckHaulageInTheConstructionPhase) {
  // 25 t of equipment x 80 km x 2 trips = 4,000 t*km at 0.15 kg CO2e/(t*km) (deck) = 0.6 t.
  const LedgerLine line{"pt", "pump_and_treat", "mobilisation", 4000.0, "t*km", 0.0, 0.0};
  EXPECT_EQ(factor_key(line), "haulage");
  EXPECT_EQ(phase_of(line), Phase::construction);
  const auto lines = footprint({line}, carbon_spec("carbon:\n  factors: {haulage: 0.15}\n"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NEAR(lines[0].tco2e, 0.6, 1e-12);
  EXPECT_EQ(lines[0].phase, Phase::construction);
}

TEST(Factors, MissingReagentAndDisposalFactorsStopTheRun) {
  const auto spec = carbon_spec("carbon: {grid: china-national-2023}\n");
  const std::vector<LedgerLine> ledger = {
      {"isco", "chemical_oxidation", "material:calcium_polysulfide", 5300.0, "kg"},
      {"eisb", "enhanced_bioremediation", "material:electron_donor", 60000.0, "kg"},
      {"dig", "excavation", "disposal:incineration", 1200.0, "t"},
      {"mon", "monitoring", "lab_analysis", 10.0, "sample"}};
  try {
    footprint(ledger, spec);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    for (const char* key :
         {"material:calcium_polysulfide", "material:electron_donor", "disposal:incineration"})
      EXPECT_NE(message.find(key), std::string::npos) << message;
    // lab_analysis's row is `missing` (no published per-sample factor): named with the deck key
    // that supplies it, never taken as 0.
    EXPECT_NE(message.find("carbon.factors.lab_analysis: {value: <kg CO2e per sample>"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("carbon.factors.disposal:incineration: {value: <kg CO2e per t>"),
              std::string::npos)
        << message;
  }
  // The 2023 national factor is in the table: 1,000 kWh x 0.5306 = 0.5306 t.
  const auto lines = footprint({{"t", "thermal", "electricity:heating", 1000.0, "kWh"}}, spec);
  EXPECT_DOUBLE_EQ(lines[0].tco2e, 0.5306);
  // Given by the deck with its basis: 10 samples x 7.306 kg = 0.07306 t; the basis follows the
  // deck's file:line in the factor's source.
  const auto given = carbon_spec("carbon:\n  grid: china-national-2023\n  factors:\n"
                                 "    lab_analysis: {value: 7.306, source: \"site assumption: 10 "
                                 "kWh x 0.5306 + 2 kg\"}\n");
  const auto lab = footprint({{"mon", "monitoring", "lab_analysis", 10.0, "sample"}}, given);
  ASSERT_EQ(lab.size(), 1u);
  EXPECT_NEAR(lab[0].tco2e, 0.07306, 1e-15);
  EXPECT_EQ(lab[0].factor.status, "deck");
  EXPECT_EQ(lab[0].factor.source, "deck deck.yaml:4: site assumption: 10 kWh x 0.5306 + 2 kg");
  EXPECT_THROW(carbon_spec("carbon:\n  factors: {drilling: {value: 13}}\n"), InputError);
  EXPECT_THROW(carbon_spec("carbon:\n  factors: {drilling: {value: 13, source: x, unit: m}}\n"),
               InputError);
}

// Present value against the annuity formula: capital 1,200,000 CNY at run time 0, O&M
// 150,000 CNY/yr for 5 years (end of year), electricity 365,250 kWh over the 5 years at
// 0.7 CNY/kWh = 51,135 CNY/yr, real discount rate 7 % (EPA 540-R-00-002).
// Annuity factor (1 - 1.07^-5) / 0.07 = 4.100197436. PV = 1,200,000 + 150,000 x 4.100197436
// + 51,135 x 4.100197436 = 1,815,029.615 + 209,663.596 = 2,024,693.211 CNY.
TEST(PresentValueCost, MatchesTheAnnuityFormula) {
  const auto root = deck("carbon:\n"
                         "  grid: china-national-2023\n"
                         "  costs: {electricity: 0.7}\n"
                         "  present_value: {discount_rate: 0.07, capital: {pt: 1200000},\n"
                         "                  om_per_year: {pt: 150000}}\n");
  const auto both = read_footprint_spec(root.at("carbon"), data_table("emission_factors.csv"),
                                        data_table("footprint_factors.csv"));
  const auto& spec = both.carbon;
  const auto& pv_spec = both.present_value;
  // A reader that does not read present_value rejects it rather than ignoring it.
  EXPECT_THROW(read_carbon_spec(root.at("carbon"), data_table("emission_factors.csv")), InputError);
  const double years5 = 5 * 365.25;
  const std::vector<LedgerLine> ledger = {
      {"pt", "pump_and_treat", "electricity:pumping", 365250.0, "kWh", 0.0, years5}};
  const auto lines = footprint(ledger, spec);
  const auto value = present_value(lines, pv_spec, {{"pt", {0.0, years5}}}, spec.currency);
  const double annuity = (1.0 - std::pow(1.07, -5.0)) / 0.07;
  EXPECT_NEAR(annuity, 4.100197436, 1e-9);
  EXPECT_NEAR(value.total, 1200000.0 + 150000.0 * annuity + 51135.0 * annuity, 1e-6);
  EXPECT_NEAR(value.total, 2024693.211, 1e-3);
  EXPECT_NEAR(value.undiscounted, 1200000.0 + 750000.0 + 255675.0, 1e-6);
  EXPECT_FALSE(value.partial());
  EXPECT_EQ(value.status(), "complete");
  EXPECT_EQ(value.currency, "CNY");
  // A cost at run day 400 lies in run year 2: discounted by 1.07^-2.
  EXPECT_NEAR(discount_factor(400.0, pv_spec), 1.0 / (1.07 * 1.07), 1e-15);
  // A missing price makes the total partial and names it (never a silent 0).
  const std::vector<LedgerLine> more = {
      ledger[0], {"pt", "pump_and_treat", "material:activated_carbon", 10.0, "kg", 0.0, years5}};
  const auto with_gac = read_carbon_spec(
      deck("carbon: {grid: china-national-2023, costs: {electricity: 0.7}, factors: "
           "{material:activated_carbon: 4}}\n")
          .at("carbon"),
      data_table("emission_factors.csv"));
  const auto partial = present_value(footprint(more, with_gac), pv_spec,
                                     {{"pt", {0.0, years5}}, {"mon", {0.0, years5}}}, "CNY");
  EXPECT_TRUE(partial.partial());
  EXPECT_EQ(partial.status(),
            "partial (no price: capital:mon, om_per_year:mon, pt:material:activated_carbon)");
  EXPECT_NEAR(partial.total, value.total, 1e-6); // the priced items only, marked partial
  // cost.csv: one capital item of 1,000 at run time 0 (present value 1,000) and the unpriced
  // O&M of the same action.
  PresentValue small;
  small.items.push_back({"pt", "capital", "capital", 1000.0, 1000.0});
  small.total = small.undiscounted = 1000.0;
  small.unpriced = {"om_per_year:pt"};
  EXPECT_EQ(present_value_csv(small), "action,item,category,amount,present_value\n"
                                      "pt,capital,capital,1000,1000\n"
                                      "total,,partial (no price: om_per_year:pt),1000,1000\n"
                                      "unpriced,om_per_year:pt,,,\n");
}

// Objectives over three strategies (hand values): A 100 t, 2e6 MJ; B 80 t, 4e6 MJ; C 120 t,
// 1e6 MJ. Weighted 1 x ghg/120 + 0.5 x energy/4e6: A 0.8333 + 0.25 = 1.0833; B 0.6667 + 0.5 =
// 1.1667; C 1 + 0.125 = 1.125, so A is best under the weights and B under carbon alone.
TEST(Objectives, CarbonCostAndWeightedScore) {
  std::vector<StrategyFootprint> strategies(3);
  const double ghg[] = {100, 80, 120}, energy[] = {2e6, 4e6, 1e6}, cost[] = {3e6, 2e6, 1e6};
  for (int s = 0; s < 3; ++s) {
    strategies[s].name = std::string(1, static_cast<char>('A' + s));
    strategies[s].indicators = {{"ghg", ghg[s]}, {"energy_grid_electricity", energy[s]}};
    strategies[s].cost.total = cost[s];
  }
  const std::set<std::string> groups = {"ghg", "energy"};
  const auto carbon =
      objective_values(strategies, read_objective_spec(deck("x: {}\n").at("x"), groups));
  EXPECT_DOUBLE_EQ(carbon[1], 80.0);
  const auto by_cost = objective_values(
      strategies, read_objective_spec(deck("x: {minimize: cost}\n").at("x"), groups));
  EXPECT_DOUBLE_EQ(by_cost[2], 1e6);
  const auto weighted = objective_values(
      strategies,
      read_objective_spec(
          deck("x: {minimize: weighted, weights: {ghg: 1, energy_grid_electricity: 0.5}}\n")
              .at("x"),
          groups));
  EXPECT_NEAR(weighted[0], 100.0 / 120 + 0.5 * 0.5, 1e-12);
  EXPECT_NEAR(weighted[1], 80.0 / 120 + 0.5 * 1.0, 1e-12);
  EXPECT_NEAR(weighted[2], 1.0 + 0.5 * 0.25, 1e-12);
  // A weight on a group that was not computed, or cost with a partial total, stops the run.
  EXPECT_THROW(
      read_objective_spec(deck("x: {minimize: weighted, weights: {nox: 1}}\n").at("x"), groups),
      InputError);
  strategies[0].cost.unpriced = {"capital:pt"};
  EXPECT_THROW(objective_values(strategies,
                                read_objective_spec(deck("x: {minimize: cost}\n").at("x"), groups)),
               InputError);
}

// The tables follow data/README.md: every row names a source and a status; a row without a
// value is `missing` and a row with one is not.
TEST(DataTables, EveryRowHasASourceAndAHonestStatus) {
  for (const char* name : {"emission_factors.csv", "footprint_factors.csv"}) {
    const auto table = data_table(name);
    const std::size_t value = table.column("value"), source = table.column("source"),
                      status = table.column("status");
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      const std::string where = std::string(name) + ":" + std::to_string(table.lines[r]);
      EXPECT_FALSE(row[source].empty()) << where;
      EXPECT_FALSE(row[status].empty()) << where;
      EXPECT_EQ(row[value].empty(), row[status] == "missing") << where;
    }
  }
  // Both tables parse through their readers (units known, values numbers).
  EXPECT_NO_THROW(footprint_spec("carbon: {grid: china-national}\n"));
}

} // namespace
} // namespace terrafate
