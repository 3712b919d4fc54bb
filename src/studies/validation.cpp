#include "terrafate/studies/validation.hpp"

#include "terrafate/run/model.hpp"
#include "terrafate/run/observations.hpp"
#include "terrafate/run/plausibility.hpp"
#include "terrafate/studies/ensemble.hpp"
#include "terrafate/studies/evidence.hpp"
#include "terrafate/studies/strategy_spec.hpp"

namespace terrafate {

DeckCheck validate_deck(MPI_Comm comm, const Deck& deck, bool need_monitoring) {
  DeckCheck check;
  check.has_strategies = deck.root.has("strategies") || deck.root.has("objective") ||
                         deck.root.has("design_space") || deck.root.has("optimizer");
  if (check.has_strategies) read_optimization_spec(deck);
  if (deck.root.has("monitoring") || need_monitoring) read_monitoring_input(deck);
  if (const auto ensemble = deck.root.find("ensemble"))
    check.realizations = read_ensemble_spec(*ensemble, deck).realizations;
  const Model model(comm, deck);
  const PointSampler sampler(model.grid, deck.observation_points);
  for (int axis = 0; axis < 3; ++axis)
    check.cells[axis] = model.grid.cells(axis);
  check.total_cells = model.grid.total_cells();
  check.materials = deck.materials.size();
  check.wells = model.flow.wells.size();
  check.boundaries = model.flow.boundaries.size();
  check.plausibility_warnings = plausibility_warnings(deck, model);
  return check;
}

} // namespace terrafate
