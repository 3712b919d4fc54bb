#pragma once
// Uncertainty ensembles (deck key `ensemble:`): independent forward runs of the deck with
// sampled parameters, run concurrently on MPI sub-communicators, and the quantiles of their
// risk trajectories.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/run/deck.hpp"
#include "terrafate/run/run_result.hpp"
#include "terrafate/run/simulation.hpp"

namespace terrafate {

/// One uncertain parameter: a scalar of the deck drawn from a distribution, or a random
/// conductivity field of a material.
struct EnsembleParameter {
  enum class Kind { normal, lognormal, uniform, field };
  Kind kind = Kind::normal;
  std::string path;               ///< as written in the deck, e.g. transport.species.PCE.decay.rate
  std::vector<std::string> parts; ///< path components
  double a = 0.0, b = 0.0;        ///< normal: mean, std; lognormal: median, gsd; uniform: low, high
  int material = -1;              ///< field: index into the deck's materials
  double log10_std = 0.0;         ///< field
  std::array<double, 3> correlation_length{}; ///< [m] field
};

struct EnsembleSpec {
  int realizations = 0;
  std::uint64_t seed = 0;
  std::vector<EnsembleParameter> parameters;
  /// Given values [realization][parameter] (an assimilation's posterior.csv); empty: drawn.
  std::vector<std::vector<double>> values;
};

/// Reads `ensemble:` and checks every path against the deck.
EnsembleSpec read_ensemble_spec(const ConfigNode& node, const Deck& deck);

/// The realizations of `terrafate assimilate`'s posterior.csv (`realization,<deck paths...>`) as
/// an ensemble of given values; every path must name a single value of the deck. Throws
/// InputError naming the file (and line) otherwise.
EnsembleSpec read_posterior_ensemble(const std::filesystem::path& path, const Deck& deck);

/// The value of scalar parameter p in realization r: the given value, or a draw (a pure function
/// of seed, p and r).
double sample_parameter(const EnsembleSpec& spec, std::size_t p, int realization);

/// `text` (a deck) with the scalar at each of `paths` (map keys; in lists the element of that
/// name) set to `values[p]`, and the top-level keys `removed` left out. A remediation path this
/// deck does not hold (an action a strategy does not take) is skipped.
std::string deck_text_with_values(const std::string& text,
                                  const std::vector<std::vector<std::string>>& paths,
                                  const std::vector<double>& values,
                                  const std::vector<std::string>& removed);

/// The deck text of realization r: the sampled values written in place, without `ensemble:`.
std::string realization_deck_text(const Deck& deck, const EnsembleSpec& spec, int realization);

/// The random conductivity fields of realization r (its field parameters' streams).
std::vector<ConductivityField> realization_fields(const EnsembleSpec& spec, int realization);

/// [d] the deck's decision.stability_window (default 5 years of kDaysPerYear): the window before
/// the horizon over which a receptor's risk must not rise.
double stability_window(const Deck& deck);

/// Whether some receptor's worst ratio (max of cancer risk / `target_risk`, hazard index /
/// `target_quotient` and concentration / standard, the run's series at every step) rises over
/// the last `window` [d] by more than 0.1 % of the target (the run is `unstable`).
bool unstable_run(const RunResult& run, double window, double target_risk, double target_quotient);

/// Which part of an ensemble a run does (`--realizations A:B`, `--gather`): job-array tasks each
/// run a range of realizations into one shared folder, and a last step gathers them.
struct EnsemblePart {
  int first = 0;       ///< realizations first .. end - 1
  int end = -1;        ///< -1: to the last; an end beyond the ensemble's size is cut to it
  bool gather = false; ///< run nothing: summarize the realizations already in the folder
};

/// The part given by `--realizations A:B` (empty `range`: the whole ensemble) and `--gather`;
/// InputError for a range not of the form A:B.
EnsemblePart ensemble_part(const std::string& range, bool gather);

/// Collective over `world`: runs every realization of the deck's ensemble on sub-communicators
/// of `ranks_per_run` ranks into options.output_folder/realizations/NNNN, then writes
/// ensemble.csv (the sampled values and status of each realization, its time to target (the
/// latest over the receptors, judged at every step) and whether it is unstable at the end of
/// the run) and risk_quantiles.csv.
/// A part that is not the whole ensemble runs its range only, into the folder whether or not it
/// holds files (removing a previous summary), and writes no summary; `gather` writes the summary
/// from the folder (an InputError names the realizations without a status).
void run_ensemble(MPI_Comm world, const Deck& deck, const RunOptions& options, int ranks_per_run,
                  const EnsemblePart& part = {});

} // namespace terrafate
