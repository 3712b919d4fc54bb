#include "terrafate/io/raster_gdal.hpp"

#include <memory>
#include <string>

#include "gdal_support.hpp"

namespace terrafate::io {

namespace {
/// Pixels beyond this many are refused before reading (1.6 GB as doubles).
constexpr double kMaxPixels = 2.0e8;
} // namespace

void load_raster(Raster& raster, const std::filesystem::path& path) {
  detail::register_gdal_drivers();
  const detail::QuietGdalErrors quiet;
  const auto fail = [&](const std::string& why) {
    return InputError(raster.key_path, raster.where,
                      fmt::format("raster '{}' ({}): {}", raster.file, path.string(), why));
  };
  std::unique_ptr<void, detail::DatasetCloser> dataset(GDALOpen(path.c_str(), GA_ReadOnly));
  if (!dataset) {
    const std::string message = CPLGetLastErrorMsg();
    throw fail(message.empty() ? "cannot open it" : "cannot open it: " + message);
  }
  double transform[6];
  if (GDALGetGeoTransform(dataset.get(), transform) != CE_None)
    throw fail("it has no georeference (geotransform)");
  if (transform[2] != 0.0 || transform[4] != 0.0)
    throw fail("it is rotated or sheared; give a north-up raster");
  if (!(transform[1] > 0.0) || transform[5] == 0.0)
    throw fail(fmt::format("pixel size {} x {} is not usable", transform[1], transform[5]));
  if (GDALGetRasterCount(dataset.get()) < 1) throw fail("it has no band");
  raster.columns = GDALGetRasterXSize(dataset.get());
  raster.rows = GDALGetRasterYSize(dataset.get());
  if (static_cast<double>(raster.columns) * raster.rows > kMaxPixels)
    throw fail(fmt::format("{} x {} pixels exceed the limit of {:.3g}", raster.columns, raster.rows,
                           kMaxPixels));
  raster.corner = {transform[0], transform[3]};
  raster.pixel = {transform[1], transform[5]};
  GDALRasterBandH band = GDALGetRasterBand(dataset.get(), 1);
  int has_nodata = 0;
  const double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
  if (has_nodata) raster.nodata = nodata;
  raster.values.assign(static_cast<std::size_t>(raster.columns) * raster.rows, 0.0);
  if (GDALRasterIO(band, GF_Read, 0, 0, raster.columns, raster.rows, raster.values.data(),
                   raster.columns, raster.rows, GDT_Float64, 0, 0) != CE_None)
    throw fail(std::string("cannot read band 1: ") + CPLGetLastErrorMsg());
  raster.crs = detail::epsg_of(GDALGetSpatialRef(dataset.get()));
}

} // namespace terrafate::io
