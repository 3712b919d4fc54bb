#pragma once
// The whole `carbon:` section in one read: the carbon footprint's factors and supplies, the
// indicators beyond CO2e and the present-value cost settings. Plain C++ (no PETSc, no MPI).
#include "terrafate/carbon/carbon.hpp"
#include "terrafate/carbon/cost.hpp"
#include "terrafate/carbon/indicators.hpp"

namespace terrafate {

struct FootprintSpec {
  CarbonSpec carbon;
  IndicatorSpec indicators;
  PresentValueSpec present_value;
};

/// Reads `carbon:` with every key (read_carbon_spec with footprint_keys, read_indicator_spec,
/// read_present_value_spec) against data/emission_factors.csv and data/footprint_factors.csv.
FootprintSpec read_footprint_spec(const ConfigNode& carbon, const CsvTable& emission_factors,
                                  const CsvTable& footprint_factors);

} // namespace terrafate
