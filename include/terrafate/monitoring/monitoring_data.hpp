#pragma once
// Monitoring records (deck key `monitoring:`, a CSV of well samples) and the ensemble data
// assimilation settings (deck key `assimilation:`) as plain structs. Plain C++ (no PETSc, no MPI).
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "terrafate/core/config.hpp"

namespace terrafate::monitoring {

/// Days from 1970-01-01 to the ISO 8601 calendar date `text` (YYYY-MM-DD, proleptic Gregorian).
/// Throws std::invalid_argument when `text` is not such a date (month 1-12, day within the month).
long days_from_iso_date(std::string_view text);

/// `time.start_date` [days since 1970-01-01]: the date of simulation time 0. Throws InputError at
/// the node when it is not an ISO date.
long read_start_date(const ConfigNode& node);

/// One laboratory result.
struct Sample {
  std::string well;
  std::string species;
  double time = 0.0;  ///< [d] simulation time (days since time.start_date when dates are given)
  double value = 0.0; ///< [mg/L] measured concentration; a non-detect carries its detection limit
  double detection_limit = 0.0; ///< [mg/L] 0 when the row gives none
  bool non_detect = false;      ///< below the detection limit (censored at detection_limit)
  int line = 0;                 ///< line of the CSV row (1-based)
};

/// A monitoring CSV: `well,time,species,value,unit[,detection_limit]`.
struct MonitoringData {
  std::filesystem::path path;
  std::vector<Sample> samples; ///< in file order
};

/// Reads a monitoring CSV. Columns (header names, any order, extra columns refused):
/// - `time`: a number of days, a quantity with a time unit ("2.5 yr"), or an ISO date
///   (YYYY-MM-DD), which needs `start_date` [days since 1970-01-01] and becomes days after it;
/// - `value`: a number >= 0; `<X` (a non-detect with detection limit X); or `ND` (a non-detect,
///   which needs the detection_limit column). A number below the row's detection limit is a
///   non-detect too. Values and detection limits are in the row's `unit` (any udunits2
///   concentration: mg/L, ug/L, g/m3, ...) and are converted to mg/L.
/// Throws InputError naming file:line and the column for every bad field.
MonitoringData read_monitoring_csv(const std::filesystem::path& path,
                                   std::optional<long> start_date);

/// A monitoring well: a point, or a vertical screen over which simulated values are averaged
/// weighted by the flux through the screen.
struct Well {
  std::string name;
  std::array<double, 3> position{}; ///< [m] x, y, and z (the screen's mid-point when screened)
  bool screened = false;
  double screen_bottom = 0.0; ///< [m] elevation
  double screen_top = 0.0;    ///< [m] elevation
  double area = 0.0;          ///< [m2] representative area for plume moments; 0: equal weights
};

/// An ordered list of wells along the groundwater flow direction, for the bulk attenuation and
/// biodegradation rates (Newell et al. 2002).
struct FlowPath {
  std::string name;
  std::vector<std::string> wells;         ///< upgradient first
  double dispersivity = 0.0;              ///< [m] longitudinal; 0: no biodegradation rate
  double retardation = 1.0;               ///< [-] of the species along the path
  std::optional<double> seepage_velocity; ///< [m/d]; absent: from the flow model
};

/// `monitoring:` of the deck.
struct MonitoringSpec {
  std::filesystem::path data; ///< resolved against the deck's folder
  std::vector<Well> wells;
  std::vector<FlowPath> flow_paths;
  double porosity = 0.0;  ///< [-] for plume mass; 0: mass per unit porosity and thickness
  double thickness = 0.0; ///< [m] saturated thickness for plume mass
  SourceLocation where;
};

/// Reads `monitoring:` (keys data, wells, flow_paths, plume); `deck_folder` resolves `data`.
/// A well has `position: [x, y, z]`, or `position: [x, y]` with `screen: [bottom, top]` [m].
MonitoringSpec read_monitoring_spec(const ConfigNode& node,
                                    const std::filesystem::path& deck_folder);

/// Checks that every sample's well is declared in `spec` (InputError at the CSV line otherwise).
void check_samples_against_wells(const MonitoringData& data, const MonitoringSpec& spec);

/// One uncertain parameter of the assimilation (the same forms as ensemble.parameters).
struct AssimilationParameter {
  enum class Kind { normal, lognormal, uniform, field };
  Kind kind = Kind::normal;
  std::string path;               ///< e.g. transport.species.PCE.decay.rate
  std::vector<std::string> parts; ///< path components
  double a = 0.0, b = 0.0;        ///< normal: mean, std; lognormal: median, gsd; uniform: low, high
  double log10_std = 0.0;         ///< field
  std::array<double, 3> correlation_length{}; ///< [m] field
  SourceLocation where;
};

/// `assimilation:` of the deck.
struct AssimilationSpec {
  std::string method = "es-mda";
  int iterations = 4;
  int realizations = 0;
  std::uint64_t seed = 0;
  std::vector<AssimilationParameter> parameters;
  std::vector<double> inflation; ///< alpha_i, one per iteration, sum of 1/alpha_i = 1
  double error_relative = 0.0;   ///< [-] of the observed value
  double error_absolute = 0.0;   ///< [mg/L]
  bool log_transform = false;    ///< assimilate ln concentrations
  SourceLocation where;
};

/// Reads `assimilation:`; every scalar parameter path must name a single scalar value of `root`
/// (the whole deck; a list element is chosen by its `name`), a field a material's
/// hydraulic_conductivity. `inflation` is optional (default: alpha_i = iterations for all i);
/// when given its length is `iterations` and sum 1/alpha_i = 1 within 1e-9.
AssimilationSpec read_assimilation_spec(const ConfigNode& node, const ConfigNode& root);

} // namespace terrafate::monitoring
