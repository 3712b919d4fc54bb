#include "terrafate/carbon/footprint.hpp"

namespace terrafate {

FootprintSpec read_footprint_spec(const ConfigNode& carbon, const CsvTable& emission_factors,
                                  const CsvTable& footprint_factors) {
  FootprintSpec spec;
  spec.carbon = read_carbon_spec(carbon, emission_factors, true);
  spec.indicators = read_indicator_spec(carbon, footprint_factors);
  spec.present_value = read_present_value_spec(carbon);
  return spec;
}

} // namespace terrafate
