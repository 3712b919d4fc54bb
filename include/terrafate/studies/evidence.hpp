#pragma once
// `terrafate evidence`: lines of evidence for natural attenuation from the deck's monitoring
// record (trends, attenuation rates, plume stability, daughter/parent ratios; docs/monitoring.md).
#include <filesystem>
#include <vector>

#include <mpi.h>

#include "terrafate/monitoring/monitoring_data.hpp"
#include "terrafate/run/deck.hpp"

namespace terrafate {

/// The deck's `monitoring:` block and its data file (`data` when given instead of the block's),
/// checked (every sample's well declared); `assimilation:` is read too when present. Throws
/// InputError naming the key or file:line.
struct MonitoringInput {
  monitoring::MonitoringSpec spec;
  monitoring::MonitoringData data;
};
MonitoringInput read_monitoring_input(const Deck& deck, const std::filesystem::path& data = {});

/// Collective: the speed of the steady flow of the deck's first stress period at `points`,
/// trilinearly interpolated between cell centres: the Darcy flux |q| [m/d], or with `seepage` the
/// seepage speed |q| / n [m/d]; the same on every rank.
std::vector<double> steady_flow_speed_at(MPI_Comm comm, const Deck& deck,
                                         const std::vector<ObservationPointSpec>& points,
                                         bool seepage);

/// Collective: reads the monitoring record, computes the evidence and writes (rank 0)
/// trends.csv, rates.csv, stability.csv and ratios.csv into `output_folder` (empty:
/// <deck name>_evidence). A flow path without
/// `seepage_velocity` takes the mean seepage speed |q| / n [m/d] of the steady flow (first stress
/// period) at its wells. Throws InputError when the deck has no monitoring: block.
void run_evidence(MPI_Comm comm, const Deck& deck, const std::filesystem::path& output_folder,
                  bool overwrite);

} // namespace terrafate
