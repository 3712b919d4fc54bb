#pragma once
// Private to the io module: what the raster and vector readers share about GDAL (registration,
// dataset ownership, silenced error messages, the EPSG code of a CRS).
#include <mutex>
#include <string>

#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal.h>
#include <ogr_srs_api.h>

namespace terrafate::io::detail {

/// Registers GDAL's drivers once per process.
inline void register_gdal_drivers() {
  static std::once_flag registered;
  std::call_once(registered, [] { GDALAllRegister(); });
}

/// Closes a GDAL dataset (std::unique_ptr<void, DatasetCloser>).
struct DatasetCloser {
  void operator()(void* dataset) const { GDALClose(dataset); }
};

/// GDAL's error handler silenced for the lifetime of this object (its messages go into the
/// InputError instead).
struct QuietGdalErrors {
  QuietGdalErrors() { CPLPushErrorHandler(CPLQuietErrorHandler); }
  ~QuietGdalErrors() { CPLPopErrorHandler(); }
  QuietGdalErrors(const QuietGdalErrors&) = delete;
  QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
};

/// "EPSG:<code>" of `srs`; "" for no CRS (nullptr); a description when it has no EPSG code.
inline std::string epsg_of(OGRSpatialReferenceH srs) {
  if (srs == nullptr) return "";
  OGRSpatialReferenceH copy = OSRClone(srs);
  std::string crs;
  OSRAutoIdentifyEPSG(copy);
  const char* authority = OSRGetAuthorityName(copy, nullptr);
  const char* code = OSRGetAuthorityCode(copy, nullptr);
  if (authority != nullptr && code != nullptr && std::string(authority) == "EPSG")
    crs = fmt::format("EPSG:{}", code);
  else
    crs = "a CRS without an EPSG code";
  OSRDestroySpatialReference(copy);
  return crs;
}

} // namespace terrafate::io::detail
