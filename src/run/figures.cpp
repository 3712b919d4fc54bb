#include "terrafate/run/figures.hpp"

#include <cstdlib>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "terrafate/core/version.hpp"
#include "terrafate/io/subprocess.hpp"

namespace terrafate {

std::filesystem::path python_directory() {
  if (const char* chosen = std::getenv("TERRAFATE_PYTHON_DIR"); chosen && *chosen) return chosen;
  const std::filesystem::path source = kPythonSourceDirectory;
  std::error_code error;
  if (std::filesystem::is_regular_file(source / "terrafate" / "plot.py", error)) return source;
  return kPythonInstallDirectory;
}

int make_figures(const std::filesystem::path& out, const FigureOptions& options,
                 const std::filesystem::path& log) {
  std::vector<std::string> argv{
      "/usr/bin/python3", (python_directory() / "terrafate" / "plot.py").string(), out.string()};
  if (options.top >= 0) argv.insert(argv.end(), {"--top", std::to_string(options.top)});
  if (!options.times.empty()) argv.insert(argv.end(), {"--times", options.times});
  if (!options.maps.empty()) argv.insert(argv.end(), {"--maps", options.maps});
  if (!options.report) argv.emplace_back("--no-report");
  return io::run_program(argv, log);
}

bool figures_off_by_environment() {
  const char* off = std::getenv("TERRAFATE_NO_FIGURES");
  return off && *off && std::string(off) != "0";
}

void make_figures_or_warn(const std::filesystem::path& out) {
  if (figures_off_by_environment()) return;
  const auto log = out / "figures.log";
  const int status = make_figures(out, FigureOptions{}, log);
  if (status != 0)
    std::cerr << fmt::format("terrafate: warning: no figures or report.html ({}; see {}); "
                             "`terrafate plot {}` retries\n",
                             status < 0 ? std::string("/usr/bin/python3 could not be started")
                                        : fmt::format("plot.py exited {}", status),
                             log.string(), out.string());
}

} // namespace terrafate
