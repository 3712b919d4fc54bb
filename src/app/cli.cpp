#include "terrafate/app/cli.hpp"

#include <algorithm>

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
    previous_takes_value = token == "-o" || token == "--output" ||
                           token == "--petsc-options-file" || token == "--resume";
  }
  return split;
}

std::string closest_name(const std::string& typed, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& name : names) {
    // Optimal string alignment distance (Damerau-Levenshtein without repeated edits).
    const std::size_t m = typed.size(), n = name.size();
    std::vector<std::vector<std::size_t>> d(m + 1, std::vector<std::size_t>(n + 1, 0));
    for (std::size_t i = 0; i <= m; ++i)
      d[i][0] = i;
    for (std::size_t j = 0; j <= n; ++j)
      d[0][j] = j;
    for (std::size_t i = 1; i <= m; ++i)
      for (std::size_t j = 1; j <= n; ++j) {
        const std::size_t cost = typed[i - 1] == name[j - 1] ? 0 : 1;
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && typed[i - 1] == name[j - 2] && typed[i - 2] == name[j - 1])
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    if (d[m][n] < best_distance && 2 * d[m][n] < std::max<std::size_t>(name.size(), 2)) {
      best_distance = d[m][n];
      best = name;
    }
  }
  return best;
}

} // namespace terrafate
