#pragma once
// Checkpoint files: a StateRecord in one HDF5 file written collectively (MPI-IO). Layout:
//   attribute ranks (the rank count that wrote it)
//   /cells/<name>     [nz, ny, nx] or [nz, ny, nx, components] global cell fields
//   /values/<name>    rank 0's values
//   /per_rank/<name>  [ranks, n]
//   /texts/<name>     bytes of rank 0's text
// Names may contain '/' (nested groups are created as needed).
#include <array>
#include <filesystem>

#include <mpi.h>

#include "terrafate/core/state_record.hpp"
#include "terrafate/io/field_block.hpp"

namespace terrafate::io {

/// Collective: writes `record` to `path` (as path.partial, renamed when complete, so the file
/// under the final name is always whole). Throws std::runtime_error on failure.
void write_checkpoint(MPI_Comm comm, const std::filesystem::path& path, std::array<int, 3> cells,
                      const LocalBlock& block, const StateRecord& record);

/// Collective: reads a checkpoint for this rank's block (see StateRecord for per_rank).
StateRecord read_checkpoint(MPI_Comm comm, const std::filesystem::path& path,
                            std::array<int, 3> cells, const LocalBlock& block);

} // namespace terrafate::io
