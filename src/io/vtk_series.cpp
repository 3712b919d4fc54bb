#include "terrafate/io/vtk_series.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <vtkCellData.h>
#include <vtkDataSet.h>
#include <vtkDoubleArray.h>
#include <vtkErrorCode.h>
#include <vtkFieldData.h>
#include <vtkMPI.h>
#include <vtkMPICommunicator.h>
#include <vtkMPIController.h>
#include <vtkNew.h>
#include <vtkPoints.h>
#include <vtkRectilinearGrid.h>
#include <vtkSmartPointer.h>
#include <vtkStringArray.h>
#include <vtkStructuredGrid.h>
#include <vtkTrivialProducer.h>
#include <vtkXMLPRectilinearGridWriter.h>
#include <vtkXMLPStructuredDataWriter.h>
#include <vtkXMLPStructuredGridWriter.h>

#include "collective_checks.hpp"
#include "terrafate/core/errors.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate::io {
namespace {

/// Folder name of output number `index`: step_ and six digits, zero padded.
std::string step_name(std::size_t index) {
  return fmt::format("step_{:06d}", index);
}

/// The summary file of a step: a rectilinear grid (fields.pvtr), or for a rotated grid or one
/// with layer surfaces a structured grid whose nodes are at their site (CRS) x, y and their own
/// elevations (fields.pvts).
std::string summary_name(const GridCoordinates& coordinates) {
  return coordinates.curvilinear() ? "fields.pvts" : "fields.pvtr";
}

/// The ParaView collection file listing every step with its time. VTK 9.1 has no writer for
/// .pvd outside ParaView, so the (small) XML is written here.
std::string pvd_document(const std::vector<double>& step_times, const std::string& summary) {
  std::string xml = "<?xml version=\"1.0\"?>\n"
                    "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
                    "  <Collection>\n";
  for (std::size_t index = 0; index < step_times.size(); ++index)
    xml += fmt::format("    <DataSet timestep=\"{}\" group=\"\" part=\"0\" "
                       "file=\"{}/{}\"/>\n",
                       step_times[index], step_name(index), summary);
  xml += "  </Collection>\n"
         "</VTKFile>\n";
  return xml;
}

/// Node coordinates [m] of cells [offset, offset + count) of one axis: count + 1 values.
vtkSmartPointer<vtkDoubleArray> block_nodes(const std::vector<double>& nodes, int offset,
                                            int count) {
  auto array = vtkSmartPointer<vtkDoubleArray>::New();
  array->SetNumberOfTuples(count + 1);
  for (int i = 0; i <= count; ++i)
    array->SetValue(i, nodes[static_cast<std::size_t>(offset + i)]);
  return array;
}

/// Adds `name`_site to `grid`'s cell data: the 3-component cell field `field` with its x, y
/// components turned from the grid's axes into the site (CRS) axes, (c vx - s vy, s vx + c vy).
void add_site_vector(vtkDataSet& grid, const FieldView& field, vtkIdType cells,
                     const Georeference& georeference) {
  const auto [c, s] = georeference.cos_sin();
  auto array = vtkSmartPointer<vtkDoubleArray>::New();
  array->SetName((field.name + "_site").c_str());
  array->SetNumberOfComponents(3);
  array->SetNumberOfTuples(cells);
  for (vtkIdType cell = 0; cell < cells; ++cell) {
    const double* v = field.data + 3 * cell;
    array->SetTuple3(cell, c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]);
  }
  grid.GetCellData()->AddArray(array);
}

/// This rank's piece: point extent [offset, offset + count] per axis, so that neighbouring
/// pieces share their boundary nodes, with every field as cell data and the time as TimeValue.
/// For a rotated grid or one with layer surfaces a structured grid whose points are the nodes'
/// site (CRS) x, y and their own elevations; a rotated grid also gets each 3-component field in
/// site axes as `name`_site (the field itself keeps the grid's axes, as in results.h5).
vtkSmartPointer<vtkDataSet> make_piece(const GridCoordinates& coordinates, const LocalBlock& block,
                                       double time, const std::vector<FieldView>& fields) {
  const std::array<int, 3>& offset = block.offset;
  const std::array<int, 3>& count = block.count;
  vtkSmartPointer<vtkDataSet> grid;
  if (!coordinates.curvilinear()) {
    auto rectilinear = vtkSmartPointer<vtkRectilinearGrid>::New();
    rectilinear->SetExtent(offset[0], offset[0] + count[0], offset[1], offset[1] + count[1],
                           offset[2], offset[2] + count[2]);
    rectilinear->SetXCoordinates(block_nodes(coordinates.nodes[0], offset[0], count[0]));
    rectilinear->SetYCoordinates(block_nodes(coordinates.nodes[1], offset[1], count[1]));
    rectilinear->SetZCoordinates(block_nodes(coordinates.nodes[2], offset[2], count[2]));
    grid = rectilinear;
  } else {
    auto structured = vtkSmartPointer<vtkStructuredGrid>::New();
    structured->SetExtent(offset[0], offset[0] + count[0], offset[1], offset[1] + count[1],
                          offset[2], offset[2] + count[2]);
    auto points = vtkSmartPointer<vtkPoints>::New();
    points->SetDataTypeToDouble();
    for (int k = offset[2]; k <= offset[2] + count[2]; ++k)
      for (int j = offset[1]; j <= offset[1] + count[1]; ++j)
        for (int i = offset[0]; i <= offset[0] + count[0]; ++i) {
          const std::array<double, 3> site =
              coordinates.site_node(static_cast<std::size_t>(i), static_cast<std::size_t>(j),
                                    static_cast<std::size_t>(k));
          points->InsertNextPoint(site.data());
        }
    structured->SetPoints(points);
    grid = structured;
  }

  const auto cells = static_cast<vtkIdType>(block.cell_count());
  for (const FieldView& field : fields) {
    auto array = vtkSmartPointer<vtkDoubleArray>::New();
    array->SetName(field.name.c_str());
    array->SetNumberOfComponents(field.components);
    array->SetNumberOfTuples(cells);
    std::copy_n(field.data, cells * field.components, array->GetPointer(0));
    grid->GetCellData()->AddArray(array);
    if (field.components == 3 && coordinates.georeference.rotation != 0.0)
      add_site_vector(*grid, field, cells, coordinates.georeference);
  }

  auto time_value = vtkSmartPointer<vtkDoubleArray>::New();
  time_value->SetName("TimeValue");
  time_value->SetNumberOfTuples(1);
  time_value->SetValue(0, time);
  grid->GetFieldData()->AddArray(time_value);
  // Where the grid lies on the map: the nodes are at site x, y = origin + R(rotation_degree)
  // ((x, y) - origin) in the CRS, (x, y) their grid-frame coordinates (the same without rotation).
  const Georeference& geo = coordinates.georeference;
  if (geo.given()) {
    if (!geo.crs.empty()) {
      auto crs = vtkSmartPointer<vtkStringArray>::New();
      crs->SetName("crs");
      crs->InsertNextValue(geo.crs);
      grid->GetFieldData()->AddArray(crs);
    }
    auto origin = vtkSmartPointer<vtkDoubleArray>::New();
    origin->SetName("origin");
    origin->SetNumberOfTuples(2);
    origin->SetValue(0, geo.origin[0]);
    origin->SetValue(1, geo.origin[1]);
    grid->GetFieldData()->AddArray(origin);
    auto rotation = vtkSmartPointer<vtkDoubleArray>::New();
    rotation->SetName("rotation_degree");
    rotation->SetNumberOfTuples(1);
    rotation->SetValue(0, geo.rotation);
    grid->GetFieldData()->AddArray(rotation);
  }
  return grid;
}

/// Throws unless every axis of this rank's block has at least one cell (a VTK piece with a
/// single node plane would be taken for a 2-D grid).
void check_piece_has_cells(const LocalBlock& block) {
  for (int axis = 0; axis < 3; ++axis) {
    if (block.count[axis] < 1)
      throw std::runtime_error(fmt::format(
          "VTK pieces need at least one cell per axis; this rank's block has [{}] cells",
          fmt::join(block.count, ", ")));
  }
}

} // namespace

struct VtkSeriesWriter::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
  int rank = 0;
  int size = 1;
  std::filesystem::path directory;
  GridCoordinates coordinates;
  LocalBlock block;
  /// Wraps `comm` for VTK's parallel summary writer (works on any communicator, not only
  /// MPI_COMM_WORLD).
  vtkSmartPointer<vtkMPIController> controller;
  std::vector<double> step_times; ///< simulated time of each written step [d]
};

VtkSeriesWriter::VtkSeriesWriter(MPI_Comm comm, std::filesystem::path directory,
                                 GridCoordinates coordinates, LocalBlock block)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.comm = comm;
  MPI_Comm_rank(comm, &impl.rank);
  MPI_Comm_size(comm, &impl.size);
  impl.directory = std::move(directory);
  impl.coordinates = std::move(coordinates);
  impl.block = block;

  detail::run_agreeing_on_errors(comm, [&] {
    detail::check_layout(impl.coordinates, impl.block);
    check_piece_has_cells(impl.block);
  });
  detail::run_agreeing_on_errors(
      comm, [&] { detail::check_blocks_cover_grid(comm, impl.coordinates, impl.block); });
  detail::run_agreeing_on_errors(comm, [&] {
    if (impl.rank == 0) std::filesystem::create_directories(impl.directory);
  });

  vtkNew<vtkMPICommunicator> communicator;
  MPI_Comm handle = comm;
  vtkMPICommunicatorOpaqueComm opaque_handle(&handle);
  // InitializeExternal copies the handle and never frees it: `comm` stays the caller's.
  communicator->InitializeExternal(&opaque_handle);
  impl.controller = vtkSmartPointer<vtkMPIController>::New();
  impl.controller->SetCommunicator(communicator);
}

VtkSeriesWriter::~VtkSeriesWriter() = default;

const std::vector<double>& VtkSeriesWriter::step_times() const {
  return impl_->step_times;
}

void VtkSeriesWriter::resume(const std::vector<double>& step_times,
                             const std::filesystem::path& source) {
  Impl& impl = *impl_;
  detail::run_agreeing_on_errors(impl.comm, [&] {
    if (impl.rank != 0) return;
    std::error_code same;
    if (!std::filesystem::equivalent(source, impl.directory, same))
      for (std::size_t index = 0; index < step_times.size(); ++index) {
        const auto target = impl.directory / step_name(index);
        std::filesystem::remove_all(target);
        std::filesystem::copy(source / step_name(index), target,
                              std::filesystem::copy_options::recursive);
      }
    write_file_atomically(impl.directory / "fields.pvd",
                          pvd_document(step_times, summary_name(impl.coordinates)));
  });
  impl.step_times = step_times;
}

void VtkSeriesWriter::write_output(double time, const std::vector<FieldView>& fields) {
  Impl& impl = *impl_;
  detail::run_agreeing_on_errors(impl.comm, [&] { detail::check_fields(fields, impl.block); });

  const std::string name = step_name(impl.step_times.size());
  const std::filesystem::path final_folder = impl.directory / name;
  const std::filesystem::path partial_folder = impl.directory / (name + ".partial");
  detail::run_agreeing_on_errors(impl.comm, [&] {
    if (impl.rank != 0) return;
    std::filesystem::remove_all(partial_folder);
    std::filesystem::create_directory(partial_folder);
  });

  const std::array<int, 3> cells = impl.coordinates.cells();
  vtkNew<vtkTrivialProducer> producer;
  producer->SetOutput(make_piece(impl.coordinates, impl.block, time, fields));
  producer->SetWholeExtent(0, cells[0], 0, cells[1], 0, cells[2]);

  const std::string summary = summary_name(impl.coordinates);
  vtkSmartPointer<vtkXMLPStructuredDataWriter> writer;
  if (!impl.coordinates.curvilinear()) {
    auto rectilinear = vtkSmartPointer<vtkXMLPRectilinearGridWriter>::New();
    rectilinear->SetInputConnection(producer->GetOutputPort());
    writer = rectilinear;
  } else {
    auto structured = vtkSmartPointer<vtkXMLPStructuredGridWriter>::New();
    structured->SetInputConnection(producer->GetOutputPort());
    writer = structured;
  }
  writer->SetController(impl.controller);
  writer->SetFileName((partial_folder / summary).c_str());
  writer->SetNumberOfPieces(impl.size);
  writer->SetStartPiece(impl.rank);
  writer->SetEndPiece(impl.rank);
  // Every rank must ask for the summary (rank 0 writes it): with rank 0 alone, VTK 9.1 hangs.
  writer->SetWriteSummaryFile(1);
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();
  writer->SetCompressorTypeToZLib();
  writer->SetHeaderTypeToUInt64();
  const int written = writer->Write();
  const bool disk_full = writer->GetErrorCode() == vtkErrorCode::OutOfDiskSpaceError;
  detail::run_agreeing_on_errors(impl.comm, [&] {
    if (written == 1 && !disk_full) return;
    // The step never appears under its final name; its partial folder goes.
    std::error_code ignored;
    if (impl.rank == 0) std::filesystem::remove_all(partial_folder, ignored);
    throw IoError(fmt::format("cannot write piece {} of {}: {}", impl.rank,
                              (partial_folder / summary).string(),
                              disk_full ? "no space left on device" : "VTK's writer failed"));
  });

  std::vector<double> step_times = impl.step_times;
  step_times.push_back(time);
  detail::run_agreeing_on_errors(impl.comm, [&] {
    if (impl.rank != 0) return;
    std::filesystem::remove_all(final_folder);
    std::filesystem::rename(partial_folder, final_folder);
    write_file_atomically(impl.directory / "fields.pvd", pvd_document(step_times, summary));
  });
  impl.step_times = std::move(step_times);
}

} // namespace terrafate::io
