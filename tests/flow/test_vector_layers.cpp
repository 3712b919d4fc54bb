// Polygons and polylines from vector files (issue 24): `{file, layer, where, feature}` in a
// material region, grid.idomain and flow boundaries, from a GeoJSON written here and from the
// shapefile GDAL translates it into. References: the inline polygon of the same vertices, and a
// winding-number point-in-polygon test written here on the cell centres mapped to site
// coordinates by hand (cos/sin about grid.origin), on an unrotated grid without a CRS and on a
// grid turned 32 degrees on EPSG:25832. A river polyline and a recharge polygon read from the
// files give the heads of the inline ones. Runs at 1 and 2 ranks.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>

#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/model.hpp"

namespace terrafate {
namespace {

using Points = std::vector<std::array<double, 2>>;

double sum_over_ranks(double value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  return value;
}

bool rank_zero() {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  return rank == 0;
}

/// A grid placement: grid.origin [m], grid.rotation [degree], grid.crs ("" for none).
struct Placement {
  std::array<double, 2> origin;
  double rotation;
  std::string crs;
  int epsg; ///< 0: the GeoJSON has no "crs" member
};

const Placement kLocal{{0.0, 0.0}, 0.0, "", 0};
const Placement kTurned{{512000.0, 5405000.0}, 32.0, "EPSG:25832", 25832};

/// Site coordinates of a point `local` [m] from the grid's origin along the grid's axes.
std::array<double, 2> site_of(const Placement& placement, const std::array<double, 2>& local) {
  const double angle = placement.rotation * std::numbers::pi / 180.0;
  return {placement.origin[0] + std::cos(angle) * local[0] - std::sin(angle) * local[1],
          placement.origin[1] + std::sin(angle) * local[0] + std::cos(angle) * local[1]};
}

Points site_points(const Placement& placement, const Points& local) {
  Points points;
  for (const auto& point : local)
    points.push_back(site_of(placement, point));
  return points;
}

/// Winding number of `polygon` around (x, y).
int winding_number(const Points& polygon, double x, double y) {
  int winding = 0;
  const std::size_t n = polygon.size();
  for (std::size_t a = 0; a < n; ++a) {
    const auto& p = polygon[a];
    const auto& q = polygon[(a + 1) % n];
    const double cross = (q[0] - p[0]) * (y - p[1]) - (x - p[0]) * (q[1] - p[1]);
    if (p[1] <= y && q[1] > y && cross > 0) ++winding;
    if (p[1] > y && q[1] <= y && cross < 0) --winding;
  }
  return winding;
}

// Local vertices [m] (from the grid's origin, along its axes) on a 400 x 300 m grid of 10 m
// cells, off the cell-centre lines: a concave source area, a pond and a creek.
const Points kSource = {{33.3, 22.2},   {371.7, 51.1},  {338.2, 219.9},
                        {221.1, 173.3}, {186.6, 264.4}, {61.1, 238.8}};
const Points kPond = {{233.3, 88.2}, {311.7, 111.1}, {287.2, 169.9}, {246.1, 154.3}};
const Points kCreek = {{12.1, 5.3}, {160.4, 140.2}, {230.7, 294.6}};

std::string yaml_points(const Points& points) {
  std::string text;
  for (const auto& p : points)
    text += fmt::format("{}[{:.17g}, {:.17g}]", text.empty() ? "" : ", ", p[0], p[1]);
  return "[" + text + "]";
}

std::string json_points(const Points& points, bool closed) {
  std::string text;
  for (const auto& p : points)
    text += fmt::format("{}[{:.17g}, {:.17g}]", text.empty() ? "" : ", ", p[0], p[1]);
  if (closed) text += fmt::format(", [{:.17g}, {:.17g}]", points[0][0], points[0][1]);
  return "[" + text + "]";
}

/// A GeoJSON FeatureCollection of named features (geometry JSON given), with a "crs" member
/// naming `epsg` (none when 0).
std::string feature_collection(int epsg,
                               const std::vector<std::pair<std::string, std::string>>& features) {
  std::string text = "{\"type\": \"FeatureCollection\",\n";
  if (epsg != 0)
    text += fmt::format("\"crs\": {{\"type\": \"name\", \"properties\": {{\"name\": "
                        "\"urn:ogc:def:crs:EPSG::{}\"}}}},\n",
                        epsg);
  text += "\"features\": [\n";
  for (std::size_t f = 0; f < features.size(); ++f)
    text += fmt::format("{}{{\"type\": \"Feature\", \"properties\": {{\"name\": \"{}\"}}, "
                        "\"geometry\": {}}}\n",
                        f == 0 ? "" : ",", features[f].first, features[f].second);
  return text + "]}\n";
}

/// GDAL's ogr2ogr (the library call) from `source` to an ESRI shapefile at `target`.
void to_shapefile(const std::filesystem::path& source, const std::filesystem::path& target) {
  GDALAllRegister();
  GDALDatasetH input =
      GDALOpenEx(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  ASSERT_NE(input, nullptr) << source;
  char format_flag[] = "-f", format[] = "ESRI Shapefile";
  char* arguments[] = {format_flag, format, nullptr};
  GDALVectorTranslateOptions* options = GDALVectorTranslateOptionsNew(arguments, nullptr);
  int failed = 0;
  GDALDatasetH output = GDALVectorTranslate(target.c_str(), nullptr, 1, &input, options, &failed);
  GDALVectorTranslateOptionsFree(options);
  ASSERT_NE(output, nullptr) << target;
  EXPECT_EQ(failed, 0);
  GDALClose(output);
  GDALClose(input);
}

/// A folder shared by all ranks, in which rank 0 wrote areas.geojson (features pond, source),
/// lines.geojson (creek) and their shapefiles areas.shp and lines.shp, in `placement`'s CRS.
std::filesystem::path write_files(const Placement& placement, const std::string& stem) {
  long pid = static_cast<long>(getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, PETSC_COMM_WORLD);
  const auto folder =
      std::filesystem::temp_directory_path() / fmt::format("terrafate_{}_{}", stem, pid);
  if (rank_zero()) {
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    const auto polygon = [&](const Points& local) {
      return fmt::format("{{\"type\": \"Polygon\", \"coordinates\": [{}]}}",
                         json_points(site_points(placement, local), true));
    };
    std::ofstream(folder / "areas.geojson") << feature_collection(
        placement.epsg, {{"pond", polygon(kPond)}, {"source", polygon(kSource)}});
    std::ofstream(folder / "lines.geojson") << feature_collection(
        placement.epsg,
        {{"creek", fmt::format("{{\"type\": \"LineString\", \"coordinates\": {}}}",
                               json_points(site_points(placement, kCreek), false))}});
    to_shapefile(folder / "areas.geojson", folder / "areas.shp");
    to_shapefile(folder / "lines.geojson", folder / "lines.shp");
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  return folder;
}

/// The grid: section of `placement` on a 400 x 300 x 6 m grid of 10 x 10 x 1 m cells, with
/// `extra` keys.
std::string grid_line(const Placement& placement, const std::string& extra) {
  return fmt::format("grid: {{origin: [{}, {}, 0], rotation: {}, {}size: [400, 300, 6], cells: "
                     "[40, 30, 6]{}}}\n",
                     placement.origin[0], placement.origin[1], placement.rotation,
                     placement.crs.empty() ? "" : "crs: " + placement.crs + ", ", extra);
}

/// Rank 0 removes `folder` once every rank is done with it.
void remove_files(const std::filesystem::path& folder) {
  MPI_Barrier(PETSC_COMM_WORLD);
  if (rank_zero()) std::filesystem::remove_all(folder);
}

class VectorLayers : public ::testing::TestWithParam<bool> {};

TEST_P(VectorLayers, PolygonFromFileGivesTheCellsOfTheInlinePolygonAndTheReference) {
  const Placement& placement = GetParam() ? kTurned : kLocal;
  const auto folder = write_files(placement, GetParam() ? "vector_turned" : "vector_local");
  const Points source = site_points(placement, kSource);
  const Points pond = site_points(placement, kPond);
  // The same source lens and inactive pond, inline and from each file.
  const std::vector<std::pair<std::string, std::string>> forms = {
      {yaml_points(source), yaml_points(pond)},
      {R"({file: areas.geojson, where: "name = 'source'"})",
       R"({file: areas.geojson, where: "name = 'pond'"})"},
      {R"({file: areas.shp, where: "name = 'source'"})", "{file: areas.shp, feature: 0}"},
      {"{file: areas.shp, layer: areas, feature: 1}",
       R"({file: areas.geojson, layer: areas, where: "name <> 'source'"})"}};
  for (const auto& [lens, inactive] : forms) {
    const std::string text =
        grid_line(placement, fmt::format(", idomain: {{inactive: [{{polygon: {}}}]}}", inactive)) +
        fmt::format(R"(materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
  - {{name: lens, region: {{polygon: {}, z: [1.2, 4.1]}}, hydraulic_conductivity: 0.1, porosity: 0.4}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10}}
)",
                    lens);
    const Deck deck = read_deck_text(text, folder / "deck.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
    const Grid& g = model.grid;
    double mismatches = 0.0, in_lens = 0.0, in_pond = 0.0;
    for (int k = g.owned_begin(2); k < g.owned_end(2); ++k)
      for (int j = g.owned_begin(1); j < g.owned_end(1); ++j)
        for (int i = g.owned_begin(0); i < g.owned_end(0); ++i) {
          const auto c = g.cell_center(i, j, k);
          // Grid-frame x, y = grid.origin + distance along the grid's axes.
          const std::array<double, 2> local{c[0] - placement.origin[0], c[1] - placement.origin[1]};
          const auto site = site_of(placement, local);
          const bool pond_cell = winding_number(pond, site[0], site[1]) != 0;
          const bool lens_cell =
              winding_number(source, site[0], site[1]) != 0 && c[2] >= 1.2 && c[2] <= 4.1;
          if (pond_cell == g.active(i, j, k)) mismatches += 1.0;
          if (!pond_cell && lens_cell != (model.materials.material_of(g.owned_index(i, j, k)) == 1))
            mismatches += 1.0;
          in_lens += lens_cell ? 1.0 : 0.0;
          in_pond += pond_cell ? 1.0 : 0.0;
        }
    mismatches = sum_over_ranks(mismatches);
    in_lens = sum_over_ranks(in_lens);
    in_pond = sum_over_ranks(in_pond);
    EXPECT_EQ(mismatches, 0.0) << lens;
    EXPECT_GT(in_lens, 300.0);
    EXPECT_GT(in_pond, 60.0);
    PetscPrintf(PETSC_COMM_WORLD,
                "rotation %g: lens %s: %.0f lens cells, %.0f pond cells, %.0f mismatches\n",
                placement.rotation, lens.front() == '[' ? "inline" : lens.c_str(), in_lens, in_pond,
                mismatches);
  }
  remove_files(folder);
}

TEST_P(VectorLayers, BoundaryPolylineAndPolygonFromFileGiveTheHeadsOfTheInlineOnes) {
  const Placement& placement = GetParam() ? kTurned : kLocal;
  const auto folder = write_files(placement, GetParam() ? "vector_heads_t" : "vector_heads_l");
  const std::vector<std::pair<std::string, std::string>> forms = {
      {yaml_points(site_points(placement, kCreek)), yaml_points(site_points(placement, kPond))},
      {"{file: lines.geojson}", R"({file: areas.geojson, where: "name = 'pond'"})"},
      {"{file: lines.shp, feature: 0}", R"({file: areas.shp, where: "name = 'pond'"})"}};
  const auto well = site_of(placement, {301.0, 205.0});
  std::vector<std::vector<double>> heads;
  std::vector<double> river;
  for (const auto& [creek, recharge] : forms) {
    const std::string text =
        grid_line(placement, "") + fmt::format(R"(materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmax, type: head, head: 18}}
    - {{type: river, name: creek, polyline: {}, stage: [19.6, 19.3, 18.7], bottom: 15, conductance: 3}}
    - {{type: flux, name: recharge, polygon: {}, flux: "250 mm/yr"}}
  wells:
    - {{name: PW1, position: [{:.17g}, {:.17g}], screen: [1, 5], rate: -40}}
)",
                                               creek, recharge, well[0], well[1]);
    const Deck deck = read_deck_text(text, folder / "deck.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
    FlowSolver flow(model.grid, model.materials, model.flow);
    flow.solve_steady(0.0, 0.0);
    EXPECT_LT(flow.budget().relative_closure, 1e-10);
    double creek_inflow = 0.0;
    for (const auto& entry : flow.budget().entries)
      if (entry.component == "river:creek") creek_inflow = entry.inflow - entry.outflow;
    river.push_back(creek_inflow);
    std::vector<double> owned;
    const Grid& g = model.grid;
    DmdaArrayRead<const PetscScalar***> h(g.dm(), flow.head());
    for (int k = g.owned_begin(2); k < g.owned_end(2); ++k)
      for (int j = g.owned_begin(1); j < g.owned_end(1); ++j)
        for (int i = g.owned_begin(0); i < g.owned_end(0); ++i)
          owned.push_back(h.get()[k][j][i]);
    heads.push_back(std::move(owned));
  }
  for (std::size_t form = 1; form < forms.size(); ++form) {
    double difference = 0.0;
    for (std::size_t c = 0; c < heads[0].size(); ++c)
      difference = std::max(difference, std::abs(heads[form][c] - heads[0][c]));
    MPI_Allreduce(MPI_IN_PLACE, &difference, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
    EXPECT_LE(difference, 1e-12) << forms[form].first;
    EXPECT_EQ(river[form], river[0]) << forms[form].first;
    PetscPrintf(PETSC_COMM_WORLD,
                "rotation %g: %s: max head difference to inline %.3g m, river inflow %.6g m3/d\n",
                placement.rotation, forms[form].first.c_str(), difference, river[form]);
  }
  // The creek gains or loses water: the boundary is there.
  EXPECT_GT(std::abs(river[0]), 1.0);
  remove_files(folder);
}

INSTANTIATE_TEST_SUITE_P(UnrotatedAndTurned, VectorLayers, ::testing::Values(false, true));

} // namespace
} // namespace terrafate
