#include "terrafate/io/cell_field_hdf5.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <hdf5.h>

#include "collective_checks.hpp"
#include "hdf5_handle.hpp"

#ifndef H5_HAVE_PARALLEL
#error "cell_field_hdf5.cpp needs the parallel (openmpi) HDF5 headers, not the serial ones"
#endif

namespace terrafate::io {
namespace {

using detail::check;
using detail::Hdf5Handle;
using detail::owned;

/// `dataset` as an absolute HDF5 path ("K" and "/K" name the same dataset).
std::string absolute_dataset_path(const std::string& dataset) {
  return dataset.starts_with('/') ? dataset : "/" + dataset;
}

std::string shape_text(const std::vector<unsigned long long>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

/// Opens `file` read-only with the file access property list `access`.
Hdf5Handle open_file(const std::filesystem::path& file, hid_t access) {
  std::error_code error;
  if (!std::filesystem::exists(file, error))
    throw std::runtime_error(fmt::format("cannot open HDF5 file {}: no such file", file.string()));
  const hid_t id = H5Fopen(file.c_str(), H5F_ACC_RDONLY, access);
  if (id < 0) {
    const std::string detail = detail::hdf5_error_detail();
    throw std::runtime_error(fmt::format("cannot open HDF5 file {}{}", file.string(),
                                         detail.empty() ? "" : ": " + detail));
  }
  return Hdf5Handle(id, H5Fclose);
}

/// Opens the dataset at absolute path `path`; throws when a link on the way is missing or the
/// object is not a dataset.
Hdf5Handle open_dataset(hid_t file, const std::string& path, const std::string& file_label) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (prefix.size() > 1 && H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0)
      throw std::runtime_error(fmt::format("dataset {} not found in {}", path, file_label));
    if (slash == std::string::npos) break;
  }
  Hdf5Handle object = owned(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose,
                            fmt::format("opening {} in {}", path, file_label));
  if (H5Iget_type(object.get()) != H5I_DATASET)
    throw std::runtime_error(fmt::format("{} in {} is not a dataset", path, file_label));
  return object;
}

std::vector<unsigned long long> shape_of(hid_t dataset, const std::string& label) {
  Hdf5Handle space = owned(H5Dget_space(dataset), H5Sclose, "reading the shape of " + label);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) detail::throw_hdf5_failure("reading the shape of " + label);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0)
    detail::throw_hdf5_failure("reading the shape of " + label);
  return {dims.begin(), dims.end()};
}

/// Throws unless `shape` is [nz, ny, nx, components], or [nz, ny, nx] for one component.
void check_shape(const std::vector<unsigned long long>& shape, const std::array<int, 3>& cells,
                 int components, const std::string& dataset_label) {
  std::vector<unsigned long long> expected = {static_cast<unsigned long long>(cells[2]),
                                              static_cast<unsigned long long>(cells[1]),
                                              static_cast<unsigned long long>(cells[0])};
  if (components > 1) expected.push_back(static_cast<unsigned long long>(components));
  std::vector<unsigned long long> with_one_component = expected;
  with_one_component.push_back(1);
  if (shape == expected || (components == 1 && shape == with_one_component)) return;
  throw std::runtime_error(fmt::format("dataset {} has shape {}, expected {} ({})", dataset_label,
                                       shape_text(shape), shape_text(expected),
                                       components > 1 ? "nz, ny, nx, components" : "nz, ny, nx"));
}

/// Throws unless the dataset holds numbers HDF5 can convert to double.
void check_numeric(hid_t dataset, const std::string& dataset_label) {
  Hdf5Handle type = owned(H5Dget_type(dataset), H5Tclose, "reading the type of " + dataset_label);
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER)
    throw std::runtime_error(
        fmt::format("dataset {} does not hold integer or floating-point numbers", dataset_label));
}

void check_block(const std::array<int, 3>& global_cells, const LocalBlock& block, int components) {
  if (components < 1)
    throw std::runtime_error(fmt::format("read_cell_field: {} components", components));
  for (int axis = 0; axis < 3; ++axis) {
    if (global_cells[axis] < 1 || block.offset[axis] < 0 || block.count[axis] < 0 ||
        block.offset[axis] + block.count[axis] > global_cells[axis])
      throw std::runtime_error(fmt::format(
          "read_cell_field: block offset [{}], count [{}] does not fit a grid of [{}] cells",
          fmt::join(block.offset, ", "), fmt::join(block.count, ", "),
          fmt::join(global_cells, ", ")));
  }
}

} // namespace

std::vector<unsigned long long> dataset_shape(const std::filesystem::path& file,
                                              const std::string& dataset) {
  detail::silence_hdf5_error_printing();
  const std::string path = absolute_dataset_path(dataset);
  Hdf5Handle handle = open_file(file, H5P_DEFAULT);
  Hdf5Handle object = open_dataset(handle.get(), path, file.string());
  return shape_of(object.get(), fmt::format("{} in {}", path, file.string()));
}

std::vector<double> read_cell_field(MPI_Comm comm, const std::filesystem::path& file,
                                    const std::string& dataset, std::array<int, 3> global_cells,
                                    const LocalBlock& block, int components) {
  const std::string path = absolute_dataset_path(dataset);
  const std::string dataset_label = fmt::format("{} in {}", path, file.string());
  Hdf5Handle file_handle;
  Hdf5Handle dataset_handle;
  std::vector<unsigned long long> shape;
  // Every rank reads the metadata, so every rank reaches the same verdict; the agreement only
  // guards against a rank failing alone.
  detail::run_agreeing_on_errors(comm, [&] {
    detail::silence_hdf5_error_printing();
    check_block(global_cells, block, components);
    Hdf5Handle access = owned(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "opening " + file.string());
    check(H5Pset_fapl_mpio(access.get(), comm, MPI_INFO_NULL), "opening " + file.string());
    file_handle = open_file(file, access.get());
    dataset_handle = open_dataset(file_handle.get(), path, file.string());
    shape = shape_of(dataset_handle.get(), dataset_label);
    check_shape(shape, global_cells, components, dataset_label);
    check_numeric(dataset_handle.get(), dataset_label);
  });

  std::vector<double> values(block.cell_count() * static_cast<std::size_t>(components));
  detail::run_agreeing_on_errors(comm, [&] {
    std::vector<hsize_t> start = {static_cast<hsize_t>(block.offset[2]),
                                  static_cast<hsize_t>(block.offset[1]),
                                  static_cast<hsize_t>(block.offset[0])};
    std::vector<hsize_t> count = {static_cast<hsize_t>(block.count[2]),
                                  static_cast<hsize_t>(block.count[1]),
                                  static_cast<hsize_t>(block.count[0])};
    if (shape.size() == 4) {
      start.push_back(0);
      count.push_back(static_cast<hsize_t>(components));
    }
    const int rank = static_cast<int>(shape.size());
    const std::string what = "reading " + dataset_label;
    Hdf5Handle file_space = owned(H5Dget_space(dataset_handle.get()), H5Sclose, what);
    Hdf5Handle memory_space = owned(H5Screate_simple(rank, count.data(), nullptr), H5Sclose, what);
    if (values.empty()) {
      check(H5Sselect_none(file_space.get()), what);
      check(H5Sselect_none(memory_space.get()), what);
    } else {
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                count.data(), nullptr),
            what);
    }
    Hdf5Handle transfer = owned(H5Pcreate(H5P_DATASET_XFER), H5Pclose, what);
    check(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE), what);
    check(H5Dread(dataset_handle.get(), H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(),
                  transfer.get(), values.data()),
          what);
  });
  return values;
}

} // namespace terrafate::io

namespace terrafate::io {

std::vector<double> read_surface(const std::filesystem::path& file, const std::string& dataset,
                                 int nx, int ny) {
  detail::silence_hdf5_error_printing();
  const std::string path = absolute_dataset_path(dataset);
  const std::string label = fmt::format("{} in {}", path, file.string());
  Hdf5Handle handle = open_file(file, H5P_DEFAULT);
  Hdf5Handle object = open_dataset(handle.get(), path, file.string());
  const auto shape = shape_of(object.get(), label);
  const std::vector<unsigned long long> expected = {static_cast<unsigned long long>(ny),
                                                    static_cast<unsigned long long>(nx)};
  if (shape != expected)
    throw std::runtime_error(fmt::format("dataset {} has shape {}, expected {} (ny, nx)", label,
                                         shape_text(shape), shape_text(expected)));
  check_numeric(object.get(), label);
  std::vector<double> values(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  check(H5Dread(object.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "reading " + label);
  return values;
}

} // namespace terrafate::io
