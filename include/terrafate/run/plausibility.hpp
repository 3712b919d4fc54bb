#pragma once
// Plausibility warnings: input that is valid but most likely a mistake (a unit slip, swapped
// values), printed by validate and at the top of run and optimize; they never stop a run.
#include <string>
#include <vector>

#include "terrafate/run/model.hpp"
#include "terrafate/transport/transport_solver.hpp"

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

/// Collective: per species with a groundwater standard (risk:), a warning when its concentration
/// `transport` holds now (the end of the run) exceeds the standard in a cell on a lateral model
/// boundary (xmin, xmax, ymin, ymax; an axis of one cell has none), cells of a held source
/// (concentration or NAPL) aside: the plume reaches the edge of the model, where a fixed
/// boundary lets it leave or confines it. Names the species, the standard, each face and its
/// largest concentration. The same on every rank; empty when none.
std::vector<std::string> boundary_plume_warnings(const Model& model,
                                                 const TransportSolver& transport);

} // namespace terrafate
