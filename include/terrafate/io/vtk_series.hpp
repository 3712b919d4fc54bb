#pragma once
// OUTDIR/vtk/: a ParaView time series written with the VTK library. Each output time is a
// folder step_NNNNNN/ holding fields.pvtr (the parallel summary) and one fields_<rank>.vtr
// piece per rank; OUTDIR/vtk/fields.pvd lists the steps with their times. A rotated grid or one
// with layer surfaces (GridCoordinates::curvilinear) has fields.pvts and fields_<rank>.vts
// instead: structured grids whose nodes are at their site (CRS) coordinates. A step's folder is
// written under a temporary name and renamed when complete; fields.pvd is replaced atomically.
#include <filesystem>
#include <memory>
#include <vector>

#include <mpi.h>

#include "terrafate/io/field_block.hpp"

namespace terrafate::io {

class VtkSeriesWriter {
public:
  /// Collective. Creates `directory` if needed.
  VtkSeriesWriter(MPI_Comm comm, std::filesystem::path directory, GridCoordinates coordinates,
                  LocalBlock block);
  ~VtkSeriesWriter();
  VtkSeriesWriter(const VtkSeriesWriter&) = delete;
  VtkSeriesWriter& operator=(const VtkSeriesWriter&) = delete;

  /// Collective: writes one step with every field at simulated `time` [d].
  void write_output(double time, const std::vector<FieldView>& fields);
  /// Simulated time of each step written so far [d].
  const std::vector<double>& step_times() const;
  /// Collective: continues a series whose first steps (times `step_times`) were written into
  /// `source` (this writer's directory, or another run's, whose step folders are copied).
  void resume(const std::vector<double>& step_times, const std::filesystem::path& source);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace terrafate::io
