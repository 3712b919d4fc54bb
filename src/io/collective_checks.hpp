#pragma once
// Private to the io module: argument checks shared by the writers, and agreement on errors so
// that a failure on one rank becomes the same exception on every rank instead of a deadlock in
// the next collective call.
#include <array>
#include <cmath>
#include <exception>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <mpi.h>

#include "terrafate/io/field_block.hpp"

namespace terrafate::io::detail {

/// Collective. `local_error` is empty when this rank succeeded. When any rank failed, every rank
/// throws std::runtime_error carrying the message of the lowest failing rank.
inline void throw_if_any_rank_failed(MPI_Comm comm, const std::string& local_error) {
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int candidate = local_error.empty() ? size : rank;
  int first_failing = size;
  MPI_Allreduce(&candidate, &first_failing, 1, MPI_INT, MPI_MIN, comm);
  if (first_failing == size) return;
  int length = rank == first_failing ? static_cast<int>(local_error.size()) : 0;
  MPI_Bcast(&length, 1, MPI_INT, first_failing, comm);
  std::string message = rank == first_failing ? local_error : std::string(length, '\0');
  MPI_Bcast(message.data(), length, MPI_CHAR, first_failing, comm);
  throw std::runtime_error(message);
}

/// Collective. Runs `action` on this rank, then throws the same error on every rank if it threw
/// on any rank (see throw_if_any_rank_failed).
template <class Action> void run_agreeing_on_errors(MPI_Comm comm, Action&& action) {
  std::string local_error;
  try {
    action();
  } catch (const std::exception& error) {
    local_error = error.what();
    if (local_error.empty()) local_error = "unknown error";
  }
  throw_if_any_rank_failed(comm, local_error);
}

/// Throws std::runtime_error unless every axis has at least two strictly increasing finite
/// nodes and `block` lies inside the grid.
inline void check_layout(const GridCoordinates& coordinates, const LocalBlock& block) {
  constexpr char kAxisNames[] = {'x', 'y', 'z'};
  for (int axis = 0; axis < 3; ++axis) {
    const std::vector<double>& nodes = coordinates.nodes[axis];
    if (nodes.size() < 2)
      throw std::runtime_error(
          fmt::format("{} axis has {} nodes, needs at least 2", kAxisNames[axis], nodes.size()));
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!std::isfinite(nodes[i]) || (i > 0 && !(nodes[i] > nodes[i - 1])))
        throw std::runtime_error(fmt::format("{} nodes are not finite and strictly increasing at "
                                             "index {}",
                                             kAxisNames[axis], i));
    }
    const int cells = coordinates.cells()[axis];
    const int offset = block.offset[axis];
    const int count = block.count[axis];
    if (offset < 0 || count < 0 || offset + count > cells)
      throw std::runtime_error(fmt::format("block {} cells [{}, {}) outside the grid's {} cells",
                                           kAxisNames[axis], offset, offset + count, cells));
  }
}

/// Collective. Throws std::runtime_error on every rank unless the ranks' blocks hold as many
/// cells as the grid (catches blocks that are missing or given twice).
inline void check_blocks_cover_grid(MPI_Comm comm, const GridCoordinates& coordinates,
                                    const LocalBlock& block) {
  const std::array<int, 3> cells = coordinates.cells();
  const unsigned long long grid_cells =
      static_cast<unsigned long long>(cells[0]) * cells[1] * cells[2];
  const unsigned long long local_cells = block.cell_count();
  unsigned long long block_cells = 0;
  MPI_Allreduce(&local_cells, &block_cells, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm);
  if (block_cells != grid_cells)
    throw std::runtime_error(fmt::format("the ranks' blocks hold {} cells but the grid has {}",
                                         block_cells, grid_cells));
}

/// Throws std::runtime_error unless every field has a unique usable name (non-empty, no '/',
/// not "." or ".."), at least one component and data for this rank's cells.
inline void check_fields(const std::vector<FieldView>& fields, const LocalBlock& block) {
  std::set<std::string> names;
  for (const FieldView& field : fields) {
    if (field.name.empty() || field.name == "." || field.name == ".." ||
        field.name.find('/') != std::string::npos)
      throw std::runtime_error(fmt::format("invalid field name '{}'", field.name));
    if (!names.insert(field.name).second)
      throw std::runtime_error(fmt::format("field '{}' given twice", field.name));
    if (field.components < 1)
      throw std::runtime_error(
          fmt::format("field '{}' has {} components", field.name, field.components));
    if (field.data == nullptr && block.cell_count() > 0)
      throw std::runtime_error(fmt::format("field '{}' has no data", field.name));
  }
}

} // namespace terrafate::io::detail
