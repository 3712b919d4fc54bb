// grid.idomain.raster (issue 24): a GeoTIFF written here with GDAL, whose pixel values are a
// known function of the pixel index, on a grid turned 25 degrees on EPSG:25832. The reference is
// computed by hand in this file: each cell centre mapped to site coordinates with cos/sin, the
// pixel by floor((x - x0) / dx), the value by the same function; a column is active where the
// value is positive (0 and nodata: inactive). And the errors: a missing file, a raster in another
// CRS, a raster that does not cover the grid, each an InputError at grid.idomain.raster naming
// the file and the deck's line. Runs at 1 and 2 ranks.
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <unistd.h>

#include <fmt/format.h>
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_srs_api.h>

#include "terrafate/run/deck.hpp"
#include "terrafate/run/model.hpp"

namespace terrafate {
namespace {

constexpr double kCornerX = 511900.0; ///< [m] top-left corner of the raster (EPSG:25832)
constexpr double kCornerY = 5405350.0;
constexpr double kPixel = 5.0; ///< [m]
constexpr int kColumns = 120;
constexpr int kRows = 80;
constexpr double kNodata = -9999.0;

/// The pixel values: 0 in a disk, nodata in a band of rows, otherwise 1 or 2 (or 0 on a
/// checker of every seventh pixel).
double pixel_value(int column, int row) {
  const double dx = column - 60.0, dy = row - 35.0;
  if (dx * dx + dy * dy < 12.0 * 12.0) return 0.0;
  if (row >= 10 && row < 13) return kNodata;
  if ((column * 3 + row * 5) % 7 == 0) return 0.0;
  return column % 2 == 0 ? 1.0 : 2.0;
}

/// A file name shared by all ranks (rank 0's process id).
std::filesystem::path shared_path(const std::string& stem) {
  long pid = static_cast<long>(getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, PETSC_COMM_WORLD);
  return std::filesystem::temp_directory_path() / fmt::format("terrafate_{}_{}.tif", stem, pid);
}

/// Rank 0 writes the GeoTIFF in `epsg`; every rank returns once it exists.
void write_geotiff(const std::filesystem::path& path, int epsg) {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) {
    GDALAllRegister();
    GDALDriverH driver = GDALGetDriverByName("GTiff");
    ASSERT_NE(driver, nullptr);
    GDALDatasetH dataset =
        GDALCreate(driver, path.c_str(), kColumns, kRows, 1, GDT_Float32, nullptr);
    ASSERT_NE(dataset, nullptr);
    double transform[6] = {kCornerX, kPixel, 0.0, kCornerY, 0.0, -kPixel};
    GDALSetGeoTransform(dataset, transform);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    ASSERT_EQ(OSRImportFromEPSG(srs, epsg), OGRERR_NONE);
    GDALSetSpatialRef(dataset, srs);
    OSRDestroySpatialReference(srs);
    std::vector<float> values(static_cast<std::size_t>(kColumns) * kRows);
    for (int row = 0; row < kRows; ++row)
      for (int column = 0; column < kColumns; ++column)
        values[static_cast<std::size_t>(row) * kColumns + column] =
            static_cast<float>(pixel_value(column, row));
    GDALRasterBandH band = GDALGetRasterBand(dataset, 1);
    GDALSetRasterNoDataValue(band, kNodata);
    ASSERT_EQ(GDALRasterIO(band, GF_Write, 0, 0, kColumns, kRows, values.data(), kColumns, kRows,
                           GDT_Float32, 0, 0),
              CE_None);
    GDALClose(dataset);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

/// A deck on a grid at `origin`, turned `rotation` degrees, in `crs`, with the raster idomain
/// (the raster key is on line 7).
std::string deck_text(const std::string& raster, double rotation, const std::string& crs,
                      const std::string& size) {
  return fmt::format(R"(title: idomain raster
grid:
  origin: [512050, 5405010, 0]
  crs: {}
  rotation: {}
  size: {}
  idomain: {{raster: "{}"}}
  cells: [30, 20, 2]
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10}}
    - {{face: xmax, type: head, head: 9}}
)",
                     crs, rotation, size, raster);
}

TEST(IdomainRaster, ColumnsFollowTheGeoTiffOnARotatedGrid) {
  const auto path = shared_path("idomain");
  write_geotiff(path, 25832);
  const Deck deck =
      read_deck_text(deck_text(path.string(), 25.0, "EPSG:25832", "[300, 200, 10]"), "r.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const Grid& grid = model.grid;
  const double angle = 25.0 * std::numbers::pi / 180.0;
  double mismatches = 0.0, inactive = 0.0;
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
        const double lx = 10.0 * i + 5.0, ly = 10.0 * j + 5.0; // [m] from the origin
        const double x = 512050.0 + std::cos(angle) * lx - std::sin(angle) * ly;
        const double y = 5405010.0 + std::sin(angle) * lx + std::cos(angle) * ly;
        const int column = static_cast<int>(std::floor((x - kCornerX) / kPixel));
        const int row = static_cast<int>(std::floor((kCornerY - y) / kPixel));
        const double value = pixel_value(column, row);
        const bool expected = value > 0.0; // nodata (-9999) and 0: inactive
        if (expected != grid.active(i, j, k)) mismatches += 1.0;
        if (!expected) inactive += 1.0;
      }
  MPI_Allreduce(MPI_IN_PLACE, &mismatches, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &inactive, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  EXPECT_EQ(mismatches, 0.0);
  EXPECT_EQ(static_cast<double>(grid.total_cells() - grid.active_cells()), inactive);
  EXPECT_GT(inactive, 100.0); // the disk, the nodata band and the checker all cut the grid
  EXPECT_LT(inactive, 900.0);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0)
    std::printf("idomain raster: %.0f of %ld cells inactive, %.0f mismatches\n", inactive,
                grid.total_cells(), mismatches);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (rank == 0) std::filesystem::remove(path);
}

/// The message of the InputError thrown while reading `text` and building its model.
std::string input_error(const std::string& text) {
  try {
    const Deck deck = read_deck_text(text, "bad.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
  } catch (const InputError& e) {
    return fmt::format("{} @ {} line {}: {}", e.key_path(), e.where().file, e.where().line,
                       e.what());
  }
  return "no InputError";
}

TEST(IdomainRaster, BadRastersAreInputErrorsAtTheKey) {
  const auto path = shared_path("idomain_utm");
  write_geotiff(path, 32632); // WGS 84 / UTM 32N: another CRS than the grid's ETRS89 one
  const std::string missing =
      input_error(deck_text("no/such/raster.tif", 0.0, "EPSG:25832", "[300, 200, 10]"));
  EXPECT_NE(missing.find("grid.idomain.raster @ bad.yaml line 7"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no/such/raster.tif"), std::string::npos) << missing;
  EXPECT_NE(missing.find("cannot open"), std::string::npos) << missing;

  const std::string crs =
      input_error(deck_text(path.string(), 0.0, "EPSG:25832", "[300, 200, 10]"));
  EXPECT_NE(crs.find("grid.idomain.raster @ bad.yaml line 7"), std::string::npos) << crs;
  EXPECT_NE(crs.find("the file is in EPSG:32632, the grid in EPSG:25832"), std::string::npos)
      << crs;

  // 700 m east of the origin: beyond the raster's east edge at 512500 m.
  const std::string extent =
      input_error(deck_text(path.string(), 0.0, "EPSG:32632", "[700, 200, 10]"));
  EXPECT_NE(extent.find("grid.idomain.raster @ bad.yaml line 7"), std::string::npos) << extent;
  EXPECT_NE(extent.find("does not cover the grid"), std::string::npos) << extent;
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (rank == 0) std::filesystem::remove(path);
}

} // namespace
} // namespace terrafate
