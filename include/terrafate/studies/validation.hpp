#pragma once
// The one validation path every subcommand (validate, run, optimize, evidence, assimilate, the
// schema printer and the fuzz harness) takes before it does anything: the whole deck, its
// optimization, monitoring and ensemble sections, the Model and the observation points.
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/run/deck.hpp"

namespace terrafate {

/// What validating a deck found, for `validate`'s summary line and the warnings.
struct DeckCheck {
  int cells[3] = {0, 0, 0};    ///< grid cells along x, y, z
  long total_cells = 0;        ///< cells of the grid
  std::size_t materials = 0;   ///< materials of the deck
  std::size_t wells = 0;       ///< flow wells of the model
  std::size_t boundaries = 0;  ///< flow boundaries of the model
  int realizations = 0;        ///< the ensemble's realizations; 0 without an ensemble: section
  bool has_strategies = false; ///< strategies:, objective:, design_space: or optimizer: present
  std::vector<std::string> plausibility_warnings; ///< run/plausibility's sentences
};

/// Collective over `comm`: validates the whole of `deck` (its monitoring data too when the deck
/// has monitoring: or `need_monitoring`); throws InputError with the key and file:line.
DeckCheck validate_deck(MPI_Comm comm, const Deck& deck, bool need_monitoring = false);

} // namespace terrafate
