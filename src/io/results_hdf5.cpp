#include "terrafate/io/results_hdf5.hpp"

#include <array>
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <sstream>

#include <fmt/format.h>
#include <hdf5.h>

#include "collective_checks.hpp"
#include "hdf5_handle.hpp"
#include "terrafate/io/atomic_file.hpp"

#ifndef H5_HAVE_PARALLEL
#error "results_hdf5.cpp needs the parallel (openmpi) HDF5 headers, not the serial ones"
#endif

namespace terrafate::io {
namespace {

using detail::check;
using detail::Hdf5Handle;
using detail::owned;

constexpr const char* kLengthUnit = "m";
constexpr const char* kTimeUnit = "d";
constexpr std::array<const char*, 3> kAxisNames = {"x", "y", "z"};

/// Name of the group of output number `index` under /outputs: six digits, zero padded.
std::string output_group_name(std::size_t index) {
  return fmt::format("{:06d}", index);
}

/// A field as recorded for the XDMF sidecar.
struct WrittenField {
  std::string name;
  int components = 1;
};

/// One /outputs/NNNNNN group as recorded for the XDMF sidecar.
struct WrittenOutput {
  double time = 0.0; ///< simulated time [d]
  std::vector<WrittenField> fields;
};

void write_string_attribute(hid_t object, const std::string& object_label, const std::string& name,
                            const std::string& value) {
  const std::string what = fmt::format("writing attribute '{}' of {}", name, object_label);
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

void write_double_attribute(hid_t object, const std::string& object_label, const std::string& name,
                            double value) {
  const std::string what = fmt::format("writing attribute '{}' of {}", name, object_label);
  Hdf5Handle space = owned(H5Screate(H5S_SCALAR), H5Sclose, what);
  Hdf5Handle attribute =
      owned(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, what);
  check(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, &value), what);
}

Hdf5Handle create_group(hid_t parent, const std::string& name, const std::string& label) {
  return owned(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
               "creating group " + label);
}

/// Collective: writes a 1-D coordinate dataset; rank 0 transfers the values, the others nothing.
void write_coordinate_dataset(hid_t group, const std::string& name, const std::string& label,
                              const std::vector<double>& values, const std::string& description,
                              bool is_root, hid_t transfer, const std::string& unit = kLengthUnit) {
  const hsize_t size = values.size();
  Hdf5Handle file_space = owned(H5Screate_simple(1, &size, nullptr), H5Sclose, "creating " + label);
  Hdf5Handle memory_space =
      owned(H5Screate_simple(1, &size, nullptr), H5Sclose, "creating " + label);
  Hdf5Handle dataset = owned(H5Dcreate2(group, name.c_str(), H5T_IEEE_F64LE, file_space.get(),
                                        H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose, "creating dataset " + label);
  if (!is_root) {
    check(H5Sselect_none(file_space.get()), "selecting " + label);
    check(H5Sselect_none(memory_space.get()), "selecting " + label);
  }
  if (size > 0) // the same on every rank: an empty /times (no output yet) has nothing to write
    check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(), transfer,
                   values.data()),
          "writing dataset " + label);
  write_string_attribute(dataset.get(), label, "unit", unit);
  write_string_attribute(dataset.get(), label, "description", description);
}

/// Collective: writes the [nz + 1, ny + 1, nx + 1, 3] node coordinates `values` (x fastest;
/// needed on rank 0 only); rank 0 transfers them, the others nothing.
void write_node_dataset(hid_t group, const std::string& name, const std::string& label,
                        const std::array<int, 3>& cells, const std::vector<double>& values,
                        const std::string& description, bool is_root, hid_t transfer) {
  const hsize_t dims[4] = {static_cast<hsize_t>(cells[2] + 1), static_cast<hsize_t>(cells[1] + 1),
                           static_cast<hsize_t>(cells[0] + 1), 3};
  Hdf5Handle file_space = owned(H5Screate_simple(4, dims, nullptr), H5Sclose, "creating " + label);
  Hdf5Handle memory_space =
      owned(H5Screate_simple(4, dims, nullptr), H5Sclose, "creating " + label);
  Hdf5Handle dataset = owned(H5Dcreate2(group, name.c_str(), H5T_IEEE_F64LE, file_space.get(),
                                        H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose, "creating dataset " + label);
  if (!is_root) {
    check(H5Sselect_none(file_space.get()), "selecting " + label);
    check(H5Sselect_none(memory_space.get()), "selecting " + label);
  }
  check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(), transfer,
                 values.data()),
        "writing dataset " + label);
  write_string_attribute(dataset.get(), label, "unit", kLengthUnit);
  write_string_attribute(dataset.get(), label, "description", description);
}

/// Collective: writes one cell field as [nz, ny, nx] or [nz, ny, nx, components]; every rank
/// transfers its block with one hyperslab.
void write_field_dataset(hid_t group, const std::string& label, const FieldView& field,
                         const std::array<int, 3>& cells, const LocalBlock& block, hid_t transfer) {
  std::vector<hsize_t> dims = {static_cast<hsize_t>(cells[2]), static_cast<hsize_t>(cells[1]),
                               static_cast<hsize_t>(cells[0])};
  std::vector<hsize_t> start = {static_cast<hsize_t>(block.offset[2]),
                                static_cast<hsize_t>(block.offset[1]),
                                static_cast<hsize_t>(block.offset[0])};
  std::vector<hsize_t> count = {static_cast<hsize_t>(block.count[2]),
                                static_cast<hsize_t>(block.count[1]),
                                static_cast<hsize_t>(block.count[0])};
  if (field.components > 1) {
    dims.push_back(static_cast<hsize_t>(field.components));
    start.push_back(0);
    count.push_back(static_cast<hsize_t>(field.components));
  }
  const int rank = static_cast<int>(dims.size());
  Hdf5Handle file_space =
      owned(H5Screate_simple(rank, dims.data(), nullptr), H5Sclose, "creating " + label);
  Hdf5Handle memory_space =
      owned(H5Screate_simple(rank, count.data(), nullptr), H5Sclose, "creating " + label);
  Hdf5Handle dataset = owned(H5Dcreate2(group, field.name.c_str(), H5T_IEEE_F64LE, file_space.get(),
                                        H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose, "creating dataset " + label);
  if (block.cell_count() == 0) {
    check(H5Sselect_none(file_space.get()), "selecting " + label);
    check(H5Sselect_none(memory_space.get()), "selecting " + label);
  } else {
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          "selecting this rank's block of " + label);
  }
  check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(), transfer,
                 field.data),
        "writing dataset " + label);
  write_string_attribute(dataset.get(), label, "unit", field.unit);
  if (!field.description.empty())
    write_string_attribute(dataset.get(), label, "description", field.description);
}

std::string xml_escape(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      escaped += "&amp;";
      break;
    case '<':
      escaped += "&lt;";
      break;
    case '>':
      escaped += "&gt;";
      break;
    case '"':
      escaped += "&quot;";
      break;
    case '\'':
      escaped += "&apos;";
      break;
    default:
      escaped += c;
    }
  }
  return escaped;
}

/// XDMF attribute type for a number of components per cell.
const char* xdmf_attribute_type(int components) {
  switch (components) {
  case 1:
    return "Scalar";
  case 3:
    return "Vector";
  case 6:
    return "Tensor6";
  case 9:
    return "Tensor";
  default:
    return "Matrix";
  }
}

/// Site coordinates [m] of every grid node, x fastest, then y, then z, each node's x, y, z
/// interleaved (z: the node's own elevation with layer surfaces): the geometry of a rotated grid
/// on the map (rank 0 computes them).
std::vector<double> site_node_coordinates(const GridCoordinates& coordinates) {
  const auto& nodes = coordinates.nodes;
  std::vector<double> values;
  values.reserve(3 * nodes[0].size() * nodes[1].size() * nodes[2].size());
  for (std::size_t k = 0; k < nodes[2].size(); ++k)
    for (std::size_t j = 0; j < nodes[1].size(); ++j)
      for (std::size_t i = 0; i < nodes[0].size(); ++i) {
        const std::array<double, 3> site = coordinates.site_node(i, j, k);
        values.insert(values.end(), site.begin(), site.end());
      }
  return values;
}

/// The XDMF 3 sidecar: a temporal collection with one grid per output whose geometry and cell
/// attributes point into the HDF5 file `h5_name` (relative to the sidecar): a 3DRectMesh, or
/// for a rotated grid or one with layer surfaces (`curvilinear`) a 3DSMesh on the site
/// coordinates of its nodes (/grid/site_nodes, XYZ; ParaView 5.11 reads this form, not X_Y_Z).
/// A georeferenced grid carries its CRS, origin and rotation as Information elements.
std::string xdmf_document(const std::string& h5_name, const std::array<int, 3>& cells,
                          const Georeference& georeference, bool curvilinear,
                          const std::vector<WrittenOutput>& outputs) {
  const std::string file = xml_escape(h5_name);
  const std::string cell_dims = fmt::format("{} {} {}", cells[2], cells[1], cells[0]);
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<Xdmf Version=\"3.0\">\n"
                    "  <Domain>\n";
  if (georeference.given()) {
    if (!georeference.crs.empty())
      xml += fmt::format("    <Information Name=\"crs\" Value=\"{}\"/>\n",
                         xml_escape(georeference.crs));
    xml += fmt::format("    <Information Name=\"origin\" Value=\"{:.17g} {:.17g}\"/>\n",
                       georeference.origin[0], georeference.origin[1]);
    xml += fmt::format("    <Information Name=\"rotation_degree\" Value=\"{:.17g}\"/>\n",
                       georeference.rotation);
  }
  xml += "    <Grid Name=\"results\" GridType=\"Collection\" "
         "CollectionType=\"Temporal\">\n";
  const std::string node_dims = fmt::format("{} {} {}", cells[2] + 1, cells[1] + 1, cells[0] + 1);
  for (std::size_t index = 0; index < outputs.size(); ++index) {
    const std::string group = "/outputs/" + output_group_name(index);
    xml += fmt::format("      <Grid Name=\"{}\" GridType=\"Uniform\">\n", output_group_name(index));
    xml += fmt::format("        <Time Value=\"{}\"/>\n", outputs[index].time);
    xml += fmt::format("        <Topology TopologyType=\"{}\" Dimensions=\"{}\"/>\n",
                       curvilinear ? "3DSMesh" : "3DRectMesh", node_dims);
    xml += fmt::format("        <Geometry GeometryType=\"{}\">\n", curvilinear ? "XYZ" : "VXVYVZ");
    if (curvilinear)
      xml += fmt::format("          <DataItem Dimensions=\"{} 3\" NumberType=\"Float\" "
                         "Precision=\"8\" Format=\"HDF\">{}:/grid/site_nodes</DataItem>\n",
                         node_dims, file);
    for (int axis = 0; axis < 3 && !curvilinear; ++axis)
      xml += fmt::format("          <DataItem Dimensions=\"{}\" NumberType=\"Float\" "
                         "Precision=\"8\" Format=\"HDF\">{}:/grid/{}_nodes</DataItem>\n",
                         cells[axis] + 1, file, kAxisNames[axis]);
    xml += "        </Geometry>\n";
    for (const WrittenField& field : outputs[index].fields) {
      const std::string dims =
          field.components == 1 ? cell_dims : fmt::format("{} {}", cell_dims, field.components);
      xml += fmt::format("        <Attribute Name=\"{}\" AttributeType=\"{}\" Center=\"Cell\">\n",
                         xml_escape(field.name), xdmf_attribute_type(field.components));
      xml += fmt::format("          <DataItem Dimensions=\"{}\" NumberType=\"Float\" "
                         "Precision=\"8\" Format=\"HDF\">{}:{}/{}</DataItem>\n",
                         dims, file, group, xml_escape(field.name));
      xml += "        </Attribute>\n";
    }
    xml += "      </Grid>\n";
  }
  xml += "    </Grid>\n"
         "  </Domain>\n"
         "</Xdmf>\n";
  return xml;
}

} // namespace

struct ResultsHdf5Writer::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
  bool is_root = false;
  std::filesystem::path final_path;
  std::filesystem::path partial_path; ///< a fresh "<final>.partial.<random>" while writing
  GridCoordinates coordinates;
  LocalBlock block;
  Hdf5Handle file;
  Hdf5Handle collective_transfer; ///< dataset transfer property list: collective MPI-IO
  std::vector<WrittenOutput> outputs;
  bool finish_called = false;

  /// Label of an object for error messages: "<path> in <file>".
  std::string label(const std::string& object_path) const {
    return fmt::format("{} in {}", object_path, partial_path.string());
  }

  /// The writer's communicator, names and layout.
  void set_up(MPI_Comm communicator, std::filesystem::path path, GridCoordinates grid,
              LocalBlock owned) {
    comm = communicator;
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    is_root = rank == 0;
    final_path = std::move(path);
    coordinates = std::move(grid);
    block = owned;
  }

  void create_file() {
    const std::string what = "creating HDF5 file " + partial_path.string();
    Hdf5Handle access = owned(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, what);
    check(H5Pset_fapl_mpio(access.get(), comm, MPI_INFO_NULL), what);
    file = owned(H5Fcreate(partial_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()),
                 H5Fclose, what);
    collective_transfer = owned(H5Pcreate(H5P_DATASET_XFER), H5Pclose, what);
    check(H5Pset_dxpl_mpio(collective_transfer.get(), H5FD_MPIO_COLLECTIVE), what);
  }

  void write_provenance(const std::map<std::string, std::string>& provenance) {
    Hdf5Handle group = create_group(file.get(), "/provenance", label("/provenance"));
    for (const auto& [name, value] : provenance)
      write_string_attribute(group.get(), label("/provenance"), name, value);
  }

  void write_grid() {
    Hdf5Handle group = create_group(file.get(), "/grid", label("/grid"));
    for (int axis = 0; axis < 3; ++axis) {
      const std::vector<double>& nodes = coordinates.nodes[axis];
      std::vector<double> centers(nodes.size() - 1);
      for (std::size_t i = 0; i < centers.size(); ++i)
        centers[i] = 0.5 * (nodes[i] + nodes[i + 1]);
      const std::string axis_name = kAxisNames[axis];
      write_coordinate_dataset(group.get(), axis_name + "_nodes",
                               label("/grid/" + axis_name + "_nodes"), nodes,
                               axis_name + " coordinates of the cell faces (grid nodes)", is_root,
                               collective_transfer.get());
      write_coordinate_dataset(
          group.get(), axis_name + "_centers", label("/grid/" + axis_name + "_centers"), centers,
          axis_name + " coordinates of the cell centres", is_root, collective_transfer.get());
    }
    const Georeference& geo = coordinates.georeference;
    if (geo.given()) {
      const std::string grid_label = label("/grid");
      if (!geo.crs.empty()) write_string_attribute(group.get(), grid_label, "crs", geo.crs);
      write_double_attribute(group.get(), grid_label, "origin_x", geo.origin[0]);
      write_double_attribute(group.get(), grid_label, "origin_y", geo.origin[1]);
      write_double_attribute(group.get(), grid_label, "rotation_degree", geo.rotation);
    }
    if (!coordinates.curvilinear()) return;
    write_node_dataset(
        group.get(), "site_nodes", label("/grid/site_nodes"), coordinates.cells(),
        is_root ? site_node_coordinates(coordinates) : std::vector<double>(1, 0.0),
        fmt::format("site x, y, z ({}) of every grid node, [nz + 1, ny + 1, nx + 1, 3]",
                    geo.crs.empty() ? "no CRS given" : geo.crs),
        is_root, collective_transfer.get());
  }
};

ResultsHdf5Writer::ResultsHdf5Writer(MPI_Comm comm, std::filesystem::path final_path,
                                     GridCoordinates coordinates, LocalBlock block,
                                     const std::map<std::string, std::string>& provenance)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.set_up(comm, std::move(final_path), std::move(coordinates), block);

  detail::run_agreeing_on_errors(comm, [&] {
    detail::silence_hdf5_error_printing();
    detail::check_layout(impl.coordinates, impl.block);
  });
  detail::run_agreeing_on_errors(
      comm, [&] { detail::check_blocks_cover_grid(comm, impl.coordinates, impl.block); });
  detail::run_agreeing_on_errors(comm, [&] {
    const std::filesystem::path directory = impl.final_path.parent_path();
    if (impl.is_root && !directory.empty()) std::filesystem::create_directories(directory);
    if (impl.is_root) impl.partial_path = create_fresh_partial(impl.final_path);
  });
  impl.partial_path = broadcast_text(comm, impl.partial_path.string());
  detail::run_agreeing_on_errors(comm, [&] { impl.create_file(); });
  detail::run_agreeing_on_errors(comm, [&] {
    impl.write_provenance(provenance);
    impl.write_grid();
    create_group(impl.file.get(), "/outputs", impl.label("/outputs"));
  });
}

ResultsHdf5Writer::ResultsHdf5Writer(MPI_Comm comm, std::filesystem::path final_path,
                                     GridCoordinates coordinates, LocalBlock block,
                                     const std::filesystem::path& snapshot,
                                     const std::string& record)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.set_up(comm, std::move(final_path), std::move(coordinates), block);
  detail::run_agreeing_on_errors(comm, [&] {
    detail::silence_hdf5_error_printing();
    if (impl.is_root) impl.partial_path = copy_to_fresh_partial(snapshot, impl.final_path);
  });
  impl.partial_path = broadcast_text(comm, impl.partial_path.string());
  detail::run_agreeing_on_errors(comm, [&] {
    const std::string what = "reopening HDF5 file " + impl.partial_path.string();
    Hdf5Handle access = owned(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, what);
    check(H5Pset_fapl_mpio(access.get(), comm, MPI_INFO_NULL), what);
    impl.file =
        owned(H5Fopen(impl.partial_path.c_str(), H5F_ACC_RDWR, access.get()), H5Fclose, what);
    impl.collective_transfer = owned(H5Pcreate(H5P_DATASET_XFER), H5Pclose, what);
    check(H5Pset_dxpl_mpio(impl.collective_transfer.get(), H5FD_MPIO_COLLECTIVE), what);
  });
  std::istringstream lines(record);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    WrittenOutput output;
    words >> output.time;
    for (std::string field; words >> field;) {
      const auto colon = field.rfind(':');
      output.fields.push_back({field.substr(0, colon), std::stoi(field.substr(colon + 1))});
    }
    impl.outputs.push_back(std::move(output));
  }
}

void ResultsHdf5Writer::snapshot(const std::filesystem::path& path) const {
  const Impl& impl = *impl_;
  detail::run_agreeing_on_errors(impl.comm, [&] {
    check(H5Fflush(impl.file.get(), H5F_SCOPE_GLOBAL), "flushing " + impl.partial_path.string());
  });
  MPI_Barrier(impl.comm);
  detail::run_agreeing_on_errors(impl.comm, [&] {
    if (!impl.is_root) return;
    std::filesystem::create_directories(path.parent_path());
    rename_into_place(copy_to_fresh_partial(impl.partial_path, path), path);
  });
}

std::string ResultsHdf5Writer::record() const {
  std::string text;
  for (const auto& output : impl_->outputs) {
    text += fmt::format("{}", output.time);
    for (const auto& field : output.fields)
      text += fmt::format(" {}:{}", field.name, field.components);
    text += "\n";
  }
  return text;
}

// Without finish() the handles close the file (ignoring errors) and it keeps its .partial name.
ResultsHdf5Writer::~ResultsHdf5Writer() = default;

void ResultsHdf5Writer::write_output(double time, const std::vector<FieldView>& fields) {
  Impl& impl = *impl_;
  if (impl.finish_called) throw std::logic_error("ResultsHdf5Writer::write_output after finish()");
  detail::run_agreeing_on_errors(impl.comm, [&] { detail::check_fields(fields, impl.block); });

  const std::string group_path = "/outputs/" + output_group_name(impl.outputs.size());
  const std::array<int, 3> cells = impl.coordinates.cells();
  WrittenOutput output{time, {}};
  detail::run_agreeing_on_errors(impl.comm, [&] {
    Hdf5Handle group = create_group(impl.file.get(), group_path, impl.label(group_path));
    write_double_attribute(group.get(), impl.label(group_path), "time", time);
    write_string_attribute(group.get(), impl.label(group_path), "time_unit", kTimeUnit);
    for (const FieldView& field : fields) {
      write_field_dataset(group.get(), impl.label(group_path + "/" + field.name), field, cells,
                          impl.block, impl.collective_transfer.get());
      output.fields.push_back({field.name, field.components});
    }
    // Flushed per output so that the .partial file of an interrupted run holds every output
    // written so far.
    check(H5Fflush(impl.file.get(), H5F_SCOPE_GLOBAL), "flushing " + impl.partial_path.string());
  });
  impl.outputs.push_back(std::move(output));
}

void ResultsHdf5Writer::write_static(const std::vector<FieldView>& fields) {
  Impl& impl = *impl_;
  if (impl.finish_called) throw std::logic_error("ResultsHdf5Writer::write_static after finish()");
  detail::run_agreeing_on_errors(impl.comm, [&] { detail::check_fields(fields, impl.block); });
  const std::array<int, 3> cells = impl.coordinates.cells();
  detail::run_agreeing_on_errors(impl.comm, [&] {
    Hdf5Handle group = create_group(impl.file.get(), "/static", impl.label("/static"));
    for (const FieldView& field : fields)
      write_field_dataset(group.get(), impl.label("/static/" + field.name), field, cells,
                          impl.block, impl.collective_transfer.get());
    check(H5Fflush(impl.file.get(), H5F_SCOPE_GLOBAL), "flushing " + impl.partial_path.string());
  });
}

void ResultsHdf5Writer::finish() {
  Impl& impl = *impl_;
  if (impl.finish_called) throw std::logic_error("ResultsHdf5Writer::finish called twice");
  impl.finish_called = true;
  detail::run_agreeing_on_errors(impl.comm, [&] {
    // /times: the simulated time of each /outputs/NNNNNN group, in order.
    std::vector<double> times;
    for (const auto& output : impl.outputs)
      times.push_back(output.time);
    write_coordinate_dataset(impl.file.get(), "times", impl.label("/times"), times,
                             "simulated time of each /outputs group, in order", impl.is_root,
                             impl.collective_transfer.get(), kTimeUnit);
    impl.collective_transfer.close("closing a transfer property list of " +
                                   impl.partial_path.string());
    impl.file.close("closing HDF5 file " + impl.partial_path.string());
  });
  detail::run_agreeing_on_errors(impl.comm, [&] {
    if (!impl.is_root) return;
    std::error_code error;
    std::filesystem::rename(impl.partial_path, impl.final_path, error);
    if (error)
      throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", impl.partial_path.string(),
                                           impl.final_path.string(), error.message()));
    // The sidecar appears only once the file it points into has its final name.
    std::filesystem::path xdmf_path = impl.final_path;
    xdmf_path.replace_extension(".xmf");
    write_file_atomically(xdmf_path,
                          xdmf_document(impl.final_path.filename().string(),
                                        impl.coordinates.cells(), impl.coordinates.georeference,
                                        impl.coordinates.curvilinear(), impl.outputs));
  });
}

} // namespace terrafate::io
