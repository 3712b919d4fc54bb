#include "terrafate/io/checkpoint_hdf5.hpp"

#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>

#include "collective_checks.hpp"
#include "hdf5_handle.hpp"

namespace terrafate::io {

namespace {
using detail::check;
using detail::Hdf5Handle;
using detail::owned;

/// Link creation property list that creates missing intermediate groups.
Hdf5Handle intermediate_groups(const std::string& what) {
  Hdf5Handle list = owned(H5Pcreate(H5P_LINK_CREATE), H5Pclose, what);
  check(H5Pset_create_intermediate_group(list.get(), 1), what);
  return list;
}

/// Creates dataset `name` of `type` and shape `dims` and writes `data` from the selection
/// `start`/`count` of this rank (an empty count writes nothing), collectively.
void write_dataset(hid_t file, hid_t transfer, const std::string& name, hid_t file_type,
                   hid_t memory_type, const std::vector<hsize_t>& dims,
                   const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                   const void* data) {
  const std::string what = "writing checkpoint dataset " + name;
  Hdf5Handle links = intermediate_groups(what);
  Hdf5Handle file_space =
      owned(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
  Hdf5Handle dataset = owned(H5Dcreate2(file, name.c_str(), file_type, file_space.get(),
                                        links.get(), H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose, what);
  hsize_t total = 1;
  for (const auto d : dims)
    total *= d;
  if (total == 0) return; // an empty dataset: nothing to write
  hsize_t elements = 1;
  for (const auto c : count)
    elements *= c;
  Hdf5Handle memory_space = owned(H5Screate_simple(1, &elements, nullptr), H5Sclose, what);
  if (elements == 0) {
    check(H5Sselect_none(file_space.get()), what);
    check(H5Sselect_none(memory_space.get()), what);
  } else {
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          what);
  }
  check(H5Dwrite(dataset.get(), memory_type, memory_space.get(), file_space.get(), transfer, data),
        what);
}

/// Shape of dataset `name`.
std::vector<hsize_t> shape(hid_t file, const std::string& name) {
  const std::string what = "reading the shape of checkpoint dataset " + name;
  Hdf5Handle dataset = owned(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, what);
  Hdf5Handle space = owned(H5Dget_space(dataset.get()), H5Sclose, what);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) detail::throw_hdf5_failure(what);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), what);
  return dims;
}

/// Reads the selection start/count (everything when both are empty) of dataset `name`.
void read_dataset(hid_t file, const std::string& name, hid_t memory_type,
                  const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                  void* data) {
  const std::string what = "reading checkpoint dataset " + name;
  Hdf5Handle dataset = owned(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, what);
  Hdf5Handle file_space = owned(H5Dget_space(dataset.get()), H5Sclose, what);
  hsize_t elements = 0;
  if (start.empty()) {
    elements = static_cast<hsize_t>(H5Sget_simple_extent_npoints(file_space.get()));
  } else {
    elements = 1;
    for (const auto c : count)
      elements *= c;
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          what);
  }
  if (elements == 0 || H5Sget_simple_extent_npoints(file_space.get()) == 0) return;
  Hdf5Handle memory_space = owned(H5Screate_simple(1, &elements, nullptr), H5Sclose, what);
  check(
      H5Dread(dataset.get(), memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data),
      what);
}

/// Names of the datasets under `group` (recursively, as "a/b"), in HDF5's name order.
std::vector<std::string> dataset_names(hid_t file, const std::string& group) {
  std::vector<std::string> names;
  if (H5Lexists(file, group.c_str(), H5P_DEFAULT) <= 0) return names;
  struct Visit {
    std::vector<std::string>* names;
  } visit{&names};
  auto callback = [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type == H5O_TYPE_DATASET) static_cast<Visit*>(data)->names->push_back(name);
    return 0;
  };
  Hdf5Handle object =
      owned(H5Oopen(file, group.c_str(), H5P_DEFAULT), H5Oclose, "opening checkpoint " + group);
  check(H5Ovisit2(object.get(), H5_INDEX_NAME, H5_ITER_INC, callback, &visit, H5O_INFO_BASIC),
        "listing checkpoint " + group);
  return names;
}

std::vector<hsize_t> cell_dims(std::array<int, 3> cells, std::size_t components) {
  std::vector<hsize_t> dims{static_cast<hsize_t>(cells[2]), static_cast<hsize_t>(cells[1]),
                            static_cast<hsize_t>(cells[0])};
  if (components != 1) dims.push_back(components);
  return dims;
}

void block_selection(const LocalBlock& block, std::size_t components, std::vector<hsize_t>& start,
                     std::vector<hsize_t>& count) {
  start = {static_cast<hsize_t>(block.offset[2]), static_cast<hsize_t>(block.offset[1]),
           static_cast<hsize_t>(block.offset[0])};
  count = {static_cast<hsize_t>(block.count[2]), static_cast<hsize_t>(block.count[1]),
           static_cast<hsize_t>(block.count[0])};
  if (components != 1) {
    start.push_back(0);
    count.push_back(components);
  }
}
} // namespace

void write_checkpoint(MPI_Comm comm, const std::filesystem::path& path, std::array<int, 3> cells,
                      const LocalBlock& block, const StateRecord& record) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  std::filesystem::path partial = path;
  partial += ".partial";
  const std::string what = "writing checkpoint " + partial.string();
  detail::run_agreeing_on_errors(comm, [&] {
    detail::silence_hdf5_error_printing();
    if (rank == 0) std::filesystem::create_directories(path.parent_path());
  });
  detail::run_agreeing_on_errors(comm, [&] {
    Hdf5Handle access = owned(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, what);
    check(H5Pset_fapl_mpio(access.get(), comm, MPI_INFO_NULL), what);
    Hdf5Handle file =
        owned(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose, what);
    Hdf5Handle transfer = owned(H5Pcreate(H5P_DATASET_XFER), H5Pclose, what);
    check(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE), what);
    {
      const int value = ranks;
      Hdf5Handle space = owned(H5Screate(H5S_SCALAR), H5Sclose, what);
      Hdf5Handle attribute = owned(
          H5Acreate2(file.get(), "ranks", H5T_STD_I32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
          H5Aclose, what);
      check(H5Awrite(attribute.get(), H5T_NATIVE_INT, &value), what);
    }
    const std::size_t owned_cells = block.cell_count();
    for (const auto& [name, values] : record.cells) {
      const std::size_t components = owned_cells > 0 ? values.size() / owned_cells : 1;
      std::vector<hsize_t> start, count;
      block_selection(block, components, start, count);
      write_dataset(file.get(), transfer.get(), "/cells/" + name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                    cell_dims(cells, components), start, count, values.data());
    }
    for (const auto& [name, values] : record.values) {
      unsigned long long size = values.size();
      MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
      const hsize_t n = size;
      write_dataset(file.get(), transfer.get(), "/values/" + name, H5T_IEEE_F64LE,
                    H5T_NATIVE_DOUBLE, {n}, {0}, {rank == 0 ? n : 0}, values.data());
    }
    for (const auto& [name, values] : record.per_rank) {
      std::vector<double> all(rank == 0 ? values.size() * static_cast<std::size_t>(ranks) : 0);
      MPI_Gather(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, all.data(),
                 static_cast<int>(values.size()), MPI_DOUBLE, 0, comm);
      const hsize_t rows = static_cast<hsize_t>(ranks), columns = values.size();
      write_dataset(file.get(), transfer.get(), "/per_rank/" + name, H5T_IEEE_F64LE,
                    H5T_NATIVE_DOUBLE, {rows, columns}, {0, 0},
                    {rank == 0 ? rows : 0, rank == 0 ? columns : 0}, all.data());
    }
    for (const auto& [name, text] : record.texts) {
      unsigned long long size = text.size();
      MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
      const hsize_t n = std::max<hsize_t>(size, 1); // HDF5 wants a non-empty extent
      std::string padded = text;
      padded.resize(n, '\0');
      write_dataset(file.get(), transfer.get(), "/texts/" + name, H5T_STD_U8LE, H5T_NATIVE_UCHAR,
                    {n}, {0}, {rank == 0 ? n : 0}, padded.data());
    }
    transfer.close(what);
    file.close(what);
  });
  detail::run_agreeing_on_errors(comm, [&] {
    if (rank == 0) std::filesystem::rename(partial, path);
  });
}

StateRecord read_checkpoint(MPI_Comm comm, const std::filesystem::path& path,
                            std::array<int, 3> cells, const LocalBlock& block) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  StateRecord record;
  const std::string what = "reading checkpoint " + path.string();
  detail::run_agreeing_on_errors(comm, [&] {
    detail::silence_hdf5_error_printing();
    if (!std::filesystem::exists(path)) throw std::runtime_error(what + ": no such file");
    Hdf5Handle file = owned(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, what);
    int written_ranks = 0;
    {
      Hdf5Handle attribute = owned(H5Aopen(file.get(), "ranks", H5P_DEFAULT), H5Aclose, what);
      check(H5Aread(attribute.get(), H5T_NATIVE_INT, &written_ranks), what);
    }
    for (const auto& name : dataset_names(file.get(), "/cells")) {
      const auto dims = shape(file.get(), "/cells/" + name);
      if (dims.size() < 3 || dims[0] != static_cast<hsize_t>(cells[2]) ||
          dims[1] != static_cast<hsize_t>(cells[1]) || dims[2] != static_cast<hsize_t>(cells[0]))
        throw std::runtime_error(fmt::format("{}: the field {} is not of this grid", what, name));
      const std::size_t components = dims.size() == 4 ? dims[3] : 1;
      std::vector<hsize_t> start, count;
      block_selection(block, components, start, count);
      auto& values = record.cells[name];
      values.resize(block.cell_count() * components);
      read_dataset(file.get(), "/cells/" + name, H5T_NATIVE_DOUBLE, start, count, values.data());
    }
    for (const auto& name : dataset_names(file.get(), "/values")) {
      const auto dims = shape(file.get(), "/values/" + name);
      auto& values = record.values[name];
      values.resize(dims[0]);
      read_dataset(file.get(), "/values/" + name, H5T_NATIVE_DOUBLE, {}, {}, values.data());
    }
    for (const auto& name : dataset_names(file.get(), "/per_rank")) {
      const auto dims = shape(file.get(), "/per_rank/" + name);
      std::vector<double> all(dims[0] * dims[1]);
      read_dataset(file.get(), "/per_rank/" + name, H5T_NATIVE_DOUBLE, {}, {}, all.data());
      auto& values = record.per_rank[name];
      values.assign(dims[1], 0.0);
      if (written_ranks == ranks) {
        for (std::size_t c = 0; c < dims[1]; ++c)
          values[c] = all[static_cast<std::size_t>(rank) * dims[1] + c];
      } else if (rank == 0) {
        for (std::size_t r = 0; r < dims[0]; ++r)
          for (std::size_t c = 0; c < dims[1]; ++c)
            values[c] += all[r * dims[1] + c];
      }
    }
    for (const auto& name : dataset_names(file.get(), "/texts")) {
      const auto dims = shape(file.get(), "/texts/" + name);
      std::string text(dims[0], '\0');
      read_dataset(file.get(), "/texts/" + name, H5T_NATIVE_UCHAR, {}, {}, text.data());
      text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
      record.texts[name] = text;
    }
  });
  return record;
}

} // namespace terrafate::io
