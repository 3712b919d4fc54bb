#pragma once
// GB 36600-2018 soil screening and intervention values (data/standards.csv) for the species of a
// run, by land use class.
#include <string>
#include <vector>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/transport/transport_spec.hpp"

namespace terrafate {

struct SoilStandard {
  bool listed = false;       ///< the table has a value for the species and land use
  double screening = 0.0;    ///< [mg/kg] risk screening value
  double intervention = 0.0; ///< [mg/kg] risk intervention value
  std::string item;          ///< the standard's table and item number
  std::string status;        ///< the value's status column (verified, unverified ...)
};

/// Per species: the GB 36600-2018 values of land use class `land_class` (1: first class,
/// 2: second class) from `table`, matched by the species' chemical (its name unless the deck
/// names one) against the table's contaminant names (case-insensitive) and CAS numbers.
std::vector<SoilStandard> gb36600_values(const CsvTable& table, int land_class,
                                         const std::vector<SpeciesSpec>& species);

} // namespace terrafate
