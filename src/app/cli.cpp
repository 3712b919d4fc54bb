#include "terrafate/app/cli.hpp"

namespace terrafate {

namespace {
bool is_petsc_option(const std::string& token) {
  return token.size() > 2 && token[0] == '-' && token[1] != '-' && token != "-h";
}
} // namespace

std::filesystem::path petsc_options_file(const SplitArguments& arguments) {
  const std::string flag = "--petsc-options-file";
  for (std::size_t n = 1; n < arguments.cli.size(); ++n) {
    const std::string& token = arguments.cli[n];
    if (token == flag && n + 1 < arguments.cli.size()) return arguments.cli[n + 1];
    if (token.rfind(flag + "=", 0) == 0) return token.substr(flag.size() + 1);
  }
  return {};
}

SplitArguments split_arguments(int argc, char** argv) {
  SplitArguments split;
  const std::string program = argc > 0 ? argv[0] : "terrafate";
  split.cli.push_back(program);
  split.petsc.push_back(program);
  // Positionals: the subcommand, then the deck. PETSc option values are taken only after both,
  // so "terrafate run -log_view deck.yaml" keeps deck.yaml as the deck.
  int positionals = 0;
  bool previous_was_petsc = false;
  bool previous_takes_value = false; // terrafate's own options with a value (-o, --output)
  for (int n = 1; n < argc; ++n) {
    const std::string token = argv[n];
    const bool bare = token.empty() || token[0] != '-';
    if (bare && previous_was_petsc && positionals >= 2) {
      split.petsc.push_back(token);
      previous_was_petsc = false;
      continue;
    }
    previous_was_petsc = false;
    if (!previous_takes_value && is_petsc_option(token)) {
      split.petsc.push_back(token);
      previous_was_petsc = true;
      continue;
    }
    split.cli.push_back(token);
    if (bare && !previous_takes_value) ++positionals;
    previous_takes_value = token == "-o" || token == "--output" || token == "--petsc-options-file";
  }
  return split;
}

} // namespace terrafate
