#pragma once
// `terrafate optimize` and `terrafate run --strategy`: the deck's strategies and design space
// (strategy_spec.hpp) simulated by the Evaluator (evaluator.hpp) and summed up in a
// recommendation (recommendation.hpp).
#include <filesystem>

#include <mpi.h>

#include "terrafate/run/simulation.hpp"
#include "terrafate/studies/strategy_spec.hpp"

namespace terrafate {

/// Collective: `terrafate run DECK --strategy NAME`: that strategy alone, with the branch time
/// as a breakpoint so that it matches an evaluation branched from the shared history (with an
/// ensemble, every realization of it).
void run_strategy(MPI_Comm comm, const Deck& deck, const std::string& name,
                  const RunOptions& options);

/// Collective over `world`: `terrafate optimize`: evaluates every strategy, then searches the
/// design space, on sub-communicators of `ranks_per_run` ranks into OUTDIR/strategies/<name>/
/// (designs: design_NNNN, their decks in OUTDIR/designs/), and writes strategies.csv,
/// pareto.csv, recommendation.json, results.h5 (every strategy's risk trajectories) and
/// report.md. A `posterior` (an assimilation's posterior.csv) replaces the ensemble's draws: the
/// strategies are judged on its realizations (with objective.confidence when the deck has an
/// ensemble: section, else every realization must comply).
void run_optimize(MPI_Comm world, const Deck& deck, const RunOptions& options, int ranks_per_run,
                  const std::filesystem::path& posterior = {});

} // namespace terrafate
