#pragma once
#include <filesystem>
#include <string>

namespace terrafate {

/// What `plot.py` draws (python/terrafate/plot.py; its defaults where unset).
struct FigureOptions {
  int top = -1;       ///< strategies drawn besides the recommendation (-1: plot.py's default)
  std::string times;  ///< map times [years], comma-separated ("": chosen from the run)
  std::string maps;   ///< optimize: recommended, shown or all ("": recommended)
  bool report = true; ///< also write report.html
};

/// The folder holding the Python package terrafate: the TERRAFATE_PYTHON_DIR environment
/// variable when set, else the source tree's python/ when it has terrafate/plot.py, else the
/// installed share/terrafate/python.
std::filesystem::path python_directory();

/// Makes the figures and report.html of the output folder `out` by starting
/// `/usr/bin/python3 <python_directory()>/terrafate/plot.py OUT [options]` without a shell, its
/// output into `log` (to the terminal when empty). Returns plot.py's exit status (0 made, 2 `out`
/// or the times refused), -1 when it could not be started.
int make_figures(const std::filesystem::path& out, const FigureOptions& options,
                 const std::filesystem::path& log);

/// Rank 0 at the end of run and optimize: make_figures into OUT/figures.log; a failure is a
/// warning line on stderr naming the log, never a failed run. Nothing is made when the
/// environment variable TERRAFATE_NO_FIGURES is set to anything but "" or "0" (the test suite
/// sets it; figures take seconds to a minute).
void make_figures_or_warn(const std::filesystem::path& out);

/// True when the environment variable TERRAFATE_NO_FIGURES is set to anything but "" or "0".
bool figures_off_by_environment();

} // namespace terrafate
