#pragma once
// A scalar probability distribution as a deck gives one (ensemble.parameters and
// assimilation.parameters entries): `distribution: normal | lognormal | uniform` with its two
// parameters.
#include "terrafate/core/config.hpp"

namespace terrafate {

struct Distribution {
  enum class Kind { normal, lognormal, uniform };
  Kind kind = Kind::normal;
  double a = 0.0; ///< normal: mean; lognormal: median (> 0); uniform: min
  double b = 0.0; ///< normal: std; lognormal: geometric standard deviation gsd; uniform: max
};

/// Reads `distribution` of `entry` and its parameters: normal (mean, std), lognormal (median,
/// gsd), uniform (min, max; max > min); besides them the entry may hold only `path`. With
/// `degenerate` a normal std of 0 and a gsd of 1 (no spread) are allowed, else std > 0 and gsd > 1.
Distribution read_distribution(const ConfigNode& entry, bool degenerate);

} // namespace terrafate
