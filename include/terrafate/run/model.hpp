#pragma once
// The distributed model of one run, built from a deck.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <mpi.h>

#include "terrafate/carbon/carbon.hpp"
#include "terrafate/carbon/footprint.hpp"
#include "terrafate/flow/flow_spec.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/grid/materials.hpp"
#include "terrafate/io/field_block.hpp"
#include "terrafate/remediation/remediation.hpp"
#include "terrafate/risk/risk_spec.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/soil/soil_columns.hpp"
#include "terrafate/soil/soil_spec.hpp"
#include "terrafate/transport/transport_spec.hpp"

namespace terrafate {

/// A random conductivity field of one material (an ensemble realization): K is multiplied by
/// 10^(log10_std g) with g the GaussianField of the given correlation lengths and stream; or, when
/// ln_factor is given (an assimilation member's updated field), by exp(ln_factor) per cell.
struct ConductivityField {
  int material = 0;
  double log10_std = 0.0;
  std::array<double, 3> correlation_length{}; ///< [m]
  std::uint64_t seed = 0, stream = 0;
  /// [1] ln of the factor per cell of the whole grid (x fastest, then y, then z); empty: the
  /// Gaussian field above.
  std::vector<double> ln_factor;
};

/// The distributed model built from a deck: grid, materials, flow, transport and soil input.
/// Building it completes the validation of everything that needs the grid (positions, regions, HDF5
/// fields).
struct Model {
  Model(MPI_Comm comm, const Deck& deck, const std::vector<ConductivityField>& fields = {});
  Grid grid;
  Materials materials;
  FlowSpec flow;
  std::optional<TransportSpec> transport;
  std::optional<SoilSpec> soil;
  std::vector<RemediationAction> remediation;
  std::optional<RiskSpec> risk;
  std::optional<CarbonSpec> carbon;
  /// `carbon.indicators` / `indicator_factors` (footprint.csv) and `carbon.present_value`
  /// (cost.csv); set with `carbon`.
  IndicatorSpec indicators;
  PresentValueSpec present_value;
};

/// [d] Stress-period boundaries: 0, every well and cap start/end and every point of a boundary's
/// time series inside the run, and the end.
std::vector<double> stress_periods(const FlowSpec& flow, double end);

/// The soil columns of the model (null without a soil: section); -soil_max_courant sets their
/// largest Courant number (default 0.1).
std::unique_ptr<SoilColumns> make_soil(const Model& model);

/// The names of the cell fields a run can write (output.fields): head, darcy_flux, velocity,
/// each species, and when a material has immobile porosity each <species>_immobile.
std::vector<std::string> output_field_names(const Deck& deck, const Model& model);

/// The block of cells this rank owns, for the HDF5 and VTK writers.
io::LocalBlock local_block(const Grid& grid);

} // namespace terrafate
