#include "terrafate/run/plausibility.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "terrafate/core/petsc.hpp"

namespace terrafate {

namespace {
std::string where(const MaterialSpec& material) {
  return fmt::format("{}:{}", material.where.file, material.where.line);
}

/// [m] the largest horizontal cell width (the flow direction is not known before the solve).
double widest_horizontal_cell(const Grid& grid) {
  double widest = 0.0;
  for (int axis = 0; axis < 2; ++axis)
    for (int i = 0; i < grid.cells(axis); ++i)
      widest = std::max(widest, grid.width(axis, i));
  return widest;
}
} // namespace

std::vector<std::string> plausibility_warnings(const Deck& deck, const Model& model) {
  std::vector<std::string> warnings;
  for (const auto& material : deck.materials) {
    if (material.hydraulic_conductivity) {
      const auto& k = *material.hydraulic_conductivity;
      const auto [low, high] = std::minmax({k[0], k[1], k[2]});
      if (low < kPlausibleConductivityMin || high > kPlausibleConductivityMax)
        warnings.push_back(fmt::format(
            "{}: materials.{}.hydraulic_conductivity {:.3g} to {:.3g} m/d lies outside {:g} to "
            "{:g} m/d (clay to open gravel): check its unit (a number alone is m/d; 10 m/s is "
            "864000 m/d)",
            where(material), material.name, low, high, kPlausibleConductivityMin,
            kPlausibleConductivityMax));
    }
    const auto& a = material.dispersivity;
    if (a[1] > a[0] || a[2] > a[0])
      warnings.push_back(fmt::format(
          "{}: materials.{}.dispersivity [{:g}, {:g}, {:g}] m: a transverse dispersivity exceeds "
          "the longitudinal one (the order is longitudinal, transverse horizontal, transverse "
          "vertical)",
          where(material), material.name, a[0], a[1], a[2]));
  }
  if (model.transport && !model.transport->tvd) {
    const double width = widest_horizontal_cell(model.grid);
    for (const auto& material : deck.materials) {
      const double peclet = material.dispersivity[0] > 0.0
                                ? width / material.dispersivity[0]
                                : std::numeric_limits<double>::infinity();
      if (peclet > kPlausibleGridPeclet)
        warnings.push_back(fmt::format(
            "{}: materials.{}: grid Peclet number {:.3g} (cell width {:g} m over longitudinal "
            "dispersivity {:g} m) is above {:g} with transport.advection: upwind: numerical "
            "dispersion exceeds the physical one (use advection: tvd or smaller cells)",
            where(material), material.name, peclet, width, material.dispersivity[0],
            kPlausibleGridPeclet));
    }
  }
  return warnings;
}

std::string head_warning(const Grid& grid, double max_head) {
  const double top = grid.upper(2);                       // [m] the highest top
  const double thickness = grid.upper(2) - grid.lower(2); // [m]
  if (!(max_head > top + thickness)) return {};
  return fmt::format("heads reach {:.6g} m, {:.6g} m above the model top ({:.6g} m) in a model "
                     "{:.6g} m thick: check the units of recharge and flux boundaries (a number "
                     "alone is m/d: write 150 mm/yr, not 150) and the conductivities",
                     max_head, max_head - top, top, thickness);
}

std::vector<std::string> boundary_plume_warnings(const Model& model,
                                                 const TransportSolver& transport) {
  std::vector<std::string> warnings;
  if (!model.risk || !model.transport) return warnings;
  const auto& grid = model.grid;
  const char* const faces[] = {"xmin", "xmax", "ymin", "ymax"};
  const auto held_source = [&](const std::array<double, 3>& center) {
    return std::any_of(model.transport->sources.begin(), model.transport->sources.end(),
                       [&](const TransportSource& source) {
                         return (source.type == TransportSource::Type::concentration ||
                                 source.type == TransportSource::Type::napl) &&
                                source.region.contains(center);
                       });
  };
  for (std::size_t s = 0; s < model.risk->species.size(); ++s) {
    const double standard = model.risk->species[s].groundwater_standard; // [mg/L]
    if (!(standard > 0.0)) continue;                                     // none (NaN) or zero
    std::array<double, 4> peak{}; // [mg/L] the largest concentration on each lateral face
    const PetscScalar* c = nullptr;
    TF_PETSC_CHECK(VecGetArrayRead(transport.concentration(s), &c));
    for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
      for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
        for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
          const int index[2] = {i, j};
          const double value = c[grid.owned_index(i, j, k)];
          if (!(value > standard) || held_source(grid.cell_center(i, j, k))) continue;
          for (int axis = 0; axis < 2; ++axis) {
            if (grid.cells(axis) < 2) continue;
            if (index[axis] == 0) peak[2 * axis] = std::max(peak[2 * axis], value);
            if (index[axis] == grid.cells(axis) - 1)
              peak[2 * axis + 1] = std::max(peak[2 * axis + 1], value);
          }
        }
    TF_PETSC_CHECK(VecRestoreArrayRead(transport.concentration(s), &c));
    MPI_Allreduce(MPI_IN_PLACE, peak.data(), 4, MPI_DOUBLE, MPI_MAX, grid.comm());
    std::string reached;
    for (int f = 0; f < 4; ++f)
      if (peak[f] > standard)
        reached += fmt::format("{}{} (up to {:.3g} mg/L, {:.3g} x the standard)",
                               reached.empty() ? "" : ", ", faces[f], peak[f], peak[f] / standard);
    if (!reached.empty())
      warnings.push_back(fmt::format(
          "species {} is above its standard ({:.3g} mg/L) on the model boundary at the end of "
          "the run: {}; the plume reaches the edge of the model, where a fixed boundary lets it "
          "leave or confines it (extend the grid, or check the boundary conditions)",
          model.transport->species[s].name, standard, reached));
  }
  return warnings;
}

} // namespace terrafate
