#include "terrafate/run/deck.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "terrafate/core/resources.hpp"
#include "terrafate/io/cell_field_hdf5.hpp"
#include "terrafate/io/raster_gdal.hpp"
#include "terrafate/io/vector_gdal.hpp"

namespace terrafate {

namespace {
/// `stepped`: the run advances in time steps (transient flow or transport).
TimeSpec read_time(const ConfigNode& node, bool stepped) {
  node.expect_keys(
      {"end", "max_step", "initial_step", "step_multiplier", "output_times", "start_date"});
  TimeSpec time;
  time.end = node.time_point("end");
  if (stepped) {
    time.max_step = node.quantity("max_step", "d", Range::positive());
    time.initial_step = node.quantity_or("initial_step", time.max_step, "d", Range::positive());
    if (time.initial_step > time.max_step)
      throw node.at("initial_step")
          .error(fmt::format("initial_step {} d exceeds max_step {} d", time.initial_step,
                             time.max_step));
    time.step_multiplier =
        node.quantity_or("step_multiplier", 1.0, "1", Range{1.0, 10.0, false, false});
    if (!(time.end > 0.0)) throw node.at("end").error("a time-stepped run needs end > 0");
  } else {
    time.max_step = node.quantity_or("max_step", time.end, "d", Range::positive());
  }
  require_step_count(time.end, time.max_step, node);
  if (const auto outputs = node.find("output_times")) {
    time.output_times = outputs->as_time_point_list(1);
    const auto elements = outputs->elements();
    for (std::size_t n = 0; n < time.output_times.size(); ++n) {
      if (time.output_times[n] > time.end)
        throw elements[n].error(
            fmt::format("output time {} d is after the end {} d", time.output_times[n], time.end));
      if (n > 0 && time.output_times[n] <= time.output_times[n - 1])
        throw elements[n].error("output times must be strictly increasing");
    }
  } else {
    time.output_times = {time.end};
  }
  if (const auto date = node.find("start_date")) time.start_date = read_iso_date(*date);
  return time;
}

std::vector<ObservationPlaneSpec> read_planes(const ConfigNode& node) {
  std::vector<ObservationPlaneSpec> planes;
  for (const auto& entry : node.elements()) {
    entry.expect_keys({"name", "axis", "position"});
    ObservationPlaneSpec plane;
    plane.name = entry.at("name").as_name("observation plane");
    for (const auto& other : planes)
      if (other.name == plane.name)
        throw entry.at("name").error(fmt::format("plane '{}' is defined twice", plane.name));
    const std::string axis = entry.at("axis").as_choice({"x", "y", "z"});
    plane.axis = axis == "x" ? 0 : axis == "y" ? 1 : 2;
    plane.position = entry.quantity("position", "m");
    plane.where = entry.at("position").where();
    plane.key_path = entry.at("position").key_path();
    planes.push_back(plane);
  }
  return planes;
}

/// Points in site coordinates, kept in the grid frame of `frame`.
std::vector<ObservationPointSpec> read_observations(const ConfigNode& node,
                                                    const SiteFrame& frame) {
  node.expect_keys({"points", "planes"});
  std::vector<ObservationPointSpec> points;
  if (const auto list = node.find("points")) {
    for (const auto& entry : list->elements()) {
      entry.expect_keys({"name", "position"});
      ObservationPointSpec point;
      point.name = entry.at("name").as_name("observation point");
      for (const auto& other : points)
        if (other.name == point.name)
          throw entry.at("name").error(
              fmt::format("observation '{}' is defined twice", point.name));
      point.position = frame.to_grid(entry.at("position").as_vector<3>("m"));
      point.where = entry.at("position").where();
      point.key_path = entry.at("position").key_path();
      points.push_back(std::move(point));
    }
  }
  return points;
}
} // namespace

Deck read_deck(const std::filesystem::path& path) {
  std::ifstream stream(path);
  if (!stream)
    throw InputError("", SourceLocation{path.string(), 0, 0}, "cannot open the deck file");
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return read_deck_text(buffer.str(), path);
}

Deck read_deck_text(const std::string& text, const std::filesystem::path& path) {
  Deck deck{.path = path,
            .text = text,
            .title = {},
            .root = ConfigNode::load_string(text, path.string()),
            .grid = {},
            .materials = {},
            .time = {},
            .observation_points = {},
            .observation_planes = {},
            .output = {}};
  const ConfigNode& root = deck.root;
  root.expect_keys({"title",        "grid",      "materials",    "flow",         "transport",
                    "remediation",  "soil",      "risk",         "ensemble",     "carbon",
                    "strategies",   "objective", "design_space", "optimizer",    "time",
                    "observations", "output",    "monitoring",   "assimilation", "decision"});
  // time.start_date first: every time point of the deck may be a date after it.
  if (const auto time = root.find("time"); time && time->is_map())
    if (const auto date = time->find("start_date"))
      root.set_start_day(days_from_civil(read_iso_date(*date)), date->where());
  deck.title = root.string_or("title", path.stem().string());
  const auto deck_folder = path.has_parent_path() ? path.parent_path() : ".";
  // Polygons and polylines given as {file, layer, where, feature}, relative to the deck.
  root.set_vector_reader([deck_folder](const VectorRequest& request) {
    const std::filesystem::path file = request.file;
    return io::read_vector_feature(request, file.is_absolute() ? file : deck_folder / file);
  });
  deck.grid = read_grid_spec(root.at("grid"));
  if (auto& raster = deck.grid.idomain_raster) {
    const std::filesystem::path file = raster->file;
    io::load_raster(*raster, file.is_absolute() ? file : deck_folder / file);
  }
  for (auto& surface : deck.grid.surfaces) {
    if (surface.raster) {
      const std::filesystem::path file = surface.raster->file;
      io::load_raster(*surface.raster, file.is_absolute() ? file : deck_folder / file);
    } else if (!surface.hdf5_file.empty()) {
      const std::filesystem::path file = surface.hdf5_file;
      try {
        surface.values =
            io::read_surface(file.is_absolute() ? file : deck_folder / file, surface.hdf5_dataset,
                             static_cast<int>(deck.grid.widths[0].size()),
                             static_cast<int>(deck.grid.widths[1].size()));
      } catch (const std::runtime_error& error) {
        throw InputError(surface.key_path, surface.where, error.what());
      }
    }
  }
  deck.materials = read_material_specs(root.at("materials"), deck_folder, deck.grid.frame);
  const ConfigNode flow = root.at("flow");
  const bool transient = flow.has("type") && flow.at("type").as_string() == "transient";
  const bool stepped = transient || root.has("transport") || root.has("remediation");
  if (const auto time = root.find("time"))
    deck.time = read_time(*time, stepped);
  else if (transient)
    throw InputError("time", flow.at("type").where(),
                     "transient flow needs a time: section (end, max_step)");
  else if (stepped)
    throw InputError("time", root.key_where(root.has("transport") ? "transport" : "remediation"),
                     fmt::format("{} needs a time: section (end, max_step)",
                                 root.has("transport") ? "transport" : "remediation"));
  else
    deck.time.output_times = {0.0}; // steady flow without a time section: one output
  if (const auto observations = root.find("observations")) {
    deck.observation_points = read_observations(*observations, deck.grid.frame);
    if (const auto planes = observations->find("planes")) {
      if (!root.has("transport"))
        throw planes->error("control planes measure mass discharge and need a transport: section");
      deck.observation_planes = read_planes(*planes);
    }
  }
  if (const auto output = root.find("output")) {
    output->expect_keys({"hdf5", "vtk", "checkpoint", "fields", "strategies"});
    if (const auto strategies = output->find("strategies"))
      deck.output.strategies = strategies->as_choice({"recommended", "all", "none"});
    if (const auto fields = output->find("fields")) // names checked by Model (species known)
      for (const auto& field : fields->elements())
        deck.output.fields.push_back(field.as_string());
    deck.output.hdf5 = output->bool_or("hdf5", true);
    deck.output.vtk = output->bool_or("vtk", true);
    if (const auto checkpoint = output->find("checkpoint")) {
      checkpoint->expect_keys({"every"});
      deck.output.checkpoint_every = checkpoint->quantity("every", "d", Range::positive());
    }
  }
  return deck;
}

} // namespace terrafate
