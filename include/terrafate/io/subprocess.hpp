#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace terrafate::io {

/// Runs `argv` (argv[0]: the program's path) without a shell and waits for it; its stdout and
/// stderr go into `log` (created or truncated, never through a symbolic link), or to this
/// process's own stdout and stderr when `log` is empty. Returns its exit status, or -1 when it
/// could not be started or did not exit normally. No argument is ever interpreted by a shell.
int run_program(const std::vector<std::string>& argv, const std::filesystem::path& log);

} // namespace terrafate::io
