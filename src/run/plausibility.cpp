#include "terrafate/run/plausibility.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

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
  double thickness = 0.0;
  for (int k = 0; k < grid.cells(2); ++k)
    thickness += grid.width(2, k);
  const int last = grid.cells(2) - 1;
  const double top = grid.center(2, last) + 0.5 * grid.width(2, last); // [m]
  if (!(max_head > top + thickness)) return {};
  return fmt::format("heads reach {:.6g} m, {:.6g} m above the model top ({:.6g} m) in a model "
                     "{:.6g} m thick: check the units of recharge and flux boundaries (a number "
                     "alone is m/d: write 150 mm/yr, not 150) and the conductivities",
                     max_head, max_head - top, top, thickness);
}

} // namespace terrafate
