#include "deck_path.hpp"

#include <memory>

#include "terrafate/core/errors.hpp"
#include "terrafate/core/petsc.hpp"
#include "terrafate/core/resources.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/model.hpp"
#include "terrafate/run/observations.hpp"
#include "terrafate/studies/ensemble.hpp"
#include "terrafate/studies/evidence.hpp"
#include "terrafate/studies/strategy_spec.hpp"

namespace terrafate::fuzz {

void start_session(double available_bytes) {
  // Never destroyed: PETSc stays up until the process exits (libFuzzer ends with exit()).
  // -no_signal_handler leaves crashes to the sanitizers and the harness.
  static const auto* session = new PetscSession({"terrafate_fuzz", "-no_signal_handler"});
  (void)session;
  set_available_memory(available_bytes);
}

int validate_deck_text(const std::string& text, const std::filesystem::path& deck_path,
                       std::string* message) {
  try {
    // The same calls, in the same order, as dispatch() in src/app/main.cpp before `validate`
    // prints its summary.
    const Deck deck = read_deck_text(text, deck_path);
    if (deck.root.has("strategies") || deck.root.has("objective") ||
        deck.root.has("design_space") || deck.root.has("optimizer"))
      read_optimization_spec(deck);
    if (deck.root.has("monitoring")) read_monitoring_input(deck);
    if (const auto ensemble = deck.root.find("ensemble")) read_ensemble_spec(*ensemble, deck);
    const Model model(PETSC_COMM_WORLD, deck);
    const PointSampler sampler(model.grid, deck.observation_points);
    return kExitOk;
  } catch (const InputError& e) {
    if (message) *message = e.what();
    return kExitInput;
  } catch (const NumericalError& e) {
    if (message) *message = e.what();
    return kExitNumerical;
  }
}

} // namespace terrafate::fuzz
