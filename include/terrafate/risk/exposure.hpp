#pragma once
// Exposure parameter sets (data/exposure.csv): a framework (hj25.3-2019, us-epa) and a land use
// (first_class, second_class; resident, commercial), each value with its unit, source and status;
// the deck may override any of them. Plain C++.
#include <map>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/core/csv_table.hpp"

namespace terrafate {

struct ExposureValue {
  double value = 0.0;
  std::string unit;   ///< as in the table (`a` years, `-` dimensionless)
  std::string source; ///< the table's source, or the deck's location for an override
  std::string status; ///< the table's status, or "deck" for an override
};

class ExposureSet {
public:
  ExposureSet() = default;
  ExposureSet(std::string framework, std::string land_use)
      : framework_(std::move(framework)), land_use_(std::move(land_use)) {}
  const std::string& framework() const { return framework_; }
  const std::string& land_use() const { return land_use_; }
  bool has(const std::string& parameter) const { return values_.count(parameter) > 0; }
  /// The value; throws InputError naming the parameter, the set and risk.overrides when absent.
  double get(const std::string& parameter) const;
  const std::map<std::string, ExposureValue>& values() const { return values_; }
  void set(const std::string& parameter, ExposureValue value) {
    values_[parameter] = std::move(value);
  }

private:
  std::string framework_, land_use_;
  std::map<std::string, ExposureValue> values_;
};

/// The land uses of a framework: {first_class, second_class} or {resident, commercial}.
std::vector<std::string> land_uses(const std::string& framework);

/// The rows of `table` for `framework` and `land_use` (and those marked `both`).
ExposureSet read_exposure_set(const CsvTable& table, const std::string& framework,
                              const std::string& land_use);

/// Applies the deck's overrides of this set's land use: a map parameter -> value (a number in the
/// table's unit, or a quantity with its unit). An unknown parameter is an error.
void apply_overrides(ExposureSet& set, const ConfigNode& overrides);

} // namespace terrafate
