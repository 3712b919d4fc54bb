#include "terrafate/run/restart_hint.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace terrafate {

std::string shell_word(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789_./:=+-,@%") == std::string::npos)
    return word;
  std::string quoted = "'";
  for (const char c : word)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string restart_hint(const std::vector<std::string>& cli, const std::vector<std::string>& petsc,
                         const std::filesystem::path& folder, int ranks) {
  const std::vector<std::string> with_value{"-o", "--output", "--restart", "--resume"};
  std::vector<std::string> words;
  for (std::size_t n = 0; n < cli.size(); ++n) {
    const std::string& token = cli[n];
    if (std::find(with_value.begin(), with_value.end(), token) != with_value.end()) {
      ++n; // and its value
      continue;
    }
    const bool joined = std::any_of(with_value.begin() + 1, with_value.end(),
                                    [&](auto& name) { return token.rfind(name + "=", 0) == 0; });
    if (joined || token == "--overwrite") continue;
    words.push_back(token);
    if (n == 1) words.insert(words.end(), {"--resume", folder.string()}); // after the subcommand
  }
  if (petsc.size() > 1 && std::find(words.begin(), words.end(), "--") == words.end())
    words.emplace_back("--");
  words.insert(words.end(), petsc.begin() + std::min<std::size_t>(1, petsc.size()), petsc.end());
  std::string command = ranks > 1 ? fmt::format("mpiexec -n {}", ranks) : "";
  for (const auto& word : words) {
    if (!command.empty()) command += ' ';
    command += shell_word(word);
  }
  return "continue with: " + command;
}

} // namespace terrafate
