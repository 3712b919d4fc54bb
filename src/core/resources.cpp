#include "terrafate/core/resources.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

namespace terrafate {

namespace {
constexpr double kFixedBytes = 60e6;               ///< [B] process overhead (RESULTS.md)
constexpr double kFlowBytesPerCell = 805.0;        ///< [B] flow alone
constexpr double kOneSpeciesBytesPerCell = 1137.0; ///< [B] flow and one species
constexpr double kSpeciesBytesPerCell = 287.0;     ///< [B] each further species
std::optional<double> g_available_bytes;           ///< set by the PETSc session

std::string gigabytes(double bytes) {
  return bytes >= 1e12 ? fmt::format("{:.3g} TB", bytes / 1e12)
                       : fmt::format("{:.3g} GB", bytes / 1e9);
}
} // namespace

double estimate_run_bytes(double cells, std::size_t species) {
  const double per_cell =
      species == 0
          ? kFlowBytesPerCell
          : kOneSpeciesBytesPerCell + kSpeciesBytesPerCell * static_cast<double>(species - 1);
  return kFixedBytes + cells * per_cell;
}

std::optional<double> available_memory_bytes(const std::filesystem::path& meminfo) {
  std::ifstream stream(meminfo);
  std::string line;
  while (std::getline(stream, line)) {
    std::istringstream fields(line);
    std::string name, unit;
    double value = 0.0;
    if (!(fields >> name >> value)) continue;
    if (name != "MemAvailable:") continue;
    fields >> unit;
    return unit == "kB" ? value * 1024.0 : value;
  }
  return std::nullopt;
}

void set_available_memory(double bytes) {
  g_available_bytes = bytes;
}

void check_memory(double cells, std::size_t species, double available_bytes,
                  const ConfigNode& node) {
  const double estimate = estimate_run_bytes(cells, species);
  if (estimate <= available_bytes) return;
  throw node.error(fmt::format(
      "{:.4g} cells{} need an estimated {} of memory ({:.0f} B/cell, benchmarks/RESULTS.md), "
      "more than the {} available",
      cells, species == 0 ? std::string(" (flow)") : fmt::format(" with {} species", species),
      gigabytes(estimate), (estimate - kFixedBytes) / cells, gigabytes(available_bytes)));
}

void require_memory(double cells, std::size_t species, const ConfigNode& node) {
  if (const auto available = g_available_bytes ? g_available_bytes : available_memory_bytes())
    check_memory(cells, species, *available, node);
}

void require_step_count(double end, double max_step, const ConfigNode& node) {
  if (!(max_step > 0.0)) return; // the reader's range check reports it
  const double steps = end / max_step;
  if (steps > kMaxTimeSteps)
    throw node.error(fmt::format("end {:g} d / max_step {:g} d = {:.3g} time steps, more than "
                                 "the {:g} a run may take",
                                 end, max_step, steps, kMaxTimeSteps));
}

} // namespace terrafate
