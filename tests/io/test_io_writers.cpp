// Tests of the io module: results.h5 + results.xmf, the VTK series and the cell field reader.
// Run under mpiexec with any number of ranks (up to 60, the cell count); every rank runs every
// test in the same order because the writers are collective.
//
// Known fields (cell i, j, k; output number `step`), also checked by check_io_output.py:
//   head     = 1000 k + 100 j + i + 0.5 + 10000 step
//   velocity = -(1000 k + 100 j + i) - 0.25 (c + 1) - 10000 step, for component c = 0, 1, 2
// on the 5 x 4 x 3 cell grid kNodes, written at times kTimes [d].
//
// Usage: test_io [gtest flags] [--output-dir=DIR]. With --output-dir the files are kept in DIR
// (emptied first) for check_io_output.py; otherwise a temporary folder is used and removed.
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>
#include <mpi.h>

#include "terrafate/io/cell_field_hdf5.hpp"
#include "terrafate/io/field_block.hpp"
#include "terrafate/io/results_hdf5.hpp"
#include "terrafate/io/vtk_series.hpp"

namespace {

namespace fs = std::filesystem;
using terrafate::io::FieldView;
using terrafate::io::GridCoordinates;
using terrafate::io::LocalBlock;

/// Node coordinates [m]: non-uniform, 5 x 4 x 3 cells.
const GridCoordinates kCoordinates{{{{0.0, 1.0, 3.0, 6.0, 10.0, 15.0},
                                     {-2.0, -1.5, 0.0, 2.5, 4.0},
                                     {100.0, 100.25, 101.0, 103.0}}},
                                   {}}; // no georeference
constexpr std::array<int, 3> kCells = {5, 4, 3};
/// Simulated times of the outputs [d].
constexpr std::array<double, 2> kTimes = {0.5, 1.25};

/// Root of every file the tests write; set by main().
fs::path g_output_root;

int rank_in(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int size_of(MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

bool is_world_root() {
  return rank_in(MPI_COMM_WORLD) == 0;
}

double head_value(int i, int j, int k, int step) {
  return 1000.0 * k + 100.0 * j + i + 0.5 + 10000.0 * step;
}

double velocity_value(int i, int j, int k, int component, int step) {
  return -(1000.0 * k + 100.0 * j + i) - 0.25 * (component + 1) - 10000.0 * step;
}

/// This rank's block in a process grid from MPI_Dims_create; uneven splits give the first
/// blocks of an axis one cell more.
LocalBlock block_of_rank(MPI_Comm comm) {
  std::array<int, 3> ranks_per_axis = {0, 0, 0};
  MPI_Dims_create(size_of(comm), 3, ranks_per_axis.data());
  const int rank = rank_in(comm);
  const std::array<int, 3> position = {rank % ranks_per_axis[0],
                                       rank / ranks_per_axis[0] % ranks_per_axis[1],
                                       rank / (ranks_per_axis[0] * ranks_per_axis[1])};
  LocalBlock block;
  for (int axis = 0; axis < 3; ++axis) {
    const int base = kCells[axis] / ranks_per_axis[axis];
    const int extra = kCells[axis] % ranks_per_axis[axis];
    block.count[axis] = base + (position[axis] < extra ? 1 : 0);
    block.offset[axis] = position[axis] * base + std::min(position[axis], extra);
  }
  return block;
}

/// The known fields on one block at output number `step`.
struct KnownFields {
  std::vector<double> head;
  std::vector<double> velocity;

  KnownFields(const LocalBlock& block, int step) {
    for (int k = block.offset[2]; k < block.offset[2] + block.count[2]; ++k)
      for (int j = block.offset[1]; j < block.offset[1] + block.count[1]; ++j)
        for (int i = block.offset[0]; i < block.offset[0] + block.count[0]; ++i) {
          head.push_back(head_value(i, j, k, step));
          for (int c = 0; c < 3; ++c)
            velocity.push_back(velocity_value(i, j, k, c, step));
        }
  }

  std::vector<FieldView> views() const {
    return {{"head", "m", "hydraulic head", 1, head.data()},
            {"velocity", "m/d", "", 3, velocity.data()}};
  }
};

/// Collective: an empty folder g_output_root/name.
fs::path fresh_folder(const std::string& name) {
  const fs::path folder = g_output_root / name;
  if (is_world_root()) {
    fs::remove_all(folder);
    fs::create_directories(folder);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return folder;
}

std::string file_text(const fs::path& path) {
  std::ifstream stream(path);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

/// The message of the exception `action` throws, or "" when it throws none.
std::string error_message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

// --- serial HDF5 reading (rank 0, after the writers finished) -----------------------------------

/// Owns an HDF5 identifier in the tests.
class Handle {
public:
  Handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {
    if (id < 0) throw std::runtime_error("HDF5 call failed in the test");
  }
  ~Handle() { closer_(id_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }

private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

Handle open_serially(const fs::path& file) {
  return {H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
}

std::string string_attribute(hid_t object, const std::string& object_path,
                             const std::string& name) {
  Handle attribute(
      H5Aopen_by_name(object, object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  EXPECT_EQ(H5Tget_class(type.get()), H5T_STRING) << object_path << " " << name;
  EXPECT_GT(H5Tis_variable_str(type.get()), 0) << object_path << " " << name;
  Handle memory_type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory_type.get(), H5T_VARIABLE);
  H5Tset_cset(memory_type.get(), H5T_CSET_UTF8);
  char* text = nullptr;
  EXPECT_GE(H5Aread(attribute.get(), memory_type.get(), &text), 0);
  std::string value = text == nullptr ? "" : text;
  H5free_memory(text);
  return value;
}

double double_attribute(hid_t object, const std::string& object_path, const std::string& name) {
  Handle attribute(
      H5Aopen_by_name(object, object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  double value = 0.0;
  EXPECT_GE(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), 0);
  return value;
}

bool has_attribute(hid_t object, const std::string& object_path, const std::string& name) {
  return H5Aexists_by_name(object, object_path.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

/// A whole dataset: its shape and its values in storage order.
struct DatasetContents {
  std::vector<hsize_t> shape;
  std::vector<double> values;
};

DatasetContents read_dataset(hid_t file, const std::string& path) {
  Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  DatasetContents contents;
  contents.shape.resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), contents.shape.data(), nullptr);
  contents.values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  EXPECT_GE(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    contents.values.data()),
            0);
  return contents;
}

/// The known fields on the whole grid at output `step`, in storage order (x fastest).
KnownFields whole_grid_fields(int step) {
  LocalBlock whole;
  whole.count = kCells;
  return KnownFields(whole, step);
}

/// Writes kTimes.size() outputs of the known fields to `file` and finishes.
void write_known_results(MPI_Comm comm, const fs::path& file) {
  const LocalBlock block = block_of_rank(comm);
  terrafate::io::ResultsHdf5Writer writer(
      comm, file, kCoordinates, block,
      {{"program", "terrafate"}, {"version", "test"}, {"ranks", std::to_string(size_of(comm))}});
  for (int step = 0; step < static_cast<int>(kTimes.size()); ++step)
    writer.write_output(kTimes[static_cast<std::size_t>(step)], KnownFields(block, step).views());
  writer.finish();
}

// --- ResultsHdf5Writer --------------------------------------------------------------------------

TEST(ResultsHdf5Writer, WritesEveryValueAndAttribute) {
  const fs::path folder = fresh_folder("results");
  const fs::path file = folder / "results.h5";
  write_known_results(MPI_COMM_WORLD, file);
  MPI_Barrier(MPI_COMM_WORLD);
  if (is_world_root()) {
    EXPECT_TRUE(fs::exists(file));
    // No partial file (results.h5.partial.XXXXXX, results.xmf.partial.XXXXXX) is left.
    for (const auto& entry : fs::directory_iterator(folder))
      EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos)
          << entry.path();

    Handle h5(open_serially(file));
    EXPECT_EQ(string_attribute(h5.get(), "/provenance", "program"), "terrafate");
    EXPECT_EQ(string_attribute(h5.get(), "/provenance", "version"), "test");
    EXPECT_EQ(string_attribute(h5.get(), "/provenance", "ranks"),
              std::to_string(size_of(MPI_COMM_WORLD)));

    const std::array<std::string, 3> axes = {"x", "y", "z"};
    for (int axis = 0; axis < 3; ++axis) {
      const std::vector<double>& nodes = kCoordinates.nodes[axis];
      const std::string nodes_path = "/grid/" + axes[axis] + "_nodes";
      const DatasetContents written_nodes = read_dataset(h5.get(), nodes_path);
      EXPECT_EQ(written_nodes.shape, std::vector<hsize_t>{nodes.size()});
      EXPECT_EQ(written_nodes.values, nodes);
      EXPECT_EQ(string_attribute(h5.get(), nodes_path, "unit"), "m");

      const std::string centers_path = "/grid/" + axes[axis] + "_centers";
      std::vector<double> centers;
      for (std::size_t i = 0; i + 1 < nodes.size(); ++i)
        centers.push_back(0.5 * (nodes[i] + nodes[i + 1]));
      EXPECT_EQ(read_dataset(h5.get(), centers_path).values, centers);
      EXPECT_EQ(string_attribute(h5.get(), centers_path, "unit"), "m");
    }

    const std::string xdmf = file_text(folder / "results.xmf");
    EXPECT_NE(xdmf.find("CollectionType=\"Temporal\""), std::string::npos);
    EXPECT_NE(xdmf.find("TopologyType=\"3DRectMesh\" Dimensions=\"4 5 6\""), std::string::npos);
    for (const std::string& axis : axes)
      EXPECT_NE(xdmf.find("results.h5:/grid/" + axis + "_nodes"), std::string::npos) << axis;

    for (int step = 0; step < static_cast<int>(kTimes.size()); ++step) {
      const std::string group = "/outputs/00000" + std::to_string(step);
      EXPECT_EQ(double_attribute(h5.get(), group, "time"), kTimes[static_cast<std::size_t>(step)]);
      EXPECT_EQ(string_attribute(h5.get(), group, "time_unit"), "d");

      const KnownFields expected = whole_grid_fields(step);
      const DatasetContents head = read_dataset(h5.get(), group + "/head");
      EXPECT_EQ(head.shape, (std::vector<hsize_t>{3, 4, 5}));
      EXPECT_EQ(head.values, expected.head);
      EXPECT_EQ(string_attribute(h5.get(), group + "/head", "unit"), "m");
      EXPECT_EQ(string_attribute(h5.get(), group + "/head", "description"), "hydraulic head");

      const DatasetContents velocity = read_dataset(h5.get(), group + "/velocity");
      EXPECT_EQ(velocity.shape, (std::vector<hsize_t>{3, 4, 5, 3}));
      EXPECT_EQ(velocity.values, expected.velocity);
      EXPECT_EQ(string_attribute(h5.get(), group + "/velocity", "unit"), "m/d");
      EXPECT_FALSE(has_attribute(h5.get(), group + "/velocity", "description"));

      std::ostringstream time_element;
      time_element << "<Time Value=\"" << kTimes[static_cast<std::size_t>(step)] << "\"/>";
      EXPECT_NE(xdmf.find(time_element.str()), std::string::npos) << time_element.str();
      EXPECT_NE(xdmf.find("results.h5:" + group + "/head"), std::string::npos) << group;
      EXPECT_NE(xdmf.find("results.h5:" + group + "/velocity"), std::string::npos) << group;
    }
    EXPECT_NE(xdmf.find("AttributeType=\"Vector\""), std::string::npos);
    EXPECT_EQ(xdmf.find("/outputs/000002"), std::string::npos);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(ResultsHdf5Writer, LeavesThePartialFileWithoutFinish) {
  const fs::path folder = fresh_folder("unfinished");
  const fs::path file = folder / "results.h5";
  {
    const LocalBlock block = block_of_rank(MPI_COMM_WORLD);
    terrafate::io::ResultsHdf5Writer writer(MPI_COMM_WORLD, file, kCoordinates, block, {});
    writer.write_output(kTimes[0], KnownFields(block, 0).views());
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (is_world_root()) {
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(folder / "results.xmf"));
    // The file under its fresh partial name, results.h5.partial.XXXXXX (six random letters).
    std::vector<fs::path> partials;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().filename().string().rfind("results.h5.partial.", 0) == 0 &&
          entry.path().filename().string().size() == std::string("results.h5.partial.").size() + 6)
        partials.push_back(entry.path());
    EXPECT_EQ(partials.size(), 1u);
    if (partials.size() == 1) {
      Handle h5(open_serially(partials.front()));
      EXPECT_EQ(read_dataset(h5.get(), "/outputs/000000/head").values, whole_grid_fields(0).head);
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(ResultsHdf5Writer, RejectsUseAfterFinish) {
  const fs::path file = fresh_folder("after_finish") / "results.h5";
  const LocalBlock block = block_of_rank(MPI_COMM_WORLD);
  terrafate::io::ResultsHdf5Writer writer(MPI_COMM_WORLD, file, kCoordinates, block, {});
  writer.finish();
  const KnownFields fields(block, 0);
  EXPECT_THROW(writer.write_output(kTimes[0], fields.views()), std::logic_error);
  EXPECT_THROW(writer.finish(), std::logic_error);
}

TEST(ResultsHdf5Writer, RejectsBlocksThatDoNotCoverTheGrid) {
  const fs::path file = fresh_folder("bad_blocks") / "results.h5";
  LocalBlock block = block_of_rank(MPI_COMM_WORLD);
  block.count[2] -= 1;
  const std::string message = error_message_of([&] {
    terrafate::io::ResultsHdf5Writer writer(MPI_COMM_WORLD, file, kCoordinates, block, {});
  });
  EXPECT_NE(message.find("but the grid has 60"), std::string::npos) << message;
}

// --- read_cell_field / dataset_shape ------------------------------------------------------------

TEST(CellFieldHdf5, RoundTripsWhatTheResultsWriterWrote) {
  const fs::path file = fresh_folder("cell_field_round_trip") / "results.h5";
  write_known_results(MPI_COMM_WORLD, file);
  const LocalBlock block = block_of_rank(MPI_COMM_WORLD);
  const KnownFields expected(block, 1);
  EXPECT_EQ(terrafate::io::read_cell_field(MPI_COMM_WORLD, file, "/outputs/000001/head", kCells,
                                           block, 1),
            expected.head);
  EXPECT_EQ(terrafate::io::read_cell_field(MPI_COMM_WORLD, file, "outputs/000001/velocity", kCells,
                                           block, 3),
            expected.velocity);
  EXPECT_EQ(terrafate::io::dataset_shape(file, "/outputs/000001/velocity"),
            (std::vector<unsigned long long>{3, 4, 5, 3}));
  EXPECT_EQ(terrafate::io::dataset_shape(file, "/grid/x_nodes"),
            std::vector<unsigned long long>{6});
}

/// Collective: k.h5 as another tool would write it (serially, without the writer): /K doubles
/// [3, 4, 5], /K_trailing_one [3, 4, 5, 1], /K_int int32 [3, 4, 5], /flat [4, 5], group /group.
fs::path serially_written_input() {
  const fs::path file = fresh_folder("cell_field_input") / "k.h5";
  if (is_world_root()) {
    Handle h5(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    const KnownFields fields = whole_grid_fields(0);
    std::vector<int> integers;
    for (const double value : fields.head)
      integers.push_back(static_cast<int>(value));
    const auto write = [&](const std::string& name, std::vector<hsize_t> shape, hid_t file_type,
                           hid_t memory_type, const void* data) {
      Handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                   H5Sclose);
      Handle dataset(H5Dcreate2(h5.get(), name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT),
                     H5Dclose);
      ASSERT_GE(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
    };
    write("K", {3, 4, 5}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, fields.head.data());
    write("K_trailing_one", {3, 4, 5, 1}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, fields.head.data());
    write("K_int", {3, 4, 5}, H5T_STD_I32LE, H5T_NATIVE_INT, integers.data());
    write("flat", {4, 5}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, fields.head.data());
    Handle group(H5Gcreate2(h5.get(), "group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return file;
}

TEST(CellFieldHdf5, ReadsDatasetsWrittenByOtherTools) {
  const fs::path file = serially_written_input();
  const LocalBlock block = block_of_rank(MPI_COMM_WORLD);
  const KnownFields expected(block, 0);
  EXPECT_EQ(terrafate::io::read_cell_field(MPI_COMM_WORLD, file, "K", kCells, block, 1),
            expected.head);
  EXPECT_EQ(
      terrafate::io::read_cell_field(MPI_COMM_WORLD, file, "/K_trailing_one", kCells, block, 1),
      expected.head);
  std::vector<double> truncated;
  for (const double value : expected.head)
    truncated.push_back(static_cast<double>(static_cast<int>(value)));
  EXPECT_EQ(terrafate::io::read_cell_field(MPI_COMM_WORLD, file, "/K_int", kCells, block, 1),
            truncated);
}

TEST(CellFieldHdf5, ReportsTheSameErrorOnEveryRank) {
  const fs::path file = serially_written_input();
  const LocalBlock block = block_of_rank(MPI_COMM_WORLD);
  const auto read = [&](const fs::path& path, const std::string& dataset, std::array<int, 3> cells,
                        int components) {
    return error_message_of([&] {
      terrafate::io::read_cell_field(MPI_COMM_WORLD, path, dataset, cells, block, components);
    });
  };
  const std::string name = file.string();
  EXPECT_EQ(read(file, "/K", {6, 4, 3}, 1),
            "dataset /K in " + name + " has shape [3, 4, 5], expected [3, 4, 6] (nz, ny, nx)");
  EXPECT_EQ(read(file, "/K", kCells, 3), "dataset /K in " + name +
                                             " has shape [3, 4, 5], expected [3, 4, 5, 3] "
                                             "(nz, ny, nx, components)");
  EXPECT_EQ(read(file, "flat", kCells, 1),
            "dataset /flat in " + name + " has shape [4, 5], expected [3, 4, 5] (nz, ny, nx)");
  EXPECT_EQ(read(file, "/missing", kCells, 1), "dataset /missing not found in " + name);
  EXPECT_EQ(read(file, "/missing_group/K", kCells, 1),
            "dataset /missing_group/K not found in " + name);
  EXPECT_EQ(read(file, "/group", kCells, 1), "/group in " + name + " is not a dataset");

  const fs::path missing = file.parent_path() / "missing.h5";
  EXPECT_EQ(read(missing, "/K", kCells, 1),
            "cannot open HDF5 file " + missing.string() + ": no such file");
  EXPECT_EQ(error_message_of([&] { terrafate::io::dataset_shape(missing, "/K"); }),
            "cannot open HDF5 file " + missing.string() + ": no such file");

  const fs::path not_hdf5 = file.parent_path() / "not_hdf5.h5";
  if (is_world_root()) std::ofstream(not_hdf5) << "plain text\n";
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string message = read(not_hdf5, "/K", kCells, 1);
  EXPECT_EQ(message.rfind("cannot open HDF5 file " + not_hdf5.string(), 0), 0u) << message;
}

// --- VtkSeriesWriter ----------------------------------------------------------------------------

/// A copy of MPI_COMM_WORLD with the ranks in reverse order: the writer must take ranks from
/// the communicator it is given.
class ReversedWorld {
public:
  ReversedWorld() {
    MPI_Comm_split(MPI_COMM_WORLD, 0, size_of(MPI_COMM_WORLD) - rank_in(MPI_COMM_WORLD), &comm_);
  }
  ~ReversedWorld() { MPI_Comm_free(&comm_); }
  ReversedWorld(const ReversedWorld&) = delete;
  ReversedWorld& operator=(const ReversedWorld&) = delete;
  MPI_Comm get() const { return comm_; }

private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

/// Names of the entries of `folder` ending in ".partial".
std::vector<std::string> partial_entries(const fs::path& folder) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(folder))
    if (entry.path().extension() == ".partial") names.push_back(entry.path().string());
  return names;
}

TEST(VtkSeriesWriter, WritesStepFoldersAndTheCollection) {
  const fs::path folder = fresh_folder("vtk_parent") / "vtk";
  const ReversedWorld comm;
  {
    const LocalBlock block = block_of_rank(comm.get());
    terrafate::io::VtkSeriesWriter writer(comm.get(), folder, kCoordinates, block);
    for (int step = 0; step < static_cast<int>(kTimes.size()); ++step)
      writer.write_output(kTimes[static_cast<std::size_t>(step)], KnownFields(block, step).views());
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (is_world_root()) {
    const std::string pvd = file_text(folder / "fields.pvd");
    EXPECT_NE(pvd.find("timestep=\"0.5\" group=\"\" part=\"0\" file=\"step_000000/fields.pvtr\""),
              std::string::npos)
        << pvd;
    EXPECT_NE(pvd.find("timestep=\"1.25\" group=\"\" part=\"0\" file=\"step_000001/fields.pvtr\""),
              std::string::npos)
        << pvd;
    for (const char* step : {"step_000000", "step_000001"}) {
      EXPECT_TRUE(fs::exists(folder / step / "fields.pvtr")) << step;
      for (int rank = 0; rank < size_of(MPI_COMM_WORLD); ++rank)
        EXPECT_TRUE(fs::exists(folder / step / ("fields_" + std::to_string(rank) + ".vtr")))
            << step << " rank " << rank;
    }
    EXPECT_EQ(partial_entries(folder), std::vector<std::string>{});
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(VtkSeriesWriter, ReplacesTheStepsOfAnEarlierRun) {
  const fs::path folder = fresh_folder("vtk_rerun");
  const LocalBlock block = block_of_rank(MPI_COMM_WORLD);
  for (const double time : {3.0, 7.0}) {
    terrafate::io::VtkSeriesWriter writer(MPI_COMM_WORLD, folder, kCoordinates, block);
    writer.write_output(time, KnownFields(block, 0).views());
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (is_world_root()) {
    const std::string pvd = file_text(folder / "fields.pvd");
    EXPECT_NE(pvd.find("timestep=\"7\""), std::string::npos) << pvd;
    EXPECT_EQ(pvd.find("timestep=\"3\""), std::string::npos) << pvd;
    EXPECT_NE(file_text(folder / "step_000000" / "fields_0.vtr").find("TimeValue"),
              std::string::npos);
    EXPECT_EQ(partial_entries(folder), std::vector<std::string>{});
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

/// kCoordinates moved to the origin (500000, 4000000) of EPSG:32633 (the grid frame starts at the
/// origin) and turned by 30 degrees about it: check_io_output.py reads the nodes back at
/// hand-computed site coordinates.
GridCoordinates rotated_coordinates() {
  GridCoordinates coordinates = kCoordinates;
  for (double& x : coordinates.nodes[0])
    x += 500000.0;
  for (double& y : coordinates.nodes[1])
    y += 4000000.0;
  coordinates.georeference = {"EPSG:32633", {500000.0, 4000000.0}, 30.0};
  return coordinates;
}

TEST(VtkSeriesWriter, WritesARotatedGridAsStructuredPiecesOnTheMap) {
  const fs::path folder = fresh_folder("vtk_rotated");
  const LocalBlock block = block_of_rank(MPI_COMM_WORLD);
  {
    terrafate::io::VtkSeriesWriter writer(MPI_COMM_WORLD, folder, rotated_coordinates(), block);
    writer.write_output(kTimes[0], KnownFields(block, 0).views());
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (is_world_root()) {
    EXPECT_NE(file_text(folder / "fields.pvd").find("file=\"step_000000/fields.pvts\""),
              std::string::npos);
    EXPECT_FALSE(fs::exists(folder / "step_000000" / "fields.pvtr"));
    for (int rank = 0; rank < size_of(MPI_COMM_WORLD); ++rank)
      EXPECT_TRUE(fs::exists(folder / "step_000000" / ("fields_" + std::to_string(rank) + ".vts")))
          << "rank " << rank;
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(VtkSeriesWriter, RejectsAFieldWithoutData) {
  const fs::path folder = fresh_folder("vtk_bad_field");
  const LocalBlock block = block_of_rank(MPI_COMM_WORLD);
  terrafate::io::VtkSeriesWriter writer(MPI_COMM_WORLD, folder, kCoordinates, block);
  const FieldView no_data{"head", "m", "", 1, nullptr};
  EXPECT_EQ(error_message_of([&] { writer.write_output(0.0, {no_data}); }),
            "field 'head' has no data");
}

} // namespace

/// Collective: the folder the tests write into, from --output-dir=DIR (emptied, kept) or a new
/// temporary folder (removed by main). Returns whether the folder is kept.
bool choose_output_root(int argc, char** argv) {
  const std::string flag = "--output-dir=";
  std::string root;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument.rfind(flag, 0) != 0)
      throw std::runtime_error("unknown argument " + argument +
                               "; usage: test_io [gtest flags] [--output-dir=DIR]");
    root = argument.substr(flag.size());
  }
  const bool keep = !root.empty();
  if (is_world_root()) {
    if (keep) {
      fs::remove_all(root);
      fs::create_directories(root);
    } else {
      std::string pattern = (fs::temp_directory_path() / "terrafate_test_io_XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot create a temporary folder");
      root = pattern;
    }
  }
  int length = static_cast<int>(root.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
  root.resize(static_cast<std::size_t>(length));
  MPI_Bcast(root.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD);
  g_output_root = root;
  return keep;
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (!is_world_root()) {
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const bool keep_output = choose_output_root(argc, argv);
  const int result = RUN_ALL_TESTS();
  int worst_result = 0;
  MPI_Allreduce(&result, &worst_result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (is_world_root() && !keep_output) fs::remove_all(g_output_root);
  MPI_Finalize();
  return worst_result;
}
