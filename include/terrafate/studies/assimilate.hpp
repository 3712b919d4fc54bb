#pragma once
// `terrafate assimilate`: the ensemble smoother with multiple data assimilation (ES-MDA) around
// the forward model. The members of each iteration run concurrently on MPI sub-communicators
// (RunGroups); the analysis step (terrafate_monitoring) updates their parameters from the
// monitoring record; the last ensemble is the posterior, run over the deck's whole horizon for
// the posterior predictive (docs/monitoring.md, docs/user-guide.md).
#include <mpi.h>

#include "terrafate/run/deck.hpp"
#include "terrafate/run/simulation.hpp"

namespace terrafate {

/// Collective over `world`: reads the deck's `monitoring:` and `assimilation:` blocks, runs the
/// prior ensemble and `iterations` ES-MDA updates on groups of `ranks_per_run` ranks, and writes
/// into options.output_folder: posterior.csv, parameters_summary.csv, fit.csv, misfit.csv,
/// predictive.csv (observation points, prior and posterior quantiles) and, with a risk: section,
/// compliance_probability.csv, prior_risk.csv, posterior_risk.csv (risk trajectories: quantiles
/// and compliance probability per receptor, criterion and time) and posterior_risk_members.csv;
/// the members' results come back in memory (RunResult); the member runs under
/// runs/iteration_K/NNNN (K = 0: the prior, K = iterations: the posterior). The result does not
/// depend on how the members are spread over the ranks. Throws InputError for a deck without those
/// blocks or with data the model cannot simulate, NumericalError when a member's run fails.
void run_assimilation(MPI_Comm world, const Deck& deck, const RunOptions& options,
                      int ranks_per_run);

/// Collective: `terrafate run --observations-at FILE`: runs the deck (as run_simulation, into
/// options.output_folder) with the sampling points of its monitoring.wells added to the
/// observation points and the times of the monitoring CSV `data` to the output times, and writes
/// observations_at.csv (`well,time,species,value,unit`: one row per row of `data`, in its order;
/// time in days, the simulated concentration in mg/L, flux-weighted over a screen) as assimilate
/// samples its members. Throws InputError for a deck without monitoring.wells or with data the
/// model cannot simulate.
void run_observations_at(MPI_Comm comm, const Deck& deck, const RunOptions& options,
                         const std::filesystem::path& data);

} // namespace terrafate
