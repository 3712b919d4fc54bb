#pragma once
// OUTDIR/results.h5: one HDF5 file written collectively by all ranks (MPI-IO), plus an XDMF
// sidecar (results.xmf) that ParaView opens as a time series.
//
// Layout:
//   /provenance            attributes: program, version, git_commit, ranks, start_time, deck,
//                          start_date (time.start_date, the date of time 0, when given)
//   /grid/x_nodes, y_nodes, z_nodes   node coordinates [m] (attribute unit)
//   /grid/x_centers, ...              cell centres [m]
//   /outputs/NNNNNN        one group per output time; attribute time (double) and time_unit
//     /outputs/NNNNNN/<field>         [nz, ny, nx] or [nz, ny, nx, components], attribute unit
//   /static/<field>        [nz, ny, nx] or [nz, ny, nx, components]: write_static(), attribute unit
//   /times                 [outputs] the groups' times in order (attribute unit "d"), by finish()
// Every string attribute is a variable-length UTF-8 string.
// The file is written as results.h5.partial and renamed to results.h5 by finish(), so a crash
// never leaves a half-written file under the final name.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/io/field_block.hpp"

namespace terrafate::io {

class ResultsHdf5Writer {
public:
  /// Collective. `provenance` entries become string attributes of /provenance.
  ResultsHdf5Writer(MPI_Comm comm, std::filesystem::path final_path, GridCoordinates coordinates,
                    LocalBlock block, const std::map<std::string, std::string>& provenance);
  ~ResultsHdf5Writer();
  ResultsHdf5Writer(const ResultsHdf5Writer&) = delete;
  ResultsHdf5Writer& operator=(const ResultsHdf5Writer&) = delete;

  /// Collective: continues the file of an interrupted run from `snapshot` (a copy of it taken by
  /// snapshot()) holding the outputs described by `record` (see record()).
  ResultsHdf5Writer(MPI_Comm comm, std::filesystem::path final_path, GridCoordinates coordinates,
                    LocalBlock block, const std::filesystem::path& snapshot,
                    const std::string& record);
  /// Collective: copies the file as written so far (every output is flushed) to `path`
  /// (atomically), for a checkpoint.
  void snapshot(const std::filesystem::path& path) const;
  /// The outputs written so far (times and fields), for resuming: a line per output.
  std::string record() const;
  /// Collective, once, before or between outputs: writes the fields that do not change in time
  /// (conductivity, porosity, material id) under /static.
  void write_static(const std::vector<FieldView>& fields);
  /// Collective: writes every field at simulated `time` [d].
  void write_output(double time, const std::vector<FieldView>& fields);
  /// Collective: closes the file, writes the XDMF sidecar, renames both to their final names.
  void finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace terrafate::io
