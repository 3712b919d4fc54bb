#pragma once
// The input deck as a whole: the top-level sections, each read by its module's factory.
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/core/calendar.hpp"
#include "terrafate/core/config.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/grid/materials.hpp"

namespace terrafate {

struct TimeSpec {
  double end = 0.0;                 ///< [d] end of the simulation
  double max_step = 0.0;            ///< [d] largest time step (transient)
  double initial_step = 0.0;        ///< [d] first step of each stress period (default max_step)
  double step_multiplier = 1.0;     ///< [-] growth of the step within a stress period
  std::vector<double> output_times; ///< [d] ascending, in [0, end]
  /// `time.start_date`: the calendar date of run day 0 (anchors year-indexed data).
  std::optional<CivilDate> start_date;
  /// [days since 1970-01-01] run day 0, when `time.start_date` is given.
  std::optional<long> start_day() const {
    return start_date ? std::optional<long>(days_from_civil(*start_date)) : std::nullopt;
  }
};

struct ObservationPointSpec {
  std::string name;
  std::array<double, 3> position{}; ///< [m]
  SourceLocation where;
  std::string key_path;
};

/// A control plane normal to a grid axis, for mass discharge.
struct ObservationPlaneSpec {
  std::string name;
  int axis = 0;          ///< 0, 1, 2 for x, y, z
  double position = 0.0; ///< [m] snapped to the nearest interior grid plane
  SourceLocation where;
  std::string key_path;
};

struct OutputSpec {
  bool hdf5 = true;
  bool vtk = true;
  double checkpoint_every = 0.0; ///< [d] simulated time between checkpoints (0: none)
  /// `output.fields`: the fields written to results.h5 and the VTK series (head, darcy_flux,
  /// velocity, a species name, <species>_immobile); empty: all of them.
  std::vector<std::string> fields;
  /// `output.strategies` (optimize): whose 3-D fields (results.h5, vtk/) stay in strategies/:
  /// all, recommended (the others' removed at the end), or none (not written).
  std::string strategies = "all";
};

/// Everything in the deck that does not need the distributed grid to be read.
struct Deck {
  std::filesystem::path path;
  std::string text; ///< the deck file as given (for provenance)
  std::string title;
  ConfigNode root;
  GridSpec grid;
  std::vector<MaterialSpec> materials;
  TimeSpec time;
  std::vector<ObservationPointSpec> observation_points;
  std::vector<ObservationPlaneSpec> observation_planes;
  OutputSpec output;
};

/// Reads and validates a deck file. Throws InputError naming the key, file and line.
Deck read_deck(const std::filesystem::path& path);
/// Reads a deck from its text; `path` names it in messages and anchors relative file paths.
Deck read_deck_text(const std::string& text, const std::filesystem::path& path);

} // namespace terrafate
