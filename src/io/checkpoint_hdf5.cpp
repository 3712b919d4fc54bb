#include "terrafate/io/checkpoint_hdf5.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "collective_checks.hpp"
#include "hdf5_handle.hpp"
#include "terrafate/core/errors.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate::io {

namespace {
using detail::check;
using detail::Hdf5Handle;
using detail::owned;

constexpr const char* kChecksumAttribute = "checksum";
constexpr const char* kSchemaAttribute = "schema_version";

/// splitmix64's finalizer: a bijection of 64-bit words that spreads every input bit.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// One element's term of a dataset checksum: element `index` holding the bit pattern `bits`.
std::uint64_t element_term(std::uint64_t index, std::uint64_t bits) {
  return mix(mix(index) ^ bits);
}

std::uint64_t bits_of(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

/// Checksum of values held whole (rank 0's values, texts as bytes): the sum of element_term.
std::uint64_t whole_checksum(const std::vector<double>& values) {
  std::uint64_t sum = 0;
  for (std::size_t n = 0; n < values.size(); ++n)
    sum += element_term(n, bits_of(values[n]));
  return sum;
}
std::uint64_t whole_checksum(const std::string& text) {
  std::uint64_t sum = 0;
  for (std::size_t n = 0; n < text.size(); ++n)
    sum += element_term(n, static_cast<unsigned char>(text[n]));
  return sum;
}

/// This rank's part of a cell field's checksum: element_term over its block, indexed in the
/// global [nz][ny][nx][components] order, so the sum over ranks is the same for any layout.
std::uint64_t block_checksum(const std::vector<double>& values, std::array<int, 3> cells,
                             const LocalBlock& block, std::size_t components) {
  std::uint64_t sum = 0;
  std::size_t n = 0;
  for (int k = 0; k < block.count[2]; ++k)
    for (int j = 0; j < block.count[1]; ++j)
      for (int i = 0; i < block.count[0]; ++i) {
        const std::uint64_t cell =
            (static_cast<std::uint64_t>(k + block.offset[2]) * cells[1] + (j + block.offset[1])) *
                cells[0] +
            (i + block.offset[0]);
        for (std::size_t c = 0; c < components && n < values.size(); ++c, ++n)
          sum += element_term(cell * components + c, bits_of(values[n]));
      }
  return sum;
}

/// The checksum attribute of dataset `name`.
std::uint64_t stored_checksum(hid_t file, const std::string& name, const std::string& what) {
  Hdf5Handle dataset = owned(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, what);
  if (H5Aexists(dataset.get(), kChecksumAttribute) <= 0)
    throw std::runtime_error(fmt::format("{}: dataset {} has no checksum", what, name));
  Hdf5Handle attribute =
      owned(H5Aopen(dataset.get(), kChecksumAttribute, H5P_DEFAULT), H5Aclose, what);
  std::uint64_t value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value), what);
  return value;
}

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
                   const void* data, std::uint64_t checksum) {
  const std::string what = "writing checkpoint dataset " + name;
  Hdf5Handle links = intermediate_groups(what);
  Hdf5Handle file_space =
      owned(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
  Hdf5Handle dataset = owned(H5Dcreate2(file, name.c_str(), file_type, file_space.get(),
                                        links.get(), H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose, what);
  {
    Hdf5Handle scalar = owned(H5Screate(H5S_SCALAR), H5Sclose, what);
    Hdf5Handle attribute = owned(H5Acreate2(dataset.get(), kChecksumAttribute, H5T_STD_U64LE,
                                            scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
                                 H5Aclose, what);
    check(H5Awrite(attribute.get(), H5T_NATIVE_UINT64, &checksum), what);
  }
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
  std::filesystem::path partial;
  detail::run_agreeing_on_errors(comm, [&] {
    detail::silence_hdf5_error_printing();
    if (rank == 0) {
      std::filesystem::create_directories(path.parent_path());
      partial = create_fresh_partial(path);
    }
  });
  partial = broadcast_text(comm, partial.string());
  const std::string what = "writing checkpoint " + partial.string();
  // Checksums of the cell fields: each rank's part, summed.
  const std::size_t owned_cells = block.cell_count();
  std::vector<std::uint64_t> cell_sums;
  for (const auto& [name, values] : record.cells) {
    const std::size_t components = owned_cells > 0 ? values.size() / owned_cells : 1;
    cell_sums.push_back(block_checksum(values, cells, block, components));
  }
  MPI_Allreduce(MPI_IN_PLACE, cell_sums.data(), static_cast<int>(cell_sums.size()), MPI_UINT64_T,
                MPI_SUM, comm);
  detail::run_agreeing_on_errors(comm, [&] {
    Hdf5Handle access = owned(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, what);
    check(H5Pset_fapl_mpio(access.get(), comm, MPI_INFO_NULL), what);
    Hdf5Handle file =
        owned(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose, what);
    Hdf5Handle transfer = owned(H5Pcreate(H5P_DATASET_XFER), H5Pclose, what);
    check(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE), what);
    for (const auto& [attribute_name, value] :
         {std::pair<const char*, int>{"ranks", ranks}, {kSchemaAttribute, kCheckpointSchema}}) {
      Hdf5Handle space = owned(H5Screate(H5S_SCALAR), H5Sclose, what);
      Hdf5Handle attribute = owned(H5Acreate2(file.get(), attribute_name, H5T_STD_I32LE,
                                              space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                   H5Aclose, what);
      check(H5Awrite(attribute.get(), H5T_NATIVE_INT, &value), what);
    }
    std::size_t field = 0;
    for (const auto& [name, values] : record.cells) {
      const std::size_t components = owned_cells > 0 ? values.size() / owned_cells : 1;
      std::vector<hsize_t> start, count;
      block_selection(block, components, start, count);
      write_dataset(file.get(), transfer.get(), "/cells/" + name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                    cell_dims(cells, components), start, count, values.data(), cell_sums[field++]);
    }
    for (const auto& [name, values] : record.values) {
      unsigned long long size = values.size();
      MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
      std::uint64_t checksum = rank == 0 ? whole_checksum(values) : 0;
      MPI_Bcast(&checksum, 1, MPI_UINT64_T, 0, comm);
      const hsize_t n = size;
      write_dataset(file.get(), transfer.get(), "/values/" + name, H5T_IEEE_F64LE,
                    H5T_NATIVE_DOUBLE, {n}, {0}, {rank == 0 ? n : 0}, values.data(), checksum);
    }
    for (const auto& [name, values] : record.per_rank) {
      std::vector<double> all(rank == 0 ? values.size() * static_cast<std::size_t>(ranks) : 0);
      MPI_Gather(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, all.data(),
                 static_cast<int>(values.size()), MPI_DOUBLE, 0, comm);
      std::uint64_t checksum = rank == 0 ? whole_checksum(all) : 0;
      MPI_Bcast(&checksum, 1, MPI_UINT64_T, 0, comm);
      const hsize_t rows = static_cast<hsize_t>(ranks), columns = values.size();
      write_dataset(file.get(), transfer.get(), "/per_rank/" + name, H5T_IEEE_F64LE,
                    H5T_NATIVE_DOUBLE, {rows, columns}, {0, 0},
                    {rank == 0 ? rows : 0, rank == 0 ? columns : 0}, all.data(), checksum);
    }
    for (const auto& [name, text] : record.texts) {
      unsigned long long size = text.size();
      MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
      const hsize_t n = std::max<hsize_t>(size, 1); // HDF5 wants a non-empty extent
      std::string padded = text;
      padded.resize(n, '\0');
      std::uint64_t checksum = rank == 0 ? whole_checksum(padded) : 0;
      MPI_Bcast(&checksum, 1, MPI_UINT64_T, 0, comm);
      write_dataset(file.get(), transfer.get(), "/texts/" + name, H5T_STD_U8LE, H5T_NATIVE_UCHAR,
                    {n}, {0}, {rank == 0 ? n : 0}, padded.data(), checksum);
    }
    transfer.close(what);
    file.close(what);
  });
  detail::run_agreeing_on_errors(comm, [&] {
    if (rank == 0) rename_into_place(partial, path);
  });
}

namespace {
/// Throws unless `dims` has `rank` dimensions holding at most `limit` elements in all.
void require_extent(const std::vector<hsize_t>& dims, std::size_t rank, hsize_t limit,
                    const std::string& what, const std::string& name) {
  if (dims.size() != rank)
    throw std::runtime_error(fmt::format("{}: dataset {} has {} dimensions, expected {}", what,
                                         name, dims.size(), rank));
  hsize_t total = 1;
  for (const auto d : dims) {
    if (d > 0 && d > limit / total)
      throw std::runtime_error(fmt::format("{}: dataset {} has an implausible shape", what, name));
    total *= std::max<hsize_t>(d, 1);
  }
}

/// The largest number of elements a rank-0 dataset of a checkpoint may hold (1 GiB of doubles).
constexpr hsize_t kMaxWholeElements = hsize_t{1} << 27;
} // namespace

StateRecord read_checkpoint(MPI_Comm comm, const std::filesystem::path& path,
                            std::array<int, 3> cells, const LocalBlock& block,
                            const CheckpointRules& rules) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  StateRecord record;
  const std::string what = "reading checkpoint " + path.string();
  std::vector<std::string> cell_names;
  std::vector<std::uint64_t> cell_sums, cell_expected;
  detail::run_agreeing_on_errors(comm, [&] {
    detail::silence_hdf5_error_printing();
    if (!std::filesystem::is_regular_file(path)) throw std::runtime_error(what + ": no such file");
    Hdf5Handle file = owned(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, what);
    int schema = 0;
    if (H5Aexists(file.get(), kSchemaAttribute) > 0) {
      Hdf5Handle attribute =
          owned(H5Aopen(file.get(), kSchemaAttribute, H5P_DEFAULT), H5Aclose, what);
      check(H5Aread(attribute.get(), H5T_NATIVE_INT, &schema), what);
    }
    if (schema != kCheckpointSchema)
      throw std::runtime_error(fmt::format(
          "{}: schema version {} (this terrafate reads version {}: checkpoints with checksums)",
          what, schema, kCheckpointSchema));
    int written_ranks = 0;
    {
      Hdf5Handle attribute = owned(H5Aopen(file.get(), "ranks", H5P_DEFAULT), H5Aclose, what);
      check(H5Aread(attribute.get(), H5T_NATIVE_INT, &written_ranks), what);
    }
    if (written_ranks < 1) throw std::runtime_error(fmt::format("{}: bad rank count", what));
    for (const auto& name : dataset_names(file.get(), "/cells")) {
      const auto dims = shape(file.get(), "/cells/" + name);
      if (dims.size() < 3 || dims.size() > 4 || dims[0] != static_cast<hsize_t>(cells[2]) ||
          dims[1] != static_cast<hsize_t>(cells[1]) || dims[2] != static_cast<hsize_t>(cells[0]) ||
          (dims.size() == 4 && (dims[3] == 0 || dims[3] > 1024)))
        throw std::runtime_error(fmt::format("{}: the field {} is not of this grid", what, name));
      const std::size_t components = dims.size() == 4 ? dims[3] : 1;
      std::vector<hsize_t> start, count;
      block_selection(block, components, start, count);
      auto& values = record.cells[name];
      values.resize(block.cell_count() * components);
      read_dataset(file.get(), "/cells/" + name, H5T_NATIVE_DOUBLE, start, count, values.data());
      cell_names.push_back(name);
      cell_sums.push_back(block_checksum(values, cells, block, components));
      cell_expected.push_back(stored_checksum(file.get(), "/cells/" + name, what));
    }
    for (const auto& name : dataset_names(file.get(), "/values")) {
      const auto dims = shape(file.get(), "/values/" + name);
      require_extent(dims, 1, kMaxWholeElements, what, name);
      auto& values = record.values[name];
      values.resize(dims[0]);
      read_dataset(file.get(), "/values/" + name, H5T_NATIVE_DOUBLE, {}, {}, values.data());
      if (whole_checksum(values) != stored_checksum(file.get(), "/values/" + name, what))
        throw std::runtime_error(fmt::format("{}: checksum mismatch in /values/{}", what, name));
    }
    for (const auto& name : dataset_names(file.get(), "/per_rank")) {
      const auto dims = shape(file.get(), "/per_rank/" + name);
      require_extent(dims, 2, kMaxWholeElements, what, name);
      if (dims[0] != static_cast<hsize_t>(written_ranks))
        throw std::runtime_error(fmt::format("{}: /per_rank/{} has {} rows for {} ranks", what,
                                             name, dims[0], written_ranks));
      std::vector<double> all(dims[0] * dims[1]);
      read_dataset(file.get(), "/per_rank/" + name, H5T_NATIVE_DOUBLE, {}, {}, all.data());
      if (whole_checksum(all) != stored_checksum(file.get(), "/per_rank/" + name, what))
        throw std::runtime_error(fmt::format("{}: checksum mismatch in /per_rank/{}", what, name));
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
      require_extent(dims, 1, kMaxWholeElements, what, name);
      std::string text(dims[0], '\0');
      read_dataset(file.get(), "/texts/" + name, H5T_NATIVE_UCHAR, {}, {}, text.data());
      if (whole_checksum(text) != stored_checksum(file.get(), "/texts/" + name, what))
        throw std::runtime_error(fmt::format("{}: checksum mismatch in /texts/{}", what, name));
      text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
      record.texts[name] = text;
    }
  });
  // Every rank read the same list of cell fields; their checksums are sums over the ranks.
  MPI_Allreduce(MPI_IN_PLACE, cell_sums.data(), static_cast<int>(cell_sums.size()), MPI_UINT64_T,
                MPI_SUM, comm);
  detail::run_agreeing_on_errors(comm, [&] {
    for (std::size_t f = 0; f < cell_names.size(); ++f)
      if (cell_sums[f] != cell_expected[f])
        throw std::runtime_error(
            fmt::format("{}: checksum mismatch in /cells/{}", what, cell_names[f]));
    for (const auto& name : rules.required_texts)
      if (!record.texts.count(name))
        throw std::runtime_error(fmt::format("{}: /texts/{} is missing", what, name));
    for (const auto& [name, values] : record.cells)
      for (const double value : values)
        if (!std::isfinite(value))
          throw std::runtime_error(
              fmt::format("{}: /cells/{} holds a non-finite value ({})", what, name, value));
  });
  // Non-negative fields: the largest value over all ranks sets the round-off tolerance.
  std::vector<double> largest;
  for (const auto& [name, values] : record.cells)
    if (rules.non_negative(name))
      largest.push_back(values.empty() ? 0.0 : *std::max_element(values.begin(), values.end()));
  MPI_Allreduce(MPI_IN_PLACE, largest.data(), static_cast<int>(largest.size()), MPI_DOUBLE, MPI_MAX,
                comm);
  detail::run_agreeing_on_errors(comm, [&] {
    std::size_t f = 0;
    for (const auto& [name, values] : record.cells) {
      if (!rules.non_negative(name)) continue;
      const double floor =
          -(rules.negative_tolerance * std::max(largest[f++], 0.0) + rules.negative_absolute);
      for (const double value : values)
        if (value < floor)
          throw std::runtime_error(fmt::format(
              "{}: /cells/{} holds {}, below the round-off floor {:.3g} of a non-negative field",
              what, name, value, floor));
    }
  });
  return record;
}

bool CheckpointRules::non_negative(const std::string& name) const {
  return std::any_of(non_negative_prefixes.begin(), non_negative_prefixes.end(),
                     [&](const std::string& prefix) { return name.rfind(prefix, 0) == 0; });
}

std::vector<std::filesystem::path> kept_checkpoints_before(const std::filesystem::path& requested) {
  static const std::regex numbered(R"(checkpoint_(\d{6})\.h5)");
  std::smatch match;
  const std::string requested_name = requested.filename().string();
  long limit = std::numeric_limits<long>::max();
  if (std::regex_match(requested_name, match, numbered)) limit = std::stol(match[1]);
  std::vector<std::pair<long, std::filesystem::path>> found;
  std::error_code ec;
  const auto folder = requested.has_parent_path() ? requested.parent_path() : ".";
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (!std::regex_match(name, match, numbered)) continue;
    const long index = std::stol(match[1]);
    if (index < limit && name != requested_name) found.emplace_back(index, entry.path());
  }
  std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<std::filesystem::path> paths;
  for (auto& [index, path] : found)
    paths.push_back(std::move(path));
  return paths;
}

CheckpointChoice read_checkpoint_or_older(MPI_Comm comm, const std::filesystem::path& requested,
                                          std::array<int, 3> cells, const LocalBlock& block,
                                          const CheckpointRules& rules) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  // Rank 0 lists the folder; every rank tries the same candidates in the same order.
  std::vector<std::filesystem::path> candidates{requested};
  std::string listing;
  if (rank == 0)
    for (const auto& path : kept_checkpoints_before(requested))
      listing += path.string() + '\n';
  listing = broadcast_text(comm, listing);
  std::istringstream lines(listing);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) candidates.emplace_back(line);
  CheckpointChoice choice;
  for (const auto& path : candidates) {
    try {
      choice.record = read_checkpoint(comm, path, cells, block, rules);
      choice.path = path;
      return choice;
    } catch (const std::runtime_error& e) {
      choice.rejected.push_back(e.what());
    }
  }
  std::string reasons;
  for (const auto& reason : choice.rejected)
    reasons += "\n  " + reason;
  throw InputError(fmt::format("--restart: no valid checkpoint among {} and the older ones kept "
                               "beside it:{}",
                               requested.string(), reasons));
}

} // namespace terrafate::io
