#include "deck_path.hpp"

#include <memory>

#include "terrafate/core/errors.hpp"
#include "terrafate/core/petsc.hpp"
#include "terrafate/core/resources.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/studies/validation.hpp"

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
    // The validation path of every subcommand (studies/validation).
    validate_deck(PETSC_COMM_WORLD, read_deck_text(text, deck_path));
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
