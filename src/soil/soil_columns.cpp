#include "terrafate/soil/soil_columns.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <mpi.h>

namespace terrafate {

namespace {
/// Millington-Quirk (1961) effective diffusion factor of a phase filling `fraction` of a soil of
/// porosity `porosity`: fraction^(10/3) / porosity^2.
double millington_quirk(double fraction, double porosity) {
  return fraction > 0.0 ? std::pow(fraction, 10.0 / 3.0) / (porosity * porosity) : 0.0;
}

/// Solves the tridiagonal system lower[c] x[c-1] + diagonal[c] x[c] + upper[c] x[c+1] = rhs[c]
/// in place (the solution in rhs) by the Thomas algorithm; the matrix is diagonally dominant,
/// so no pivoting is needed. Hand-written: a 1-D sweep of a few lines, called per column and
/// sub-step, where a library's general banded solver would only add copies.
void solve_tridiagonal(const std::vector<double>& lower, std::vector<double>& diagonal,
                       const std::vector<double>& upper, std::vector<double>& rhs) {
  const std::size_t n = diagonal.size();
  for (std::size_t c = 1; c < n; ++c) {
    const double factor = lower[c] / diagonal[c - 1];
    diagonal[c] -= factor * upper[c - 1];
    rhs[c] -= factor * rhs[c - 1];
  }
  rhs[n - 1] /= diagonal[n - 1];
  for (std::size_t c = n - 1; c-- > 0;)
    rhs[c] = (rhs[c] - upper[c] * rhs[c + 1]) / diagonal[c];
}
} // namespace

SoilColumns::SoilColumns(const Grid& grid, const SoilSpec& soil, const TransportSpec& transport,
                         const FlowSpec& flow, double max_courant)
    : grid_(grid), soil_(soil), transport_(transport), flow_(flow), max_courant_(max_courant) {
  const std::size_t species = transport.species.size();
  const std::size_t layers = soil.layers.size();
  for (const auto& boundary : flow.boundaries)
    if (boundary.form == FlowBoundary::Form::face && boundary.face == Face::zmax &&
        boundary.type == FlowBoundary::Type::flux) {
      if (boundary.flux < 0.0)
        throw InputError(soil.key_path, soil.where,
                         fmt::format("the soil columns need downward infiltration, but the top "
                                     "face's flux boundary ({}, line {}) takes water out ({} m/d)",
                                     boundary.label, boundary.where.line, boundary.flux));
      recharge_ += boundary.flux;
    }
  for (const auto& layer : soil.layers)
    if (recharge_ > layer.texture.ks)
      throw InputError(layer.key_path + ".texture.ks", layer.where,
                       fmt::format("layer '{}': the recharge {} m/d exceeds the saturated "
                                   "conductivity ks = {} m/d (the soil would pond)",
                                   layer.name, recharge_, layer.texture.ks));
  kd_.assign(species, std::vector<double>(layers, 0.0));
  for (std::size_t s = 0; s < species; ++s)
    for (std::size_t l = 0; l < layers; ++l) {
      const auto& spec = transport.species[s];
      kd_[s][l] = spec.sorption_from_koc ? spec.koc * soil.layers[l].foc : spec.kd;
    }
  balances_.assign(species, SoilBalance{});
  extracted_.assign(soil.extractions.size(), std::vector<double>(species, 0.0));
  terms_.resize(species);

  // A column sits on its grid column's uppermost active cell, held by the rank owning it.
  for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
    for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
      const auto& geometry = soil.column(i, j);
      const int top = geometry.top_layer;
      if (top < grid.owned_begin(2) || top >= grid.owned_end(2)) continue;
      Column column;
      for (std::size_t z = 0; z < soil.zones.size(); ++z)
        if (soil.zones[z].covers(grid.center(0, i), grid.center(1, j)))
          column.zones.push_back(static_cast<int>(z));
      if (column.zones.empty()) continue;
      column.i = i;
      column.j = j;
      column.cell = grid.owned_index(i, j, top);
      column.area = grid.width(0, i) * grid.width(1, j);
      column.cells = geometry.cells;
      column.mesh_cells = mesh_cells(i, j);
      column.cell_size = geometry.cell_size;
      column.theta.assign(layers, 0.0);
      column.concentration.assign(species, std::vector<double>(column.mesh_cells, 0.0));
      column.leached.assign(species, 0.0);
      column.volatilized.assign(species, 0.0);
      column.submerged.assign(species, 0.0);
      for (const auto& extraction : soil.extractions) {
        column.extraction_cells.emplace_back();
        for (int c = 0; c < column.mesh_cells; ++c)
          if (extraction.region.contains({grid.center(0, i), grid.center(1, j),
                                          soil.ground_surface - column.cell_depth(c)}))
            column.extraction_cells.back().push_back(c);
      }
      // Initial state: the zones' total concentrations [mg/kg] as mass per bulk volume
      // C_total rho_b [g/m3] (summed where zones overlap), held as water concentrations.
      for (const int z : column.zones) {
        const auto& zone = soil.zones[static_cast<std::size_t>(z)];
        for (int c = 0; c < column.cells; ++c) {
          const double depth = column.cell_depth(c);
          if (depth < zone.depth_top || depth > zone.depth_bottom) continue;
          const double density =
              soil.layers[static_cast<std::size_t>(soil.layer_of(depth))].bulk_density;
          for (std::size_t s = 0; s < species; ++s)
            column.concentration[s][static_cast<std::size_t>(c)] += zone.concentration[s] * density;
        }
      }
      // Bulk concentrations to water concentrations at the initial infiltration.
      const double q = infiltration(i, j, 0.0, 0.0).first;
      for (std::size_t l = 0; l < layers; ++l)
        column.theta[l] = unit_gradient_moisture(soil.layers[l].texture, q);
      column.infiltration = q;
      for (std::size_t s = 0; s < species; ++s) {
        cell_terms(column, s, 0.0, 0.0, terms_[s]);
        for (int c = 0; c < column.cells; ++c) {
          auto& value = column.concentration[s][static_cast<std::size_t>(c)];
          const double capacity = terms_[s].capacity[static_cast<std::size_t>(c)];
          if (value > 0.0 && !(capacity > 0.0))
            throw InputError(
                soil.key_path, soil.where,
                fmt::format(
                    "species '{}' cannot be held in layer '{}': no water, "
                    "sorption or soil gas at the infiltration {} m/d",
                    transport.species[s].name,
                    soil.layers[static_cast<std::size_t>(soil.layer_of(column.cell_depth(c)))].name,
                    q));
          value = value > 0.0 ? value / capacity : 0.0;
        }
        balances_[s].initial += stored_mass(column, s);
      }
      loading_cells_.push_back(column.cell);
      columns_.push_back(std::move(column));
    }
  for (auto& balance : balances_)
    balance.stored = balance.initial;
  loading_rates_.assign(species, std::vector<double>(columns_.size(), 0.0));
}

std::pair<double, double> SoilColumns::infiltration(int i, int j, double time, double dt) const {
  double factor = 1.0, volatilization = 1.0;
  for (const auto& cap : flow_.caps) {
    if (!cap.active_during(time, time + dt)) continue;
    if (cap.covers(grid_.center(0, i), grid_.center(1, j))) {
      factor *= cap.factor;
      volatilization *= cap.volatilization_factor;
    }
  }
  return {recharge_ * factor, volatilization};
}

void SoilColumns::cell_terms(const Column& column, std::size_t s, double time, double dt,
                             CellTerms& terms) const {
  const auto& species = transport_.species[s];
  const auto cells = static_cast<std::size_t>(column.cells);
  terms.capacity.resize(cells);
  terms.dispersion.resize(cells);
  terms.loss.resize(cells);
  terms.decay.resize(cells);
  const double q = column.infiltration;
  for (std::size_t c = 0; c < cells; ++c) {
    const auto l = static_cast<std::size_t>(soil_.layer_of(column.cell_depth(static_cast<int>(c))));
    const auto& layer = soil_.layers[l];
    const double theta = column.theta[l];
    const double porosity = layer.texture.theta_s;
    const double air = porosity - theta;
    const double sorbed = layer.bulk_density * kd_[s][l];
    terms.capacity[c] = theta + sorbed + air * species.henry;
    terms.dispersion[c] = layer.dispersivity * q +
                          species.diffusion * millington_quirk(theta, porosity) +
                          species.henry * species.air_diffusion * millington_quirk(air, porosity);
    terms.decay[c] = layer.decay[s][0] * theta + layer.decay[s][1] * sorbed;
    terms.loss[c] = terms.decay[c];
  }
  for (std::size_t e = 0; e < soil_.extractions.size(); ++e) {
    const auto& extraction = soil_.extractions[e];
    if (!(dt > 0.0) || !extraction.active_during(time, time + dt)) continue;
    for (const int c : column.extraction_cells[e]) {
      if (c >= column.cells) break; // submerged
      const auto l = static_cast<std::size_t>(soil_.layer_of(column.cell_depth(c)));
      const double air = soil_.layers[l].texture.theta_s - column.theta[l];
      terms.loss[static_cast<std::size_t>(c)] += extraction.rate * air * species.henry;
    }
  }
}

double SoilColumns::stored_mass(const Column& column, std::size_t s) const {
  // Capacity per cell at the column's water contents (no extraction terms needed).
  double mass = 0.0;
  const auto& species = transport_.species[s];
  const double volume = column.area * column.cell_size;
  for (int c = 0; c < column.cells; ++c) {
    const auto l = static_cast<std::size_t>(soil_.layer_of(column.cell_depth(c)));
    const auto& layer = soil_.layers[l];
    const double theta = column.theta[l];
    const double capacity =
        theta + layer.bulk_density * kd_[s][l] + (layer.texture.theta_s - theta) * species.henry;
    mass += volume * capacity * column.concentration[s][static_cast<std::size_t>(c)];
  }
  return mass;
}

void SoilColumns::set_infiltration(Column& column, double q) {
  const std::size_t species = transport_.species.size();
  std::vector<std::vector<double>> bulk(species);
  for (std::size_t s = 0; s < species; ++s) {
    cell_terms(column, s, 0.0, 0.0, terms_[s]);
    bulk[s].resize(static_cast<std::size_t>(column.cells));
    for (std::size_t c = 0; c < bulk[s].size(); ++c)
      bulk[s][c] = terms_[s].capacity[c] * column.concentration[s][c];
  }
  for (std::size_t l = 0; l < soil_.layers.size(); ++l)
    column.theta[l] = unit_gradient_moisture(soil_.layers[l].texture, q);
  column.infiltration = q;
  for (std::size_t s = 0; s < species; ++s) {
    cell_terms(column, s, 0.0, 0.0, terms_[s]);
    for (std::size_t c = 0; c < bulk[s].size(); ++c) {
      const double capacity = terms_[s].capacity[c];
      if (bulk[s][c] > 0.0 && !(capacity > 0.0))
        throw NumericalError(fmt::format(
            "soil column at ({}, {}): species '{}' has no water, sorption or soil gas to be "
            "held in at the infiltration {} m/d",
            column.i, column.j, transport_.species[s].name, q));
      column.concentration[s][c] = bulk[s][c] > 0.0 ? bulk[s][c] / capacity : 0.0;
    }
  }
}

void SoilColumns::advance(double time, double dt) {
  const std::size_t species = transport_.species.size();
  for (std::size_t n = 0; n < columns_.size(); ++n) {
    auto& column = columns_[n];
    const auto [q, volatilization] = infiltration(column.i, column.j, time, dt);
    if (q != column.infiltration) set_infiltration(column, q);
    std::fill(column.leached.begin(), column.leached.end(), 0.0);
    std::fill(column.volatilized.begin(), column.volatilized.end(), 0.0);
    step_column(column, time, dt, volatilization);
    for (std::size_t s = 0; s < species; ++s) {
      // The mass of the cells the water table submerged enters the grid cell with the leachate.
      column.leached[s] += column.submerged[s];
      balances_[s].leached += column.submerged[s];
      column.submerged[s] = 0.0;
      loading_rates_[s][n] = column.leached[s] / dt;
    }
  }
  last_step_ = dt;
}

int SoilColumns::mesh_cells(int i, int j) const {
  const auto& geometry = soil_.column(i, j);
  if (!flow_.water_table || geometry.top_layer < 0) return geometry.cells;
  const double height =
      grid_.cell_top(i, j, geometry.top_layer) - grid_.cell_bottom(i, j, geometry.top_layer);
  if (!(height > 0.0)) return geometry.cells;
  return geometry.cells +
         static_cast<int>(std::ceil(height / geometry.cell_size * (1.0 - 1.0e-12)));
}

void SoilColumns::follow_water_table(const std::vector<double>& saturated_fraction) {
  if (!flow_.water_table) return;
  const std::size_t species = transport_.species.size();
  for (auto& column : columns_) {
    const int top = soil_.column(column.i, column.j).top_layer;
    const double bottom = grid_.cell_bottom(column.i, column.j, top);
    const double height = grid_.cell_top(column.i, column.j, top) - bottom;
    const double fraction =
        std::clamp(saturated_fraction.at(static_cast<std::size_t>(column.cell)), 0.0, 1.0);
    const double water_table = bottom + fraction * height; // [m]
    // The cells whose centres lie above the water table: c + 1/2 < depth / dz.
    const double depth = soil_.ground_surface - water_table;
    const int active = std::clamp(static_cast<int>(std::ceil(depth / column.cell_size - 0.5)), 1,
                                  column.mesh_cells);
    for (std::size_t s = 0; s < species; ++s) {
      for (int c = active; c < column.cells; ++c) {
        auto& value = column.concentration[s][static_cast<std::size_t>(c)];
        column.submerged[s] += column.area * column.cell_size * cell_capacity(column, s, c) * value;
        value = 0.0;
      }
    }
    column.cells = active; // cells exposed by a falling water table hold no mass yet
  }
}

double SoilColumns::active_depth(int i, int j) const {
  for (const auto& column : columns_)
    if (column.i == i && column.j == j) return column.cells * column.cell_size;
  return -1.0;
}

double SoilColumns::cell_capacity(const Column& column, std::size_t s, int c) const {
  const auto l = static_cast<std::size_t>(soil_.layer_of(column.cell_depth(c)));
  const auto& layer = soil_.layers[l];
  const double theta = column.theta[l];
  return theta + layer.bulk_density * kd_[s][l] +
         (layer.texture.theta_s - theta) * transport_.species[s].henry;
}

void SoilColumns::step_column(Column& column, double time, double dt,
                              double volatilization_factor) {
  const std::size_t species = transport_.species.size();
  const auto cells = static_cast<std::size_t>(column.cells);
  const double dz = column.cell_size;
  const double area = column.area;
  const double volume = area * dz;
  const double q = column.infiltration;
  double smallest_capacity = std::numeric_limits<double>::infinity();
  for (std::size_t s = 0; s < species; ++s) {
    cell_terms(column, s, time, dt, terms_[s]);
    for (const double capacity : terms_[s].capacity)
      smallest_capacity = std::min(smallest_capacity, capacity);
  }
  const double courant = q * dt / (smallest_capacity * dz);
  const int substeps = std::max(1, static_cast<int>(std::ceil(courant / max_courant_)));
  const double h = dt / substeps;

  std::vector<double> lower(cells), diagonal(cells), upper(cells), rhs(cells), production(cells);
  for (int sub = 0; sub < substeps; ++sub)
    for (const int species_index : transport_.solve_order) {
      const auto s = static_cast<std::size_t>(species_index);
      const auto& terms = terms_[s];
      const auto& spec = transport_.species[s];
      auto& concentration = column.concentration[s];
      // Production by the parents' new concentrations.
      std::fill(production.begin(), production.end(), 0.0);
      for (const auto& reaction : transport_.reactions) {
        if (reaction.daughter != species_index) continue;
        const auto p = static_cast<std::size_t>(reaction.parent);
        for (std::size_t c = 0; c < cells; ++c)
          production[c] +=
              reaction.yield * terms_[p].decay[c] * column.concentration[p][c] * volume;
      }
      for (std::size_t c = 0; c < cells; ++c) {
        lower[c] = upper[c] = 0.0;
        diagonal[c] = volume * (terms.capacity[c] / h + terms.loss[c]);
        rhs[c] = volume * terms.capacity[c] / h * concentration[c] + production[c];
      }
      for (std::size_t c = 0; c + 1 < cells; ++c) {
        const double e_up = terms.dispersion[c], e_down = terms.dispersion[c + 1];
        const double conductance =
            e_up > 0.0 && e_down > 0.0 ? area / (0.5 * dz / e_up + 0.5 * dz / e_down) : 0.0;
        // Hybrid advection: central while the cell Peclet number q dz / E is at most 2.
        const bool central = area * q <= 2.0 * conductance;
        const double w_up = central ? 0.5 : 1.0, w_down = central ? 0.5 : 0.0;
        diagonal[c] += conductance + area * q * w_up;
        upper[c] += -conductance + area * q * w_down;
        diagonal[c + 1] += conductance - area * q * w_down;
        lower[c + 1] += -conductance - area * q * w_up;
      }
      // Volatilization from the top cell through half a cell of soil gas and the boundary layer.
      const auto& top_layer =
          soil_.layers[static_cast<std::size_t>(soil_.layer_of(column.cell_depth(0)))];
      const double top_air =
          top_layer.texture.theta_s -
          column.theta[static_cast<std::size_t>(soil_.layer_of(column.cell_depth(0)))];
      const double gas_diffusion =
          spec.air_diffusion * millington_quirk(top_air, top_layer.texture.theta_s);
      const double volatilization =
          spec.henry > 0.0 && gas_diffusion > 0.0
              ? volatilization_factor * area * spec.henry /
                    (0.5 * dz / gas_diffusion + soil_.boundary_layer / spec.air_diffusion)
              : 0.0;
      diagonal[0] += volatilization;
      diagonal[cells - 1] += area * q; // the water leaving at the water table
      solve_tridiagonal(lower, diagonal, upper, rhs);

      auto& balance = balances_[s];
      for (std::size_t c = 0; c < cells; ++c) {
        concentration[c] = rhs[c];
        balance.decayed += volume * terms.decay[c] * rhs[c] * h;
        balance.produced += production[c] * h;
      }
      const double leached = area * q * rhs[cells - 1] * h;
      const double volatilized = volatilization * rhs[0] * h;
      column.leached[s] += leached;
      column.volatilized[s] += volatilized;
      balance.leached += leached;
      balance.volatilized += volatilized;
      for (std::size_t e = 0; e < soil_.extractions.size(); ++e) {
        const auto& extraction = soil_.extractions[e];
        if (!extraction.active_during(time, time + dt)) continue;
        double removed = 0.0;
        for (const int c : column.extraction_cells[e]) {
          if (c >= column.cells) break; // submerged
          const auto l = static_cast<std::size_t>(soil_.layer_of(column.cell_depth(c)));
          const double air = soil_.layers[l].texture.theta_s - column.theta[l];
          removed +=
              volume * extraction.rate * air * spec.henry * rhs[static_cast<std::size_t>(c)] * h;
        }
        extracted_[e][s] += removed;
        balance.removed += removed;
      }
    }
}

std::vector<double> SoilColumns::excavate(const Region& region) {
  const std::size_t species = transport_.species.size();
  std::vector<double> removed(species, 0.0);
  for (auto& column : columns_) {
    const double volume = column.area * column.cell_size;
    for (std::size_t s = 0; s < species; ++s) {
      cell_terms(column, s, 0.0, 0.0, terms_[s]);
      for (int c = 0; c < column.cells; ++c) {
        const std::array<double, 3> center{grid_.center(0, column.i), grid_.center(1, column.j),
                                           soil_.ground_surface - column.cell_depth(c)};
        if (!region.contains(center)) continue;
        auto& value = column.concentration[s][static_cast<std::size_t>(c)];
        const double mass = volume * terms_[s].capacity[static_cast<std::size_t>(c)] * value;
        removed[s] += mass;
        balances_[s].removed += mass;
        value = 0.0;
      }
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, removed.data(), static_cast<int>(species), MPI_DOUBLE, MPI_SUM,
                grid_.comm());
  return removed;
}

std::vector<SoilBalance> SoilColumns::balances() const {
  std::vector<SoilBalance> total = balances_;
  for (std::size_t s = 0; s < total.size(); ++s) {
    auto& b = total[s];
    b.stored = 0.0;
    for (const auto& column : columns_)
      b.stored += stored_mass(column, s);
    double values[7] = {b.stored,  b.initial,     b.decayed, b.produced,
                        b.leached, b.volatilized, b.removed};
    MPI_Allreduce(MPI_IN_PLACE, values, 7, MPI_DOUBLE, MPI_SUM, grid_.comm());
    b = {values[0], values[1], values[2], values[3], values[4], values[5], values[6]};
  }
  return total;
}

double SoilColumns::extracted(std::size_t extraction, std::size_t s) const {
  double value = extracted_[extraction][s];
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return value;
}

std::vector<double> SoilColumns::zone_concentrations() const {
  const std::size_t species = transport_.species.size();
  const std::size_t zones = soil_.zones.size();
  const std::size_t intervals = soil_.report_depths.size() - 1;
  // Mass [g] per zone, interval and species, then dry soil [kg] per zone and interval.
  std::vector<double> sums(zones * intervals * (species + 1), 0.0);
  const auto mass_index = [&](std::size_t z, std::size_t k, std::size_t s) {
    return (z * intervals + k) * species + s;
  };
  const std::size_t dry_offset = zones * intervals * species;
  for (const auto& column : columns_) {
    const double volume = column.area * column.cell_size;
    for (int c = 0; c < column.cells; ++c) {
      const double depth = column.cell_depth(c);
      std::size_t k = 0;
      while (k < intervals && !(depth < soil_.report_depths[k + 1]))
        ++k;
      if (depth < soil_.report_depths.front() || k == intervals) continue;
      const auto l = static_cast<std::size_t>(soil_.layer_of(column.cell_depth(c)));
      const auto& layer = soil_.layers[l];
      const double theta = column.theta[l];
      for (const int zone : column.zones) {
        const auto z = static_cast<std::size_t>(zone);
        sums[dry_offset + z * intervals + k] += layer.bulk_density * 1000.0 * volume;
        for (std::size_t s = 0; s < species; ++s) {
          const double capacity = theta + layer.bulk_density * kd_[s][l] +
                                  (layer.texture.theta_s - theta) * transport_.species[s].henry;
          sums[mass_index(z, k, s)] +=
              volume * capacity * column.concentration[s][static_cast<std::size_t>(c)];
        }
      }
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM,
                grid_.comm());
  std::vector<double> concentrations(zones * intervals * species, 0.0);
  for (std::size_t z = 0; z < zones; ++z)
    for (std::size_t k = 0; k < intervals; ++k) {
      const double dry = sums[dry_offset + z * intervals + k];
      for (std::size_t s = 0; s < species; ++s)
        concentrations[mass_index(z, k, s)] =
            dry > 0.0 ? sums[mass_index(z, k, s)] * 1000.0 / dry : 0.0;
    }
  return concentrations;
}

std::vector<double> SoilColumns::zone_rates() const {
  const std::size_t species = transport_.species.size();
  std::vector<double> rates(soil_.zones.size() * species * 2, 0.0);
  if (last_step_ > 0.0)
    for (const auto& column : columns_)
      for (const int zone : column.zones)
        for (std::size_t s = 0; s < species; ++s) {
          const std::size_t index = (static_cast<std::size_t>(zone) * species + s) * 2;
          rates[index] += column.leached[s] / last_step_;
          rates[index + 1] += column.volatilized[s] / last_step_;
        }
  MPI_Allreduce(MPI_IN_PLACE, rates.data(), static_cast<int>(rates.size()), MPI_DOUBLE, MPI_SUM,
                grid_.comm());
  return rates;
}

std::vector<double> SoilColumns::column_concentration(int i, int j, double top,
                                                      double bottom) const {
  const std::size_t species = transport_.species.size();
  std::vector<double> sums(species + 1, 0.0); // mass [g] per species, dry soil [kg]
  for (const auto& column : columns_) {
    if (column.i != i || column.j != j) continue;
    const double volume = column.area * column.cell_size;
    for (int c = 0; c < column.cells; ++c) {
      const double depth = column.cell_depth(c);
      if (depth < top || depth > bottom) continue;
      const auto l = static_cast<std::size_t>(soil_.layer_of(column.cell_depth(c)));
      const auto& layer = soil_.layers[l];
      const double theta = column.theta[l];
      sums[species] += layer.bulk_density * 1000.0 * volume;
      for (std::size_t s = 0; s < species; ++s)
        sums[s] += volume *
                   (theta + layer.bulk_density * kd_[s][l] +
                    (layer.texture.theta_s - theta) * transport_.species[s].henry) *
                   column.concentration[s][static_cast<std::size_t>(c)];
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM,
                grid_.comm());
  std::vector<double> concentration(species, 0.0);
  if (sums[species] > 0.0)
    for (std::size_t s = 0; s < species; ++s)
      concentration[s] = sums[s] * 1000.0 / sums[species];
  return concentration;
}

double SoilColumns::water_content(int i, int j, int l) const {
  for (const auto& column : columns_)
    if (column.i == i && column.j == j) return column.theta[static_cast<std::size_t>(l)];
  return -1.0;
}

namespace {
constexpr double SoilBalance::*kSoilBalanceFields[] = {
    &SoilBalance::stored,  &SoilBalance::initial,     &SoilBalance::decayed, &SoilBalance::produced,
    &SoilBalance::leached, &SoilBalance::volatilized, &SoilBalance::removed};
} // namespace

void SoilColumns::save_state(StateRecord& record) const {
  // Per column: i, j, infiltration, water contents, concentrations, last step's fluxes.
  std::vector<double> mine;
  for (const auto& column : columns_) {
    mine.push_back(column.i);
    mine.push_back(column.j);
    mine.push_back(column.infiltration);
    mine.insert(mine.end(), column.theta.begin(), column.theta.end());
    for (const auto& values : column.concentration)
      mine.insert(mine.end(), values.begin(), values.end());
    mine.insert(mine.end(), column.leached.begin(), column.leached.end());
    mine.insert(mine.end(), column.volatilized.begin(), column.volatilized.end());
  }
  int ranks = 1, rank = 0;
  MPI_Comm_size(grid_.comm(), &ranks);
  MPI_Comm_rank(grid_.comm(), &rank);
  int count = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(ranks)), offsets(counts.size(), 0);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, grid_.comm());
  for (std::size_t r = 1; r < counts.size(); ++r)
    offsets[r] = offsets[r - 1] + counts[r - 1];
  std::vector<double> all(rank == 0 ? static_cast<std::size_t>(offsets.back() + counts.back()) : 0);
  MPI_Gatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(), MPI_DOUBLE,
              0, grid_.comm());
  record.values["soil/columns"] = all;
  record.values["soil/last_step"] = {last_step_};
  std::vector<double> balances;
  for (const auto& balance : balances_)
    for (const auto field : kSoilBalanceFields)
      balances.push_back(balance.*field);
  record.per_rank["soil/balances"] = balances;
  std::vector<double> extracted;
  for (const auto& row : extracted_)
    extracted.insert(extracted.end(), row.begin(), row.end());
  record.per_rank["soil/extracted"] = extracted;
}

void SoilColumns::load_state(const StateRecord& record, bool branch) {
  const auto& all = record.value("soil/columns");
  const std::size_t species = transport_.species.size();
  const std::size_t layers = soil_.layers.size();
  // Each record: i, j, infiltration, water contents, the concentrations of the column's own
  // cells, the last step's fluxes.
  for (std::size_t start = 0; start + 2 <= all.size();) {
    const int i = static_cast<int>(all[start]), j = static_cast<int>(all[start + 1]);
    const auto cells = static_cast<std::size_t>(mesh_cells(i, j));
    const std::size_t length = 3 + layers + species * cells + 2 * species;
    if (start + length > all.size()) break;
    for (auto& column : columns_) {
      if (column.i != i || column.j != j) continue;
      // Every laid cell, until follow_water_table sets the active ones from the restored heads
      // (submerged cells hold no mass).
      column.cells = column.mesh_cells;
      std::size_t n = start + 2;
      column.infiltration = all[n++];
      for (auto& theta : column.theta)
        theta = all[n++];
      for (auto& values : column.concentration)
        for (auto& value : values)
          value = all[n++];
      for (auto& value : column.leached)
        value = all[n++];
      for (auto& value : column.volatilized)
        value = all[n++];
    }
    start += length;
  }
  last_step_ = record.scalar("soil/last_step");
  const auto& balances = record.per_rank.at("soil/balances");
  std::size_t n = 0;
  for (auto& balance : balances_)
    for (const auto field : kSoilBalanceFields)
      balance.*field = balances.at(n++);
  if (branch) return; // the run's own extractions start afresh
  const auto& extracted = record.per_rank.at("soil/extracted");
  n = 0;
  for (auto& row : extracted_)
    for (auto& value : row)
      value = extracted.at(n++);
}

void SoilColumns::save(State& state) const {
  state.columns = columns_;
  state.balances = balances_;
  state.extracted = extracted_;
  state.last_step = last_step_;
}

void SoilColumns::restore(const State& state) {
  columns_ = state.columns;
  balances_ = state.balances;
  extracted_ = state.extracted;
  last_step_ = state.last_step;
}

} // namespace terrafate
