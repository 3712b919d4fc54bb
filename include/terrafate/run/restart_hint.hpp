#pragma once
// The hint printed after a run stopped by a signal: a command that continues it.
#include <filesystem>
#include <string>
#include <vector>

namespace terrafate {

/// `word` as one POSIX shell word: unchanged when it holds only characters safe unquoted, else
/// in single quotes.
std::string shell_word(const std::string& word);

/// "continue with: COMMAND": COMMAND continues the run, an ensemble's unfinished realizations or
/// an optimization's unfinished evaluations, in `folder` with --resume. It is the command line as
/// given (`cli`, program first; `petsc`, program first, after `--`) without its -o, --output,
/// --overwrite, --restart and --resume, run under `mpiexec -n RANKS` when ranks > 1.
std::string restart_hint(const std::vector<std::string>& cli, const std::vector<std::string>& petsc,
                         const std::filesystem::path& folder, int ranks);

} // namespace terrafate
