#pragma once
// The whole deck-to-model path of `terrafate validate`, for the fuzz harness: the deck reader,
// the optimization, monitoring and ensemble blocks, and the Model (grid, materials, regions,
// boundaries, wells, species, soil, remediation actions through the catalog, risk, carbon) and
// the observation points, without time stepping.
#include <filesystem>
#include <string>

namespace terrafate::fuzz {

/// Starts PETSc for the harness (once; kept to the end of the process). `available_bytes` [B]
/// is the memory the validation's memory check sees: a small figure makes large grids exit 2
/// the way a small machine refuses them, so one input never allocates more than about that.
void start_session(double available_bytes);

/// Validates `text` read as the deck `deck_path` exactly as `terrafate validate` does
/// (src/app/main.cpp: dispatch): returns the exit code validate gives, 0 (valid), 2 (InputError)
/// or 3 (NumericalError), with the error's message in `message` when given. Any other exception
/// escapes: it is a bug the harness reports.
int validate_deck_text(const std::string& text, const std::filesystem::path& deck_path,
                       std::string* message = nullptr);

} // namespace terrafate::fuzz
