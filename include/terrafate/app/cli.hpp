#pragma once
// The command line: terrafate's own arguments (parsed with CLI11) and PETSc options (passed to
// PetscInitialize). A token starting with a single '-' and longer than two characters
// ("-flow_ksp_monitor", "-log_view") is a PETSc option; after the deck, a bare token that
// follows a PETSc option is that option's value ("-flow_pc_type hypre").
#include <filesystem>
#include <string>
#include <vector>

namespace terrafate {

struct SplitArguments {
  std::vector<std::string> cli;   ///< program name first
  std::vector<std::string> petsc; ///< program name first
};

SplitArguments split_arguments(int argc, char** argv);

/// The file given with --petsc-options-file (empty: none), read before the PETSc session starts
/// (CLI11 parses, and checks, the same option after it).
std::filesystem::path petsc_options_file(const SplitArguments& arguments);

struct CommandLine {
  enum class Command { none, run, validate };
  Command command = Command::none;
  std::filesystem::path deck;
  std::filesystem::path output_folder; ///< empty: "<deck stem>_results" in the working folder
};

} // namespace terrafate

namespace terrafate {

/// The name of `names` closest to `typed` by edit distance (insertions, deletions, substitutions
/// and transpositions of neighbours), when within 2 edits and closer than half its length;
/// "" otherwise ("runn" -> "run", "optimise" -> "optimize", "xyz" -> "").
std::string closest_name(const std::string& typed, const std::vector<std::string>& names);

} // namespace terrafate
