// The unsaturated hydraulics of the soil columns: the unit-gradient water content must invert
// the van Genuchten-Mualem conductivity. References: the water contents below were computed by
// bisection of K(theta) = q in 50-digit arithmetic (mpmath), independently of this code.
#include <gtest/gtest.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/soil/soil_spec.hpp"
#include "terrafate/soil/soil_standards.hpp"

namespace terrafate {
namespace {

struct Case {
  VanGenuchten texture;
  double flux;  ///< [m/d]
  double theta; ///< [-] reference
};

// Textures: the loam of the deck contract, a sand and a clay (Carsel and Parrish 1988 classes).
const Case kCases[] = {
    {{3.6, 1.56, 0.078, 0.43, 0.25}, 0.001, 0.27238198700823553},
    {{14.5, 2.68, 0.045, 0.43, 7.128}, 0.002, 0.098825068591456005},
    {{0.8, 1.09, 0.068, 0.38, 0.048}, 1.0e-5, 0.33714228504672449},
    {{3.6, 1.56, 0.078, 0.43, 0.25}, 0.2, 0.42976010725266534},
};

TEST(SoilHydraulics, UnitGradientWaterContentMatchesHighPrecisionInversion) {
  for (const auto& c : kCases) {
    const double theta = unit_gradient_moisture(c.texture, c.flux);
    EXPECT_NEAR(theta, c.theta, 1.0e-10) << "flux " << c.flux;
    // And the conductivity at that water content is the flux.
    EXPECT_NEAR(mualem_conductivity(c.texture, theta) / c.flux, 1.0, 1.0e-10);
  }
}

TEST(SoilHydraulics, LimitsOfTheFlux) {
  const VanGenuchten loam{3.6, 1.56, 0.078, 0.43, 0.25};
  EXPECT_EQ(unit_gradient_moisture(loam, 0.0), loam.theta_r);
  EXPECT_EQ(unit_gradient_moisture(loam, loam.ks), loam.theta_s);
  EXPECT_EQ(mualem_conductivity(loam, loam.theta_s), loam.ks);
  EXPECT_EQ(mualem_conductivity(loam, loam.theta_r), 0.0);
}

// GB 36600-2018 values as printed in data/standards.csv (PCE: 11/53 screening, 34/183
// intervention; cis-1,2-DCE by CAS; MTBE has none).
TEST(SoilStandards, LooksUpByNameCaseInsensitivelyOrCas) {
  const auto table = read_csv_table(data_table_path("standards.csv"));
  std::vector<SpeciesSpec> species(3);
  species[0].chemical = "pce";
  species[1].chemical = "156-59-2";
  species[2].chemical = "MTBE";
  const auto first = gb36600_values(table, 1, species);
  const auto second = gb36600_values(table, 2, species);
  ASSERT_TRUE(first[0].listed);
  EXPECT_EQ(first[0].screening, 11.0);
  EXPECT_EQ(first[0].intervention, 34.0);
  EXPECT_EQ(second[0].screening, 53.0);
  EXPECT_EQ(second[0].intervention, 183.0);
  EXPECT_EQ(second[1].screening, 596.0);
  EXPECT_EQ(second[1].intervention, 2000.0);
  EXPECT_FALSE(first[2].listed);
  EXPECT_EQ(first[0].status, "secondary transcription (not checked against official PDF)");
}

} // namespace
} // namespace terrafate
