#pragma once
// Reads a cell field from an HDF5 dataset (e.g. heterogeneous hydraulic conductivity).
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/io/field_block.hpp"

namespace terrafate::io {

/// Shape of a dataset as stored (slowest first).
std::vector<unsigned long long> dataset_shape(const std::filesystem::path& file,
                                              const std::string& dataset);

/// Reads this rank's block of a cell field stored as [nz, ny, nx] (components = 1) or
/// [nz, ny, nx, components]. Returns cell_count() * components values, x fastest. Throws
/// std::runtime_error with a message when the file or dataset is missing or the shape differs
/// from `global_cells` (x, y, z order). Collective over `comm`.
std::vector<double> read_cell_field(MPI_Comm comm, const std::filesystem::path& file,
                                    const std::string& dataset, std::array<int, 3> global_cells,
                                    const LocalBlock& block, int components);

/// Reads a layer surface (`grid.top` / `grid.bottoms`) stored as a 2-D dataset of shape [ny, nx]:
/// row j is the grid's y index j (row 0 at the lowest y of the grid frame), x fastest. Serial
/// (every rank reads the whole surface). Throws std::runtime_error when the file or dataset is
/// missing, the shape differs or the values are not numbers.
std::vector<double> read_surface(const std::filesystem::path& file, const std::string& dataset,
                                 int nx, int ny);

} // namespace terrafate::io
