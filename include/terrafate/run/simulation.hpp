#pragma once
// The run driver: builds the model from a deck, steps through time and writes the outputs.
#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/run/deck.hpp"
#include "terrafate/carbon/carbon.hpp"
#include "terrafate/flow/flow_spec.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/grid/materials.hpp"
#include "terrafate/remediation/remediation.hpp"
#include "terrafate/risk/risk_spec.hpp"
#include "terrafate/soil/soil_spec.hpp"
#include "terrafate/transport/transport_spec.hpp"

namespace terrafate {

/// A random conductivity field of one material (an ensemble realization): K is multiplied by
/// 10^(log10_std g) with g the GaussianField of the given correlation lengths and stream.
struct ConductivityField {
  int material = 0;
  double log10_std = 0.0;
  std::array<double, 3> correlation_length{}; ///< [m]
  std::uint64_t seed = 0, stream = 0;
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
};

struct RunOptions {
  std::filesystem::path output_folder;
  std::vector<std::string> petsc_arguments; ///< recorded as provenance
  bool quiet = false;                       ///< no progress or summary lines (ensemble members)
  bool overwrite = false;                   ///< write into an existing, non-empty output folder
  std::vector<ConductivityField> fields;    ///< random conductivity fields (ensemble members)
  std::filesystem::path restart;            ///< checkpoint to continue from (empty: none)
  /// The restart branches a strategy from a shared history written with another set of
  /// remediation actions (all starting at or after the checkpoint): the deck may differ, and
  /// the actions' state starts afresh.
  bool branch = false;
  /// [d] extra times the steps must land on (a strategy's branch time).
  std::vector<double> breakpoints;
  /// [d] stop at the end of the step reaching this time, after writing a checkpoint to
  /// `stop_checkpoint` (a shared history); infinity: run to the end.
  double stop_at = std::numeric_limits<double>::infinity();
  std::filesystem::path stop_checkpoint;
  double checkpoint_minutes = 0.0; ///< [min] wall clock between checkpoints (0: none)
};

/// Makes SIGTERM and SIGINT request a checkpoint and a stop at the end of the current step
/// (run_simulation then throws RunInterrupted).
void install_stop_signal_handlers();

/// Collective: creates `folder`; throws InputError when it exists with files in it and
/// `overwrite` is false, or cannot be created.
void prepare_output_folder(MPI_Comm comm, const std::filesystem::path& folder, bool overwrite);

/// Collective: runs the deck and writes every output into options.output_folder.
void run_simulation(MPI_Comm comm, const Deck& deck, const RunOptions& options);

} // namespace terrafate
