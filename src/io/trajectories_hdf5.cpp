#include "terrafate/io/trajectories_hdf5.hpp"

#include <stdexcept>

#include "hdf5_handle.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate::io {

namespace {
using detail::check;
using detail::Hdf5Handle;
using detail::owned;

void write_string_attribute(hid_t object, const std::string& name, const std::string& value,
                            const std::string& what) {
  // A variable-length UTF-8 string, as results.h5 writes its attributes (h5py reads a str).
  Hdf5Handle type = owned(H5Tcopy(H5T_C_S1), H5Tclose, what);
  check(H5Tset_size(type.get(), H5T_VARIABLE), what);
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), what);
  Hdf5Handle space = owned(H5Screate(H5S_SCALAR), H5Sclose, what);
  Hdf5Handle attribute =
      owned(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, what);
  const char* text = value.c_str();
  check(H5Awrite(attribute.get(), type.get(), &text), what);
}

void write_series(hid_t group, const char* name, const std::vector<double>& values,
                  const char* unit, const std::string& what) {
  const hsize_t size = values.size();
  Hdf5Handle space = owned(H5Screate_simple(1, &size, nullptr), H5Sclose, what);
  Hdf5Handle dataset = owned(
      H5Dcreate2(group, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose, what);
  if (size > 0)
    check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          what);
  write_string_attribute(dataset.get(), "unit", unit, what);
}
} // namespace

void write_risk_trajectories(const std::filesystem::path& path,
                             const std::vector<RiskTrajectory>& trajectories,
                             const std::vector<std::pair<std::string, std::string>>& attributes) {
  const std::filesystem::path partial = create_fresh_partial(path);
  const std::string what = "writing " + partial.string();
  detail::silence_hdf5_error_printing();
  {
    Hdf5Handle file =
        owned(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, what);
    Hdf5Handle links = owned(H5Pcreate(H5P_LINK_CREATE), H5Pclose, what);
    check(H5Pset_create_intermediate_group(links.get(), 1), what);
    for (const auto& [name, value] : attributes)
      write_string_attribute(file.get(), name, value, what);
    for (const auto& trajectory : trajectories) {
      if (trajectory.cancer_risk.size() != trajectory.time.size() ||
          trajectory.hazard_quotient.size() != trajectory.time.size())
        throw std::runtime_error(what + ": series of different lengths in " + trajectory.group);
      Hdf5Handle group = owned(
          H5Gcreate2(file.get(), trajectory.group.c_str(), links.get(), H5P_DEFAULT, H5P_DEFAULT),
          H5Gclose, what);
      write_series(group.get(), "time", trajectory.time, "d", what);
      write_series(group.get(), "cancer_risk", trajectory.cancer_risk, "1", what);
      write_series(group.get(), "hazard_quotient", trajectory.hazard_quotient, "1", what);
    }
    file.close(what);
  }
  rename_into_place(partial, path);
}

} // namespace terrafate::io
