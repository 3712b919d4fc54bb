#pragma once
// Checkpoint files: a StateRecord in one HDF5 file written collectively (MPI-IO). Layout:
//   attribute ranks (the rank count that wrote it)
//   attribute schema_version (kCheckpointSchema)
//   /cells/<name>     [nz, ny, nx] or [nz, ny, nx, components] global cell fields
//   /values/<name>    rank 0's values
//   /per_rank/<name>  [ranks, n]
//   /texts/<name>     bytes of rank 0's text
// Names may contain '/' (nested groups are created as needed). Every dataset carries a uint64
// attribute `checksum`: the sum (mod 2^64) over its elements of splitmix64-mixed (element index
// in the whole dataset, element bits). A sum of per-element terms, unlike CRC32 or SHA-256, can be
// computed by each rank on its own block and added up, so no rank gathers a cell field, and a
// checkpoint written on N ranks verifies on M. It detects any change of one element (the mixing
// is a bijection) and other damage with probability 1 - 2^-64; it guards against damage, not
// against forgery (no key).
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/core/state_record.hpp"
#include "terrafate/io/field_block.hpp"

namespace terrafate::io {

/// The version of the layout above that this build writes and reads (1: without checksums).
constexpr int kCheckpointSchema = 2;

/// What a checkpoint must hold beyond intact datasets.
struct CheckpointRules {
  /// Texts that must be present (a run's checkpoint records its deck and output folder).
  std::vector<std::string> required_texts{"deck", "output_folder"};
  /// Cell fields named with one of these prefixes are non-negative (concentrations [mg/L]).
  std::vector<std::string> non_negative_prefixes{"transport/"};
  /// A non-negative field may dip below 0 by this fraction of its largest value plus
  /// negative_absolute (solver round-off), no more.
  double negative_tolerance = 1e-3;
  double negative_absolute = 1e-12;
  bool non_negative(const std::string& name) const;
};

/// Collective: writes `record` to `path` (through a fresh, exclusively created temporary name in
/// its folder, renamed when complete, so the file under the final name is always whole and no
/// planted link is followed). Throws std::runtime_error on failure.
void write_checkpoint(MPI_Comm comm, const std::filesystem::path& path, std::array<int, 3> cells,
                      const LocalBlock& block, const StateRecord& record);

/// Collective: reads a checkpoint for this rank's block (see StateRecord for per_rank), and
/// verifies it: the schema version, each dataset's shape and checksum, `rules` (required texts,
/// finite cell values, non-negative fields). Throws std::runtime_error naming the first defect
/// (the same on every rank); never reads past a buffer for a malformed dataset.
StateRecord read_checkpoint(MPI_Comm comm, const std::filesystem::path& path,
                            std::array<int, 3> cells, const LocalBlock& block,
                            const CheckpointRules& rules = {});

/// The numbered checkpoints (checkpoint_NNNNNN.h5) in the folder of `requested` older than it
/// (all of them when its name is not numbered), newest first.
std::vector<std::filesystem::path> kept_checkpoints_before(const std::filesystem::path& requested);

/// A checkpoint read for a restart, and why newer candidates were passed over.
struct CheckpointChoice {
  std::filesystem::path path;
  StateRecord record;
  std::vector<std::string> rejected; ///< one message per candidate that failed verification
};

/// Collective: reads `requested`, or when it fails verification the newest valid one of
/// kept_checkpoints_before(requested). Throws InputError (exit 2) listing every candidate's
/// defect when none is valid.
CheckpointChoice read_checkpoint_or_older(MPI_Comm comm, const std::filesystem::path& requested,
                                          std::array<int, 3> cells, const LocalBlock& block,
                                          const CheckpointRules& rules = {});

} // namespace terrafate::io
