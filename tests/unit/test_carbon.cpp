// Carbon accounting against hand calculations: ledger quantities x emission factors.
#include <cmath>

#include <gtest/gtest.h>

#include "terrafate/carbon/carbon.hpp"

namespace terrafate {
namespace {

const char* kTable = "key,item,value,unit,scope_or_boundary,source,status,notes\n"
                     "electricity:test-grid,grid,0.5,kgCO2/kWh,,src,verified,\n"
                     "electricity:market,market,0.6,tCO2/MWh,,src,verified,\n"
                     "diesel,diesel,2.7,kgCO2e/L,,src,verified,\n"
                     "haulage,hgv,0.15,kgCO2e/(t*km),,src,verified,\n"
                     "material:steel,steel,1.95,kgCO2e/kg,,src,verified,\n"
                     "material:activated_carbon,gac,,kgCO2e/kg,,src,missing,\n";

CarbonSpec spec(const std::string& deck) {
  const auto node = ConfigNode::load_string(deck, "deck.yaml");
  return read_carbon_spec(node.at("carbon"), parse_csv_table(kTable, "factors.csv"));
}

TEST(Carbon, FootprintIsLedgerTimesFactors) {
  const auto carbon = spec("carbon: {grid: test-grid, costs: {diesel: 8}}\n");
  const std::vector<LedgerLine> ledger = {
      {"pt", "pump_and_treat", "electricity:pumping", 12000.0, "kWh"},
      {"pt", "pump_and_treat", "water_pumped", 5.0e5, "m3"}, // outside the inventory
      {"wall", "barrier_wall", "material:steel", 40000.0, "kg"},
      {"wall", "barrier_wall", "diesel", 300.0, "L"},
      {"dig", "excavation", "haulage", 9600.0, "t*km"},
      {"dig", "excavation", "diesel", 500.0, "L"}};
  const auto lines = footprint(ledger, carbon);
  ASSERT_EQ(lines.size(), 5u);
  // 12000 kWh x 0.5 kg/kWh = 6 t; 40000 kg x 1.95 = 78 t; 300 L x 2.7 = 0.81 t;
  // 9600 t*km x 0.15 = 1.44 t; 500 L x 2.7 = 1.35 t.
  EXPECT_DOUBLE_EQ(lines[0].tco2e, 6.0);
  EXPECT_EQ(lines[0].phase, Phase::operation);
  EXPECT_DOUBLE_EQ(lines[1].tco2e, 78.0);
  EXPECT_EQ(lines[1].phase, Phase::construction);
  EXPECT_DOUBLE_EQ(lines[2].tco2e, 0.81);
  EXPECT_DOUBLE_EQ(lines[2].cost, 2400.0);
  EXPECT_DOUBLE_EQ(lines[3].tco2e, 1.44);
  EXPECT_EQ(lines[3].phase, Phase::transport_and_disposal);
  EXPECT_DOUBLE_EQ(lines[4].tco2e, 1.35);
  EXPECT_EQ(lines[4].phase, Phase::construction);
  EXPECT_TRUE(std::isnan(lines[0].cost));
}

TEST(Carbon, TonnesPerMegawattHourAreKilogramsPerKilowattHour) {
  const auto carbon = spec("carbon: {grid: market}\n");
  const auto lines = footprint({{"t", "thermal", "electricity:heating", 1000.0, "kWh"}}, carbon);
  EXPECT_DOUBLE_EQ(lines[0].tco2e, 0.6);
}

TEST(Carbon, MissingFactorsStopWithTheirNames) {
  const auto carbon = spec("carbon: {grid: test-grid}\n");
  const std::vector<LedgerLine> ledger = {
      {"pt", "pump_and_treat", "material:activated_carbon", 10.0, "kg"},
      {"mon", "monitoring", "vehicle_km", 80.0, "km"}};
  try {
    footprint(ledger, carbon);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("material:activated_carbon"), std::string::npos) << message;
    EXPECT_NE(message.find("vehicle_km"), std::string::npos) << message;
  }
  // Given in the deck, they count (monitoring travel in the monitoring phase).
  const auto given = spec(
      "carbon: {grid: test-grid, factors: {material:activated_carbon: 4, vehicle_km: 0.25}}\n");
  const auto lines = footprint(ledger, given);
  EXPECT_DOUBLE_EQ(lines[0].tco2e, 0.04);
  EXPECT_DOUBLE_EQ(lines[1].tco2e, 0.02);
  EXPECT_EQ(lines[1].phase, Phase::monitoring);
  EXPECT_EQ(lines[1].factor.status, "deck");
}

TEST(Carbon, UnknownGridIsAnInputError) {
  EXPECT_THROW(spec("carbon: {grid: mars}\n"), InputError);
  EXPECT_THROW(spec("carbon: {factors: {fairy_dust: 1}}\n"), InputError);
}

} // namespace
} // namespace terrafate
