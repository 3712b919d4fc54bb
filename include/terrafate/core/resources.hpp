#pragma once
// Early refusal of runs the machine cannot hold or finish: a memory estimate from the deck's
// cells and species, checked against the memory available, and a cap on the number of time
// steps. Both run while the deck is read, before anything is allocated.
#include <cstddef>
#include <filesystem>
#include <optional>

#include "terrafate/core/config.hpp"

namespace terrafate {

/// [B] Estimated peak resident memory of a run on `cells` cells with `species` transported
/// species (0: flow alone), over all ranks. Measured (benchmarks/RESULTS.md): plume_200k peaks
/// at 274 MiB (1437 B/cell) with one species, of which about 60 MB is the fixed process
/// overhead, so 1137 B/cell; chain_200k adds about 287 B/cell per further species; the same
/// deck without transport peaks at 216 MB, 805 B/cell without the overhead.
double estimate_run_bytes(double cells, std::size_t species);

/// [B] MemAvailable from a /proc/meminfo-format file; nullopt when it cannot be read.
std::optional<double>
available_memory_bytes(const std::filesystem::path& meminfo = "/proc/meminfo");

/// Sets the memory available to the run [B], summed over its hosts (the PETSc session sets it
/// once, the same on every rank, so every rank takes the same decision; until then
/// require_memory reads this host's MemAvailable).
void set_available_memory(double bytes);

/// Throws InputError located at `node` when estimate_run_bytes(cells, species) exceeds
/// `available_bytes`; the message gives both.
void check_memory(double cells, std::size_t species, double available_bytes,
                  const ConfigNode& node);

/// check_memory against the memory set by set_available_memory (else this host's
/// MemAvailable); does nothing when neither is known.
void require_memory(double cells, std::size_t species, const ConfigNode& node);

/// Most time steps a run may take (end / max_step).
constexpr double kMaxTimeSteps = 1e7;

/// Throws InputError located at `node` (the time: section) when end / max_step [d / d] exceeds
/// kMaxTimeSteps.
void require_step_count(double end, double max_step, const ConfigNode& node);

} // namespace terrafate
