#pragma once
// The reports at the end of a run: the carbon footprint and run_summary.json.
#include <filesystem>
#include <string>
#include <vector>

#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/remediation/ledger.hpp"
#include "terrafate/run/model.hpp"
#include "terrafate/run/run_result.hpp"
#include "terrafate/transport/transport_solver.hpp"

namespace terrafate {

/// OUTDIR/carbon.csv (a row per emitting ledger item) and carbon_summary.csv (per phase and in
/// all) from the run's ledger; returns what carbon_summary.csv holds.
CarbonResult write_footprint(const std::filesystem::path& folder, const Model& model,
                             const Ledger& ledger);

/// Wall-clock seconds of the parts of a run.
struct RunTimes {
  double model_setup = 0.0, time_loop = 0.0, output = 0.0, wall = 0.0, transport = 0.0;
};

/// OUTDIR/run_summary.json: counts, closures and times of the run, and its plausibility
/// `warnings` (rank 0 calls it).
void write_run_summary(const std::filesystem::path& folder, const Model& model, int ranks,
                       long steps, const FlowSolver& flow, const TransportSolver* transport,
                       long retries, double max_closure, double max_mass_closure,
                       const RunTimes& times, const std::vector<std::string>& warnings);

} // namespace terrafate
