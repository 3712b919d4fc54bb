#pragma once
// Plausibility warnings: input that is valid but most likely a mistake (a unit slip, swapped
// values), printed by validate and at the top of run and optimize; they never stop a run.
#include <string>
#include <vector>

#include "terrafate/run/model.hpp"

namespace terrafate {

/// [m/d] hydraulic conductivity outside which a material is implausible (clay to open gravel).
inline constexpr double kPlausibleConductivityMin = 1.0e-7;
inline constexpr double kPlausibleConductivityMax = 1.0e4;
/// [-] largest grid Peclet number (cell width over longitudinal dispersivity) that first-order
/// upwind advection resolves without numerical dispersion swamping the physical one.
inline constexpr double kPlausibleGridPeclet = 2.0;

/// The deck's plausibility warnings, one sentence each naming the key and file:line: hydraulic
/// conductivity outside kPlausibleConductivityMin..Max, transverse dispersivity above the
/// longitudinal one, and with `transport.advection: upwind` a grid Peclet number above
/// kPlausibleGridPeclet. Empty when none.
std::vector<std::string> plausibility_warnings(const Deck& deck, const Model& model);

/// A warning when `max_head` [m] lies more than the model's thickness above its top (a recharge
/// or flux in the wrong unit, or K far too small); empty otherwise.
std::string head_warning(const Grid& grid, double max_head);

} // namespace terrafate
