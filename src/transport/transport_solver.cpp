#include "terrafate/transport/transport_solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

namespace terrafate {

namespace {
constexpr int kOffset[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

/// [g/d] TVD correction to the upwind transfer through a face carrying `flow` [m3/d] from the
/// upstream cell (concentration `upstream`) to the downstream one, `far` being the cell upstream
/// of the upstream one: flow psi(r) factor (downstream - upstream), with the van Leer limiter
/// psi(r) = (r + |r|) / (1 + |r|), r = ratio (upstream - far) / (downstream - upstream). Written
/// as the harmonic mean 2 a j / (a + j) of a = ratio (upstream - far) and j = downstream -
/// upstream when they have the same sign (0 otherwise): one division.
inline double tvd_transfer(double flow, double far, double upstream, double downstream,
                           double ratio, double factor) {
  const double a = ratio * (upstream - far), jump = downstream - upstream;
  const double product = a * jump;
  // Without branches (the sign of the product is data, and mispredicted it costs more than the
  // division): with a and jump of one sign, 2 a j / (a + j) = sign(j) 2 |a j| / (|a| + |j|); the
  // smallest normal number keeps the divisor from 0 where both vanish (and is absorbed
  // otherwise); product + |product| is 2 max(product, 0), exactly.
  const double magnitude = (product + std::fabs(product)) /
                           (std::fabs(a) + std::fabs(jump) + std::numeric_limits<double>::min());
  return flow * factor * std::copysign(magnitude, jump);
}

/// Below this concentration [mg/L] zero-order decay tapers linearly to zero, and a Freundlich
/// isotherm is continued linearly through the origin (its slope is unbounded at 0 for n < 1).
constexpr double kLowConcentration = 1.0e-9;

/// Passes of the local positivity correction (each a neighbour farther for a deficit).
constexpr int kPositivityPasses = 4;

/// Harmonic combination of two half-cell conductances [m2/d]: area / sum(distance / (theta D)).
double face_conductance(double area, double half_a, double coefficient_a, double half_b,
                        double coefficient_b) {
  if (coefficient_a <= 0.0 || coefficient_b <= 0.0) return 0.0;
  return area / (half_a / coefficient_a + half_b / coefficient_b);
}
} // namespace

double SpeciesBalance::relative_closure() const {
  const double stored = dissolved + sorbed + immobile + soil;
  const double change = stored - initial_stored;
  const double net =
      inflow - outflow + sources + loaded - leached - decayed + produced - removed - volatilized;
  const double scale =
      std::max({std::abs(stored), std::abs(initial_stored), inflow, outflow, std::abs(sources),
                decayed, produced, removed, loaded, leached, volatilized});
  return scale > 0.0 ? std::abs(change - net) / scale : 0.0;
}

TransportSolver::TransportSolver(const Grid& grid, const Materials& materials,
                                 const FlowSpec& flow_spec, const TransportSpec& spec)
    : grid_(grid), materials_(materials), flow_spec_(flow_spec), spec_(spec) {
  // Box: the cross-dispersion flux of a face (plane_discharge) reads diagonal neighbours.
  wide_dm_ = grid.create_compatible_dm(1, DMDA_STENCIL_BOX, 2);
  face_dm_ = grid.create_compatible_dm(3, DMDA_STENCIL_STAR, 1);
  dispersion_dm_ = grid.create_compatible_dm(7, DMDA_STENCIL_STAR, 1);
  TF_PETSC_CHECK(DMCreateLocalVector(face_dm_, face_flows_local_.out()));
  TF_PETSC_CHECK(DMCreateLocalVector(dispersion_dm_, dispersion_local_.out()));
  int ranks = 1;
  MPI_Comm_size(grid.comm(), &ranks);
  single_rank_ = ranks == 1;
  if (!single_rank_) TF_PETSC_CHECK(DMCreateLocalVector(wide_dm_, wide_local_.out()));

  // Sorbing species need a bulk density (and foc for Koc) in every cell.
  for (long n = 0; n < grid.owned_cells(); ++n)
    has_immobile_ = has_immobile_ || materials.immobile_porosity(n) > 0.0;
  for (const auto& species : spec.species) {
    if (!species.sorbs()) continue;
    int missing = -1;
    for (long n = 0; n < grid.owned_cells(); ++n)
      if (materials.bulk_density(n) <= 0.0 ||
          (species.sorption_from_koc && materials.foc(n) <= 0.0))
        missing = std::max(missing, materials.material_of(n));
    MPI_Allreduce(MPI_IN_PLACE, &missing, 1, MPI_INT, MPI_MAX, grid.comm());
    if (missing >= 0)
      throw InputError(species.sorption_key, species.sorption_where,
                       fmt::format("sorption of '{}' needs bulk_density > 0{} in every material; "
                                   "materials[{}] has none",
                                   species.name, species.sorption_from_koc ? " and foc > 0" : "",
                                   missing));
  }
  const std::size_t count = spec.species.size();
  concentration_.resize(count);
  previous_.resize(count);
  older_.resize(count);
  older_dt_.assign(count, -1.0);
  immobile_.resize(count);
  base_operator_.resize(count);
  full_operator_.resize(count);
  held_rows_.resize(count);
  operator_.resize(count);
  stencil_.resize(count);
  ksp_stencil_.assign(count, -1);
  assembled_dt_.assign(count, -1.0);
  assembled_fixed_.resize(count);
  local_balance_.resize(count);
  fixed_rows_.resize(count);
  fixed_sources_.resize(count);
  napl_mass_.assign(spec.sources.size(), 0.0);
  napl_dissolution_.assign(spec.sources.size(), 0.0);
  for (std::size_t n = 0; n < spec.sources.size(); ++n)
    if (spec.sources[n].type == TransportSource::Type::napl)
      napl_mass_[n] = spec.sources[n].napl_mass;
  for (std::size_t s = 0; s < count; ++s) {
    TF_PETSC_CHECK(DMCreateGlobalVector(grid.dm(), concentration_[s].out()));
    TF_PETSC_CHECK(VecDuplicate(concentration_[s], previous_[s].out()));
    TF_PETSC_CHECK(VecDuplicate(concentration_[s], older_[s].out()));
    TF_PETSC_CHECK(VecSet(concentration_[s], 0.0));
    DmdaArrayWrite<PetscScalar***> c(grid.dm(), concentration_[s]);
    immobile_[s].assign(static_cast<std::size_t>(grid.owned_cells()), 0.0);
    for (const auto& initial : spec.initial) {
      if (initial.species != static_cast<int>(s)) continue;
      for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
        for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
          for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
            if (!initial.region.contains(grid.cell_center(i, j, k))) continue;
            const long n = grid.owned_index(i, j, k);
            if (initial.mobile) c.get()[k][j][i] = initial.concentration;
            if (initial.immobile && materials.immobile_porosity(n) > 0.0)
              immobile_[s][static_cast<std::size_t>(n)] = initial.concentration;
          }
    }
  }
  TF_PETSC_CHECK(DMCreateGlobalVector(grid.dm(), rhs_full_.out()));
  for (VecHandle* vector : {&rhs_base_, &rhs_, &tvd_rhs_})
    TF_PETSC_CHECK(VecDuplicate(rhs_full_, vector->out()));
  if (std::any_of(spec.species.begin(), spec.species.end(),
                  [](const auto& species) { return species.nonlinear(); }))
    TF_PETSC_CHECK(VecDuplicate(rhs_full_, diagonal_.out()));
  cell_volume_.resize(static_cast<std::size_t>(grid.owned_cells()));
  saturated_fraction_.assign(cell_volume_.size(), 1.0);
  storage_release_.assign(cell_volume_.size(), 0.0);
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
        cell_volume_[static_cast<std::size_t>(grid.owned_index(i, j, k))] =
            grid.cell_volume(i, j, k);
  product_zone_.assign(cell_volume_.size(), -1);
  production_rate_.assign(count, 0.0);
  zone_decayed_.assign(spec.zones.size(), std::vector<double>(count, 0.0));
  for (const auto& zone : spec.zones) {
    zone_start_.push_back(zone.start);
    zone_end_.push_back(zone.end);
  }
  for (const auto& oxidation : spec.oxidations)
    oxidation_window_.emplace_back(oxidation.start, oxidation.end);
  oxidized_.assign(spec.oxidations.size(), std::vector<double>(count, 0.0));
  extracted_.assign(count, std::vector<double>(flow_spec.wells.size(), 0.0));
  injected_ = extracted_;
  well_concentration_.assign(
      count, std::vector<double>(flow_spec.wells.size(), std::numeric_limits<double>::quiet_NaN()));
  set_rates({}, 0.0);
  update_cell_storage();
  for (int axis = 0; axis < 3; ++axis) {
    const int cells = grid.cells(axis);
    const auto& centers = grid.centers(axis);
    auto& faces = tvd_faces_[axis];
    faces.assign(static_cast<std::size_t>(std::max(cells - 1, 0)), TvdFace{});
    for (int f = 0; f + 1 < cells; ++f) {
      const double distance = centers[f + 1] - centers[f];
      auto& face = faces[static_cast<std::size_t>(f)];
      if (f >= 1) { // upstream cell f, its upstream neighbour f - 1
        face.ratio_forward = distance / (centers[f] - centers[f - 1]);
        face.factor_forward = 0.5 * grid.width(axis, f) / distance;
      }
      if (f + 2 < cells) { // upstream cell f + 1, its upstream neighbour f + 2
        face.ratio_backward = distance / (centers[f + 2] - centers[f + 1]);
        face.factor_backward = 0.5 * grid.width(axis, f + 1) / distance;
      }
    }
  }
  // Layer surfaces: vertically each column's own centre distances (as the flow's conductances
  // use them) and thicknesses, not the column-mean layers.
  if (grid.has_surfaces()) {
    const int nz = grid.cells(2);
    tvd_column_faces_.assign(static_cast<std::size_t>(grid.owned_count(0)) *
                                 static_cast<std::size_t>(grid.owned_count(1)) *
                                 static_cast<std::size_t>(std::max(nz - 1, 0)),
                             TvdFace{});
    std::size_t n = 0;
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
        for (int f = 0; f + 1 < nz; ++f, ++n) {
          const double distance = grid.center_distance(2, i, j, f);
          auto& face = tvd_column_faces_[n];
          if (f >= 1) {
            face.ratio_forward = distance / grid.center_distance(2, i, j, f - 1);
            face.factor_forward = 0.5 * grid.thickness(i, j, f) / distance;
          }
          if (f + 2 < nz) {
            face.ratio_backward = distance / grid.center_distance(2, i, j, f + 1);
            face.factor_backward = 0.5 * grid.thickness(i, j, f + 1) / distance;
          }
        }
  }

  // One solver per species, so that each keeps its preconditioner (factorization) from step to
  // step. GMRES: no breakdown on the near-converged right-hand sides of the TVD correction, where
  // BiCGStab can break down. Right preconditioning, so that the test is on the true residual
  // (the mass imbalance rate [g/d] of each cell): reduced to 1e-10 of the right-hand side (the old
  // mass over dt and the inflows), from the predictor or the previous iterate as the guess.
  ksps_.resize(count);
  for (auto& ksp : ksps_) {
    TF_PETSC_CHECK(KSPCreate(grid.comm(), ksp.out()));
    TF_PETSC_CHECK(KSPSetOptionsPrefix(ksp, "transport_"));
    TF_PETSC_CHECK(KSPSetType(ksp, KSPGMRES));
    // Restart after 10 directions: a step needs about 5, and each direction kept is a vector.
    TF_PETSC_CHECK(KSPGMRESSetRestart(ksp, 10));
    TF_PETSC_CHECK(KSPSetPCSide(ksp, PC_RIGHT));
    TF_PETSC_CHECK(KSPSetTolerances(ksp, 1.0e-10, 1.0e-50, 1.0e30, 1000));
    TF_PETSC_CHECK(KSPSetInitialGuessNonzero(ksp, PETSC_TRUE));
    TF_PETSC_CHECK(KSPSetFromOptions(ksp));
  }
  PetscBool given = PETSC_FALSE;
  PetscInt sweeps = tvd_max_sweeps_;
  TF_PETSC_CHECK(PetscOptionsGetInt(nullptr, "transport_", "-tvd_max_sweeps", &sweeps, &given));
  tvd_max_sweeps_ = static_cast<int>(sweeps);
  TF_PETSC_CHECK(PetscOptionsGetReal(nullptr, "transport_", "-tvd_rtol", &tvd_tolerance_, &given));
  PetscBool cross = PETSC_TRUE;
  TF_PETSC_CHECK(
      PetscOptionsGetBool(nullptr, "transport_", "-dispersion_cross_terms", &cross, &given));
  allow_cross_terms_ = cross == PETSC_TRUE;
  PetscBool matrix_free = PETSC_TRUE, pc_given = PETSC_FALSE;
  TF_PETSC_CHECK(PetscOptionsGetBool(nullptr, "transport_", "-matrix_free", &matrix_free, &given));
  TF_PETSC_CHECK(PetscOptionsHasName(nullptr, "transport_", "-pc_type", &pc_given));
  matrix_free_ = matrix_free == PETSC_TRUE && pc_given == PETSC_FALSE;
  TF_PETSC_CHECK(
      PetscOptionsGetReal(nullptr, "transport_", "-dilu_relaxation", &dilu_relaxation_, &given));
  if (!(dilu_relaxation_ >= 0.0 && dilu_relaxation_ <= 1.0))
    throw InputError(fmt::format("-transport_dilu_relaxation must lie in [0, 1] (0: ILU(0), 1: "
                                 "modified ILU(0)); got {}",
                                 dilu_relaxation_));
  TF_PETSC_CHECK(
      PetscOptionsGetReal(nullptr, "transport_", "-nonlinear_rtol", &nonlinear_tolerance_, &given));
  PetscInt iterations = nonlinear_max_iterations_;
  TF_PETSC_CHECK(
      PetscOptionsGetInt(nullptr, "transport_", "-nonlinear_max_its", &iterations, &given));
  nonlinear_max_iterations_ = static_cast<int>(std::max<PetscInt>(iterations, 1));
  PetscBool positivity = PETSC_TRUE;
  TF_PETSC_CHECK(PetscOptionsGetBool(nullptr, "transport_", "-positivity", &positivity, &given));
  positivity_ = positivity == PETSC_TRUE;
  TF_PETSC_CHECK(PetscOptionsGetReal(nullptr, "transport_", "-positivity_rtol",
                                     &positivity_tolerance_, &given));
  if (!(positivity_tolerance_ >= 0.0 && positivity_tolerance_ < 1.0))
    throw InputError(fmt::format("-transport_positivity_rtol must lie in [0, 1) (a fraction of "
                                 "the species' largest concentration); got {}",
                                 positivity_tolerance_));
  positivity_transfer_.assign(count, 0.0);

  // Mass initially in place.
  for (std::size_t s = 0; s < count; ++s) {
    account(s, 0.0, 0.0);
    local_balance_[s].initial_stored =
        local_balance_[s].dissolved + local_balance_[s].sorbed + local_balance_[s].immobile;
    record_minimum(extremes(s));
  }
}

double TransportSolver::sorption_ratio(std::size_t s, long n) const {
  const auto& species = spec_.species[s];
  if (species.isotherm != Isotherm::linear) return 0.0;
  const double kd = species.sorption_from_koc ? species.koc * materials_.foc(n) : species.kd;
  // With a dual domain the sorption sites are shared in proportion to the pore space.
  const double mobile = materials_.porosity(n);
  return materials_.bulk_density(n) * kd * mobile / (mobile + materials_.immobile_porosity(n));
}

void TransportSolver::update_cell_storage() {
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        const auto n = static_cast<std::size_t>(grid_.owned_index(i, j, k));
        cell_volume_[n] = grid_.cell_volume(i, j, k) * saturated_fraction_[n];
      }
  const std::size_t count = spec_.species.size();
  storage_.resize(count);
  first_order_.resize(count);
  for (std::size_t s = 0; s < count; ++s) {
    storage_[s].resize(cell_volume_.size());
    first_order_[s].resize(cell_volume_.size());
    for (std::size_t n = 0; n < cell_volume_.size(); ++n) {
      const auto cell = static_cast<long>(n);
      storage_[s][n] = (materials_.porosity(cell) + sorption_ratio(s, cell)) * cell_volume_[n];
      first_order_[s][n] = decay_coefficient(s, cell, cell_volume_[n]);
    }
  }
}

void TransportSolver::change_saturated_volume(std::vector<double> fraction) {
  const std::size_t count = spec_.species.size();
  std::vector<double> before(count);
  for (std::size_t s = 0; s < count; ++s) {
    account(s, 0.0, 0.0);
    const auto& balance = local_balance_[s];
    before[s] = balance.dissolved + balance.sorbed + balance.immobile;
  }
  saturated_fraction_ = std::move(fraction);
  update_cell_storage();
  for (std::size_t s = 0; s < count; ++s) {
    account(s, 0.0, 0.0);
    auto& balance = local_balance_[s];
    const double after = balance.dissolved + balance.sorbed + balance.immobile;
    if (!advanced_) {
      // Before the first step the mass initially in place is that of the first flow field.
      balance.initial_stored = after;
      continue;
    }
    // Concentrations are kept: the water the saturated volume gains (a rising water table) comes
    // at the cell's concentration, the water it loses (a falling one, or a drying cell) leaves
    // with it, like the water released from or taken into elastic storage.
    (after > before[s] ? balance.inflow : balance.outflow) += std::abs(after - before[s]);
  }
}

TransportSolver::ImmobileTerms TransportSolver::immobile_terms(std::size_t s, long n,
                                                               double dt) const {
  const double porosity = materials_.immobile_porosity(n);
  ImmobileTerms terms;
  if (porosity <= 0.0) return terms;
  const double sorbed = sorption_ratio(s, n) * porosity / materials_.porosity(n);
  terms.capacity = porosity + sorbed;
  const auto& rates = rates_[s][static_cast<std::size_t>(n)];
  terms.decay = rates[0] * porosity + rates[1] * sorbed;
  terms.exchange = materials_.exchange_rate(n);
  terms.denominator = terms.capacity / dt + terms.exchange + terms.decay;
  return terms;
}

double TransportSolver::immobile_production(std::size_t s, long n) const {
  double production = 0.0;
  for (const auto& reaction : spec_.reactions)
    if (reaction.daughter == static_cast<int>(s)) {
      const auto parent = static_cast<std::size_t>(reaction.parent);
      production += reaction.yield * immobile_terms(parent, n, 1.0).decay *
                    immobile_[parent][static_cast<std::size_t>(n)];
    }
  return production;
}

double TransportSolver::isotherm(std::size_t s, double c, double& slope) const {
  const auto& species = spec_.species[s];
  if (species.isotherm == Isotherm::freundlich) {
    const double kf = species.freundlich_kf, exponent = species.freundlich_n;
    if (c < kLowConcentration) {
      slope = kf * std::pow(kLowConcentration, exponent - 1.0);
      return slope * c;
    }
    slope = kf * exponent * std::pow(c, exponent - 1.0);
    return kf * std::pow(c, exponent);
  }
  // Langmuir, continued linearly (with its slope at 0) below 0.
  const double smax = species.langmuir_smax, kl = species.langmuir_kl;
  if (c < 0.0) {
    slope = smax * kl;
    return slope * c;
  }
  const double denominator = 1.0 + kl * c;
  slope = smax * kl / (denominator * denominator);
  return smax * kl * c / denominator;
}

double TransportSolver::first_order_loss(std::size_t s, long n, double c) const {
  const double volume = cell_volume_[static_cast<std::size_t>(n)];
  double loss = first_order_[s][static_cast<std::size_t>(n)] * c;
  if (spec_.species[s].isotherm != Isotherm::linear) {
    const double sorbed_rate = rates_[s][static_cast<std::size_t>(n)][1];
    double slope = 0.0;
    if (sorbed_rate > 0.0)
      loss += sorbed_rate * materials_.bulk_density(n) * volume * isotherm(s, c, slope);
  }
  return loss;
}

double TransportSolver::zero_order_loss(std::size_t s, long n, double c) const {
  const double rate = rates_[s][static_cast<std::size_t>(n)][2];
  if (rate <= 0.0) return 0.0;
  return rate * materials_.porosity(n) * cell_volume_[static_cast<std::size_t>(n)] *
         std::min(1.0, c / kLowConcentration);
}

void TransportSolver::set_rates(const std::vector<int>& active_zones, double time) {
  active_zones_ = active_zones;
  const std::size_t cells = cell_volume_.size();
  rates_.resize(spec_.species.size());
  std::fill(product_zone_.begin(), product_zone_.end(), -1);
  for (std::size_t s = 0; s < spec_.species.size(); ++s) {
    rates_[s].resize(cells);
    for (std::size_t n = 0; n < cells; ++n)
      rates_[s][n] = spec_.decay_by_material[s][static_cast<std::size_t>(
          materials_.material_of(static_cast<long>(n)))];
  }
  if (active_zones.empty()) return;
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        const auto n = static_cast<std::size_t>(grid_.owned_index(i, j, k));
        for (const int z : active_zones) {
          const auto& zone = spec_.zones[static_cast<std::size_t>(z)];
          if (!zone.region.contains(grid_.cell_center(i, j, k))) continue;
          if (!zone.products.empty()) product_zone_[n] = z;
          for (std::size_t s = 0; s < spec_.species.size(); ++s) {
            auto& rates = rates_[s][n];
            if (zone.rate[s] >= 0.0) {
              // Ageing: the reactivity halves every half_life from the zone's start.
              rates[0] = rates[1] =
                  zone.rate[s] * std::exp2(-(time - zone_start_[static_cast<std::size_t>(z)]) /
                                           zone.reactivity_half_life);
            } else {
              rates[0] *= zone.factor[s];
              rates[1] *= zone.factor[s];
            }
          }
        }
      }
}

void TransportSolver::start_zone(std::size_t zone, double start, double end) {
  zone_start_.at(zone) = start;
  zone_end_.at(zone) = end;
}

void TransportSolver::start_oxidation(std::size_t oxidation, double start, double end) {
  oxidation_window_.at(oxidation) = {start, end};
}

void TransportSolver::update_zones(double time, double dt) {
  std::vector<int> active;
  for (std::size_t z = 0; z < spec_.zones.size(); ++z)
    if (zone_start_[z] <= time && time + dt <= zone_end_[z]) active.push_back(static_cast<int>(z));
  const bool ageing = std::any_of(active.begin(), active.end(), [&](int z) {
    return std::isfinite(spec_.zones[static_cast<std::size_t>(z)].reactivity_half_life);
  });
  if (active == active_zones_ && !ageing) return;
  set_rates(active, time + 0.5 * dt); // ageing: the rate at the middle of the step
  for (std::size_t s = 0; s < spec_.species.size(); ++s)
    for (std::size_t n = 0; n < cell_volume_.size(); ++n)
      first_order_[s][n] = decay_coefficient(s, static_cast<long>(n), cell_volume_[n]);
  std::fill(assembled_dt_.begin(), assembled_dt_.end(), -1.0); // the operators change
}

std::vector<double> TransportSolver::excavate(const Region& region) {
  const std::size_t count = spec_.species.size();
  std::vector<double> removed(count, 0.0);
  for (std::size_t s = 0; s < count; ++s) {
    DmdaArrayWrite<PetscScalar***> c(grid_.dm(), concentration_[s]);
    for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
      for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
        for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
          if (!region.contains(grid_.cell_center(i, j, k))) continue;
          const long n = grid_.owned_index(i, j, k);
          const auto cell = static_cast<std::size_t>(n);
          double& value = c.get()[k][j][i];
          double slope = 0.0;
          removed[s] += spec_.species[s].isotherm == Isotherm::linear
                            ? storage_[s][cell] * value
                            : (materials_.porosity(n) * value +
                               materials_.bulk_density(n) * isotherm(s, value, slope)) *
                                  cell_volume_[cell];
          value = 0.0;
          if (const auto im = immobile_terms(s, n, 1.0); im.capacity > 0.0) {
            removed[s] += im.capacity * cell_volume_[cell] * immobile_[s][cell];
            immobile_[s][cell] = 0.0;
          }
        }
  }
  for (std::size_t s = 0; s < count; ++s) {
    local_balance_[s].removed += removed[s];
    account(s, 0.0, 0.0); // the mass now in place
  }
  MPI_Allreduce(MPI_IN_PLACE, removed.data(), static_cast<int>(count), MPI_DOUBLE, MPI_SUM,
                grid_.comm());
  std::fill(older_dt_.begin(), older_dt_.end(), -1.0); // no extrapolation across the removal
  // NAPL: the share of each source's cells that lies in the region.
  for (std::size_t m = 0; m < spec_.sources.size(); ++m) {
    const auto& source = spec_.sources[m];
    if (source.type != TransportSource::Type::napl) continue;
    double cells[2] = {0.0, 0.0}; // in the source, in the source and the region
    for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
      for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
        for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
          const auto center = grid_.cell_center(i, j, k);
          if (!source.region.contains(center)) continue;
          const double volume = grid_.cell_volume(i, j, k);
          cells[0] += volume;
          if (region.contains(center)) cells[1] += volume;
        }
    MPI_Allreduce(MPI_IN_PLACE, cells, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
    if (cells[1] <= 0.0) continue;
    const double mass = napl_mass_[m] * cells[1] / cells[0];
    napl_mass_[m] -= mass;
    removed[static_cast<std::size_t>(source.species)] += mass;
  }
  return removed;
}

void TransportSolver::inject(std::size_t s, const Region& region, double mass) {
  double capacity = 0.0; // [m3] storage capacity of the region's cells
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i)
        if (region.contains(grid_.cell_center(i, j, k)))
          capacity += storage_[s][static_cast<std::size_t>(grid_.owned_index(i, j, k))];
  MPI_Allreduce(MPI_IN_PLACE, &capacity, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  const double increase = mass / capacity; // [g/m3 = mg/L]
  double added = 0.0;
  {
    DmdaArrayWrite<PetscScalar***> c(grid_.dm(), concentration_[s]);
    for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
      for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
        for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i)
          if (region.contains(grid_.cell_center(i, j, k))) {
            c.get()[k][j][i] += increase;
            added += increase * storage_[s][static_cast<std::size_t>(grid_.owned_index(i, j, k))];
          }
  }
  local_balance_[s].sources += added;
  account(s, 0.0, 0.0);                                // the mass now in place
  std::fill(older_dt_.begin(), older_dt_.end(), -1.0); // no extrapolation across the injection
}

void TransportSolver::oxidize(double time, double dt) {
  const std::size_t count = spec_.species.size();
  bool any = false;
  for (const auto& oxidation : spec_.oxidations) {
    const auto& [start, end] =
        oxidation_window_[static_cast<std::size_t>(&oxidation - &spec_.oxidations[0])];
    if (!(start <= time && time + dt <= end)) continue;
    any = true;
    const auto oxidant = static_cast<std::size_t>(oxidation.oxidant);
    std::vector<PetscScalar*> c(count, nullptr);
    for (std::size_t s = 0; s < count; ++s)
      TF_PETSC_CHECK(VecGetArray(concentration_[s], &c[s]));
    std::vector<double> reacted(count, 0.0); // [g] this rank
    std::vector<double> y(count + 1), k1(count + 1), k2(count + 1), k3(count + 1), k4(count + 1),
        w(count + 1);
    for (std::size_t n = 0; n < cell_volume_.size(); ++n) {
      if (!(c[oxidant][n] > 0.0) || cell_volume_[n] == 0.0) continue; // none in dry cells
      // Per unit pore volume [mg/L]: y = contaminants, oxidant, and (last) the oxidant taken by
      // the natural demand. Each species' change is divided by its retardation (storage over
      // pore volume), as the reaction acts on the dissolved phase with sorption at equilibrium.
      const double pore = materials_.porosity(static_cast<long>(n)) * cell_volume_[n];
      for (std::size_t s = 0; s < count; ++s)
        y[s] = c[s][n];
      y[count] = 0.0;
      auto rates = [&](const std::vector<double>& v, std::vector<double>& out) {
        const double o = std::max(v[oxidant], 0.0);
        double demand = 0.0;
        for (std::size_t s = 0; s < count; ++s) {
          out[s] = 0.0;
          if (oxidation.rate_constant[s] <= 0.0) continue;
          const double r = oxidation.rate_constant[s] * std::max(v[s], 0.0) * o;
          out[s] = -r * pore / storage_[s][n];
          demand += oxidation.demand[s] * r;
        }
        const double natural = oxidation.natural_demand * o;
        out[oxidant] = -(demand + natural) * pore / storage_[oxidant][n];
        out[count] = natural * pore / storage_[oxidant][n];
      };
      // Sub-steps short against the fastest rate.
      rates(y, k1);
      double fastest = oxidation.natural_demand;
      for (std::size_t s = 0; s < count; ++s)
        if (y[s] > 0.0) fastest = std::max(fastest, std::abs(k1[s]) / y[s]);
      const int substeps = std::max(1, static_cast<int>(std::ceil(fastest * dt / 0.05)));
      const double h = dt / substeps;
      for (int step = 0; step < substeps; ++step) {
        rates(y, k1);
        for (std::size_t m = 0; m <= count; ++m)
          w[m] = y[m] + 0.5 * h * k1[m];
        rates(w, k2);
        for (std::size_t m = 0; m <= count; ++m)
          w[m] = y[m] + 0.5 * h * k2[m];
        rates(w, k3);
        for (std::size_t m = 0; m <= count; ++m)
          w[m] = y[m] + h * k3[m];
        rates(w, k4);
        for (std::size_t m = 0; m <= count; ++m)
          y[m] += h / 6.0 * (k1[m] + 2.0 * k2[m] + 2.0 * k3[m] + k4[m]);
      }
      for (std::size_t s = 0; s < count; ++s) {
        reacted[s] += (c[s][n] - y[s]) * storage_[s][n];
        c[s][n] = y[s];
      }
    }
    for (std::size_t s = 0; s < count; ++s)
      TF_PETSC_CHECK(VecRestoreArray(concentration_[s], &c[s]));
    const auto o = static_cast<std::size_t>(&oxidation - &spec_.oxidations[0]);
    for (std::size_t s = 0; s < count; ++s) {
      local_balance_[s].decayed += reacted[s];
      oxidized_[o][s] += reacted[s];
    }
  }
  if (!any) return;
  for (std::size_t s = 0; s < count; ++s)
    account(s, 0.0, 0.0); // the masses now in place
}

double TransportSolver::remove_napl_fraction(std::size_t n, double fraction) {
  const double mass = napl_mass_[n] * fraction;
  napl_mass_[n] -= mass;
  return mass;
}

double TransportSolver::oxidized(std::size_t oxidation, std::size_t s) const {
  double mass = oxidized_[oxidation][s];
  MPI_Allreduce(MPI_IN_PLACE, &mass, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return mass;
}

double TransportSolver::zone_decayed(std::size_t zone, std::size_t s) const {
  double mass = zone_decayed_[zone][s];
  MPI_Allreduce(MPI_IN_PLACE, &mass, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return mass;
}

double TransportSolver::well_injection(std::size_t well, std::size_t s) const {
  double mass = injected_[s][well];
  MPI_Allreduce(MPI_IN_PLACE, &mass, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return mass;
}

void TransportSolver::set_well_concentration(std::size_t well, std::size_t s, double value) {
  well_concentration_[s][well] = value;
}

double TransportSolver::well_extraction(std::size_t well, std::size_t s) const {
  double mass = extracted_[s][well];
  MPI_Allreduce(MPI_IN_PLACE, &mass, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return mass;
}

double TransportSolver::decay_coefficient(std::size_t s, long n, double volume) const {
  const auto& rates = rates_[s][static_cast<std::size_t>(n)];
  return (rates[0] * materials_.porosity(n) + rates[1] * sorption_ratio(s, n)) * volume;
}

void TransportSolver::set_flow(const FlowSolver& flow, double period_begin, double period_end) {
  period_begin_ = period_begin;
  period_end_ = period_end;
  external_ = flow.external_flows(period_begin, period_end);
  storage_release_ = flow.storage_release();
  storage_released_ = std::any_of(storage_release_.begin(), storage_release_.end(),
                                  [](double rate) { return rate != 0.0; });
  // Water-table cells hold solute in their saturated part only (dry and inactive cells none);
  // confined models keep fractions of exactly 1 and their storage untouched.
  if (auto fraction = flow.saturated_fraction(); fraction != saturated_fraction_)
    change_saturated_volume(std::move(fraction));
  const auto faces = flow.face_flows();
  {
    VecHandle global;
    TF_PETSC_CHECK(DMCreateGlobalVector(face_dm_, global.out()));
    PetscScalar* values = nullptr;
    TF_PETSC_CHECK(VecGetArray(global, &values));
    std::copy(faces.begin(), faces.end(), values);
    TF_PETSC_CHECK(VecRestoreArray(global, &values));
    TF_PETSC_CHECK(DMGlobalToLocal(face_dm_, global, INSERT_VALUES, face_flows_local_));
  }
  compute_dispersion(flow.cell_darcy_flux());
  // Face flows below 1e-8 of the largest get the upwind term only, no TVD correction. They are
  // round-off of the flow solution (converged to 1e-12, it leaves flows of about 2e-9 of the
  // largest across a uniform gradient, on axes without flow) or physically negligible, and an
  // axis with only such faces is skipped: on the plume benchmark that saves two thirds of the
  // TVD work.
  double largest = 0.0;
  for (const double face_flow : faces)
    largest = std::max(largest, std::abs(face_flow));
  MPI_Allreduce(MPI_IN_PLACE, &largest, 1, MPI_DOUBLE, MPI_MAX, grid_.comm());
  tvd_flow_floor_ = 1.0e-8 * largest;
  for (int axis = 0; axis < 3; ++axis) {
    int flowing = 0;
    for (std::size_t n = 0; n < faces.size() / 3; ++n)
      if (std::abs(faces[3 * n + static_cast<std::size_t>(axis)]) > tvd_flow_floor_) flowing = 1;
    MPI_Allreduce(MPI_IN_PLACE, &flowing, 1, MPI_INT, MPI_MAX, grid_.comm());
    axis_has_flow_[axis] = flowing != 0;
  }
  const bool cross = allow_cross_terms_ && cross_terms_present_;
  if (cross != cross_terms_) {
    // The operators change stencil (7 <-> 19 points): made anew from the matching DM.
    cross_terms_ = cross;
    if (cross_terms_ && !box_dm_) box_dm_ = grid_.create_compatible_dm(1, DMDA_STENCIL_BOX, 1);
    for (auto* matrices : {&base_operator_, &full_operator_, &operator_})
      for (auto& matrix : *matrices)
        matrix = MatHandle();
  }
  std::fill(assembled_dt_.begin(), assembled_dt_.end(), -1.0);
  std::fill(older_dt_.begin(), older_dt_.end(), -1.0);
}

void TransportSolver::compute_dispersion(const std::vector<double>& darcy_flux) {
  VecHandle global;
  TF_PETSC_CHECK(DMCreateGlobalVector(dispersion_dm_, global.out()));
  PetscScalar* values = nullptr;
  TF_PETSC_CHECK(VecGetArray(global, &values));
  int oblique = 0;
  for (long n = 0; n < grid_.owned_cells(); ++n) {
    // theta D_ij from the Darcy flux q = theta v: theta a v_i v_j / |v| = a q_i q_j / |q|
    // (Burnett and Frind's form with a vertical transverse dispersivity, as MT3DMS).
    const double* q = &darcy_flux[static_cast<std::size_t>(3 * n)];
    const double magnitude = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
    const auto& a = materials_.dispersivity(n); // longitudinal, transverse horizontal, vertical
    double* d = &values[7 * n];
    std::fill(d, d + 7, 0.0);
    // A pinched cell (no saturated volume, see saturated_fraction) disperses nothing.
    if (saturated_fraction_[static_cast<std::size_t>(n)] == 0.0) continue;
    if (magnitude > 0.0) {
      const double qx2 = q[0] * q[0] / magnitude, qy2 = q[1] * q[1] / magnitude,
                   qz2 = q[2] * q[2] / magnitude;
      d[0] = a[0] * qx2 + a[1] * qy2 + a[2] * qz2;
      d[1] = a[1] * qx2 + a[0] * qy2 + a[2] * qz2;
      d[2] = a[2] * qx2 + a[2] * qy2 + a[0] * qz2;
      d[4] = (a[0] - a[1]) * q[0] * q[1] / magnitude; // xy
      d[5] = (a[0] - a[2]) * q[0] * q[2] / magnitude; // xz
      d[6] = (a[0] - a[2]) * q[1] * q[2] / magnitude; // yz
      // Cross terms below 1e-6 of the principal ones (the flow solver's round-off of grid-aligned
      // flow, a flow direction within 1e-6 rad of an axis) are 0.
      const double scale = 1.0e-6 * (d[0] + d[1] + d[2]);
      for (int c = 4; c < 7; ++c)
        if (std::abs(d[c]) <= scale)
          d[c] = 0.0;
        else
          oblique = 1;
    }
    // theta * tortuosity (tortuosity = theta^(1/3)) over the saturated part of the faces (the
    // mechanical terms above already are: the Darcy flux is per whole face area).
    const double porosity = materials_.porosity(n);
    d[3] = porosity * std::cbrt(porosity) * saturated_fraction_[static_cast<std::size_t>(n)];
  }
  TF_PETSC_CHECK(VecRestoreArray(global, &values));
  TF_PETSC_CHECK(DMGlobalToLocal(dispersion_dm_, global, INSERT_VALUES, dispersion_local_));
  MPI_Allreduce(MPI_IN_PLACE, &oblique, 1, MPI_INT, MPI_MAX, grid_.comm());
  cross_terms_present_ = oblique != 0;
}

int TransportSolver::cross_flux_stencil(PetscScalar**** dispersion, int axis, int i, int j, int k,
                                        MatStencil* cells, double* coefficients) const {
  const int lower[3] = {i, j, k};
  const int upper[3] = {i + kOffset[axis][0], j + kOffset[axis][1], k + kOffset[axis][2]};
  // No dispersion through a face of a cell without water (pinched, dry: theta tortuosity 0).
  if (dispersion[lower[2]][lower[1]][lower[0]][3] == 0.0 ||
      dispersion[upper[2]][upper[1]][upper[0]][3] == 0.0)
    return 0;
  const double area = grid_.interface_area(axis, i, j, k);
  int count = 0;
  for (int transverse = 0; transverse < 3; ++transverse) {
    const int size = grid_.cells(transverse);
    if (transverse == axis || size == 1) continue;
    // Index of theta D_{axis, transverse} among the 7 dispersion values.
    const int component = axis + transverse == 1 ? 4 : axis + transverse == 2 ? 5 : 6;
    const double face_coefficient = 0.5 * (dispersion[lower[2]][lower[1]][lower[0]][component] +
                                           dispersion[upper[2]][upper[1]][upper[0]][component]);
    if (face_coefficient == 0.0) continue;
    const auto& centers = grid_.centers(transverse);
    for (const int* cell : {lower, upper}) {
      // The transverse gradient in each of the two cells: central, one-sided at the boundary.
      const int low = std::max(cell[transverse] - 1, 0);
      const int high = std::min(cell[transverse] + 1, size - 1);
      // Vertically with layer surfaces: the distance between the cell's own column's centres.
      const double span =
          transverse == 2 && grid_.has_surfaces()
              ? grid_.center_z(cell[0], cell[1], high) - grid_.center_z(cell[0], cell[1], low)
              : centers[high] - centers[low];
      const double weight = -area * face_coefficient * 0.5 / span;
      for (const auto& [index, sign] : {std::pair{high, 1.0}, std::pair{low, -1.0}}) {
        int at[3] = {cell[0], cell[1], cell[2]};
        at[transverse] = index;
        cells[count] = MatStencil{at[2], at[1], at[0], 0};
        coefficients[count] = sign * weight;
        ++count;
      }
    }
  }
  return count;
}

void TransportSolver::assemble(std::size_t s, double time, double dt) {
  const bool nonlinear = spec_.species[s].nonlinear();
  // Linear species: the operator is assembled in place and its held rows are kept aside (for
  // the mass the held cells take) before they become identity rows.
  const bool stencil = matrix_free_ && !nonlinear && !cross_terms_;
  MatHandle& full = nonlinear ? base_operator_[s] : operator_[s];
  if (stencil) {
    operator_[s] = MatHandle();
    if (!stencil_[s]) stencil_[s] = std::make_unique<StencilOperator>(grid_);
    stencil_[s]->zero();
  } else {
    stencil_[s].reset();
    if (!full) {
      TF_PETSC_CHECK(DMCreateMatrix(cross_terms_ ? box_dm_.get() : grid_.dm(), full.out()));
      TF_PETSC_CHECK(MatSetOption(full, MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE));
    }
    TF_PETSC_CHECK(MatZeroEntries(full));
  }
  // Stencil operator: the row's coefficients go to the arrays of their stencil points.
  auto add_row = [&](long n, const MatStencil& row, int count, const MatStencil* columns,
                     const PetscScalar* values) {
    if (!stencil) {
      TF_PETSC_CHECK(MatSetValuesStencil(full, 1, &row, count, columns, values, ADD_VALUES));
      return;
    }
    for (int m = 0; m < count; ++m) {
      const int di = columns[m].i - row.i, dj = columns[m].j - row.j, dk = columns[m].k - row.k;
      const auto point = di < 0   ? StencilOperator::west
                         : di > 0 ? StencilOperator::east
                         : dj < 0 ? StencilOperator::south
                         : dj > 0 ? StencilOperator::north
                         : dk < 0 ? StencilOperator::down
                         : dk > 0 ? StencilOperator::up
                                  : StencilOperator::center;
      stencil_[s]->coefficients(point)[static_cast<std::size_t>(n)] += values[m];
    }
  };
  PetscScalar**** faces = nullptr;
  PetscScalar**** dispersion = nullptr;
  TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(face_dm_, face_flows_local_, &faces));
  TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(dispersion_dm_, dispersion_local_, &dispersion));
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        const long n = grid_.owned_index(i, j, k);
        const double volume = cell_volume_[static_cast<std::size_t>(n)];
        // Water released from elastic storage brings the cell's own concentration (and water
        // taken into storage removes it).
        double diagonal = storage_[s][static_cast<std::size_t>(n)] / dt +
                          first_order_[s][static_cast<std::size_t>(n)] -
                          storage_release_[static_cast<std::size_t>(n)];
        // Exchange with the immobile domain, whose new value is eliminated cell by cell.
        if (const auto im = immobile_terms(s, n, dt); im.exchange > 0.0)
          diagonal += im.exchange * volume * (1.0 - im.exchange / im.denominator);
        MatStencil row{k, j, i, 0};
        MatStencil columns[7 + 6 * 8];
        PetscScalar values[7 + 6 * 8];
        int count = 1;
        const int index[3] = {i, j, k};
        for (int axis = 0; axis < 3; ++axis)
          for (int side = -1; side <= 1; side += 2) {
            const int neighbour = index[axis] + side;
            if (neighbour < 0 || neighbour >= grid_.cells(axis)) continue;
            const int ni = i + side * kOffset[axis][0], nj = j + side * kOffset[axis][1],
                      nk = k + side * kOffset[axis][2];
            // Flow out of this cell through the face [m3/d].
            const double outflow = side > 0 ? faces[k][j][i][axis] : -faces[nk][nj][ni][axis];
            const double conductance =
                side > 0 ? dispersion_conductance(dispersion, s, i, j, k, axis)
                         : dispersion_conductance(dispersion, s, ni, nj, nk, axis);
            double off_diagonal = -conductance;
            diagonal += conductance;
            if (outflow > 0.0)
              diagonal += outflow;
            else
              off_diagonal += outflow; // inflow carries the neighbour's concentration
            columns[count] = MatStencil{nk, nj, ni, 0};
            values[count] = off_diagonal;
            ++count;
            if (cross_terms_) {
              // Cross-dispersion flux through the face, in the +axis direction from its lower
              // cell: out of this cell through the +axis face, into it through the -axis one.
              const int added = side > 0 ? cross_flux_stencil(dispersion, axis, i, j, k,
                                                              &columns[count], &values[count])
                                         : cross_flux_stencil(dispersion, axis, ni, nj, nk,
                                                              &columns[count], &values[count]);
              if (side < 0)
                for (int m = count; m < count + added; ++m)
                  values[m] = -values[m];
              count += added;
            }
          }
        // A dry or inactive cell with no flow through it holds no solute: c = 0 (identity row).
        if (diagonal == 0.0) diagonal = 1.0;
        columns[0] = row;
        values[0] = diagonal;
        add_row(n, row, count, columns, values);
      }
  TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(face_dm_, face_flows_local_, &faces));
  TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(dispersion_dm_, dispersion_local_, &dispersion));
  // Outflow across the domain boundary and into extraction wells leaves at the cell's value.
  for (const auto& flow : external_) {
    if (flow.inflow >= 0.0) continue;
    MatStencil row{flow.k, flow.j, flow.i, 0};
    PetscScalar value = -flow.inflow;
    add_row(grid_.owned_index(flow.i, flow.j, flow.k), row, 1, &row, &value);
  }
  if (!stencil) {
    TF_PETSC_CHECK(MatAssemblyBegin(full, MAT_FINAL_ASSEMBLY));
    TF_PETSC_CHECK(MatAssemblyEnd(full, MAT_FINAL_ASSEMBLY));
  }

  // Fixed-concentration cells: identity rows in the operator that is solved.
  std::vector<int> active;
  for (std::size_t n = 0; n < spec_.sources.size(); ++n) {
    const auto& source = spec_.sources[n];
    if (source.species == static_cast<int>(s) && holds_cells(n, time, dt))
      active.push_back(static_cast<int>(n));
  }
  auto& rows = fixed_rows_[s];
  auto& row_sources = fixed_sources_[s];
  rows.clear();
  row_sources.clear();
  PetscInt first_row = 0;
  TF_PETSC_CHECK(VecGetOwnershipRange(rhs_, &first_row, nullptr));
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        const auto center = grid_.cell_center(i, j, k);
        for (const int n : active)
          if (spec_.sources[n].region.contains(center)) {
            rows.push_back(first_row + static_cast<PetscInt>(grid_.owned_index(i, j, k)));
            row_sources.push_back(n);
            break;
          }
      }
  if (nonlinear) {
    // The linearization is added in every iteration (linearize()), to copies that keep the
    // nonzero pattern of the base operator.
    if (!full_operator_[s]) {
      TF_PETSC_CHECK(MatDuplicate(full, MAT_COPY_VALUES, full_operator_[s].out()));
      TF_PETSC_CHECK(MatDuplicate(full, MAT_COPY_VALUES, operator_[s].out()));
      TF_PETSC_CHECK(MatSetOption(operator_[s], MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE));
    }
  } else if (stencil) {
    // The held rows' entries, as (index in the width-2 ghosted vector, coefficient).
    PetscInt wide_begin[3], wide_size[3];
    TF_PETSC_CHECK(DMDAGetGhostCorners(wide_dm_, &wide_begin[0], &wide_begin[1], &wide_begin[2],
                                       &wide_size[0], &wide_size[1], &wide_size[2]));
    const long wide_stride[3] = {1, wide_size[0], static_cast<long>(wide_size[0]) * wide_size[1]};
    constexpr StencilOperator::Point kNeighbours[3][2] = {
        {StencilOperator::west, StencilOperator::east},
        {StencilOperator::south, StencilOperator::north},
        {StencilOperator::down, StencilOperator::up}};
    auto& held = held_rows_[s];
    held.assign(rows.size(), {});
    std::vector<long> owned_rows(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const long n = rows[r] - first_row;
      owned_rows[r] = n;
      const int nx = grid_.owned_count(0), ny = grid_.owned_count(1);
      const int index[3] = {grid_.owned_begin(0) + static_cast<int>(n % nx),
                            grid_.owned_begin(1) + static_cast<int>(n / nx % ny),
                            grid_.owned_begin(2) + static_cast<int>(n / nx / ny)};
      const long wide = (index[2] - wide_begin[2]) * wide_stride[2] +
                        (index[1] - wide_begin[1]) * wide_stride[1] + (index[0] - wide_begin[0]);
      const auto& op = *stencil_[s];
      held[r].push_back({static_cast<PetscInt>(wide),
                         op.coefficients(StencilOperator::center)[static_cast<std::size_t>(n)]});
      for (int axis = 0; axis < 3; ++axis)
        for (int side = 0; side < 2; ++side) {
          const double value =
              op.coefficients(kNeighbours[axis][side])[static_cast<std::size_t>(n)];
          if (value != 0.0)
            held[r].push_back(
                {static_cast<PetscInt>(wide + (side == 0 ? -1 : 1) * wide_stride[axis]), value});
        }
    }
    stencil_[s]->set_identity_rows(owned_rows);
    stencil_[s]->factor(dilu_relaxation_);
  } else {
    ISLocalToGlobalMapping mapping = nullptr;
    TF_PETSC_CHECK(DMGetLocalToGlobalMapping(wide_dm_, &mapping));
    auto& held = held_rows_[s];
    held.assign(rows.size(), {});
    for (std::size_t r = 0; r < rows.size(); ++r) {
      PetscInt count = 0;
      const PetscInt* columns = nullptr;
      const PetscScalar* values = nullptr;
      TF_PETSC_CHECK(MatGetRow(operator_[s], rows[r], &count, &columns, &values));
      std::vector<PetscInt> local(static_cast<std::size_t>(count));
      PetscInt found = 0;
      TF_PETSC_CHECK(ISGlobalToLocalMappingApply(mapping, IS_GTOLM_MASK, count, columns, &found,
                                                 local.data()));
      for (PetscInt c = 0; c < count; ++c)
        held[r].push_back({local[static_cast<std::size_t>(c)], values[c]});
      TF_PETSC_CHECK(MatRestoreRow(operator_[s], rows[r], &count, &columns, &values));
    }
    TF_PETSC_CHECK(MatZeroRows(operator_[s], static_cast<PetscInt>(rows.size()), rows.data(), 1.0,
                               nullptr, nullptr));
  }
  assembled_dt_[s] = dt;
  assembled_fixed_[s] = active;
}

void TransportSolver::build_rhs_base(std::size_t s, double time, double dt) {
  const auto owned = static_cast<std::size_t>(grid_.owned_cells());
  {
    PetscScalar* b = nullptr;
    const PetscScalar* old = nullptr;
    TF_PETSC_CHECK(VecGetArray(rhs_base_, &b));
    TF_PETSC_CHECK(VecGetArrayRead(previous_[s], &old));
    const auto& storage = storage_[s];
    for (std::size_t n = 0; n < owned; ++n)
      b[n] = storage[n] / dt * old[n];
    if (has_immobile_)
      for (std::size_t n = 0; n < owned; ++n)
        if (const auto im = immobile_terms(s, static_cast<long>(n), dt); im.exchange > 0.0)
          b[n] +=
              im.exchange * cell_volume_[n] *
              (im.capacity / dt * immobile_[s][n] + immobile_production(s, static_cast<long>(n))) /
              im.denominator;
    // Production by parents (already advanced to the new time).
    double produced = 0.0;
    const auto is_daughter = [&](const auto& reaction) {
      return reaction.daughter == static_cast<int>(s);
    };
    if (std::any_of(spec_.reactions.begin(), spec_.reactions.end(), is_daughter) ||
        std::any_of(active_zones_.begin(), active_zones_.end(), [&](int z) {
          const auto& products = spec_.zones[static_cast<std::size_t>(z)].products;
          return std::any_of(products.begin(), products.end(), is_daughter);
        })) {
      const auto& production = mobile_production(s);
      for (std::size_t n = 0; n < owned; ++n) {
        b[n] += production[n];
        produced += production[n];
      }
    }
    production_rate_[s] = produced;
    if (!loading_rates_.empty())
      for (std::size_t n = 0; n < loading_cells_.size(); ++n)
        b[loading_cells_[n]] += loading_rates_[s][n];
    TF_PETSC_CHECK(VecRestoreArrayRead(previous_[s], &old));
    TF_PETSC_CHECK(VecRestoreArray(rhs_base_, &b));
  }
  DmdaArrayWrite<PetscScalar***> rhs(grid_.dm(), rhs_base_);
  auto* b = rhs.get();
  // Inflow across the boundary or from injection wells, at its concentration.
  for (const auto& flow : external_) {
    if (flow.inflow <= 0.0) continue;
    b[flow.k][flow.j][flow.i] += flow.inflow * inflow_concentration(s, flow, time, dt);
  }
  for (const auto& source : spec_.sources) {
    if (source.type != TransportSource::Type::mass_rate || source.species != static_cast<int>(s) ||
        !source.active_during(time, time + dt))
      continue;
    const int i = *grid_.locate(0, source.position[0]);
    const int j = *grid_.locate(1, source.position[1]);
    const int k = *grid_.locate_layer(i, j, source.position[2]);
    if (grid_.owns(i, j, k)) b[k][j][i] += source.value;
  }
}

void TransportSolver::linearize(std::size_t s, double dt) {
  const auto owned = static_cast<std::size_t>(grid_.owned_cells());
  const bool sorbs = spec_.species[s].isotherm != Isotherm::linear;
  const PetscScalar *c = nullptr, *old = nullptr;
  PetscScalar *diagonal = nullptr, *b = nullptr;
  TF_PETSC_CHECK(VecGetArrayRead(concentration_[s], &c));
  TF_PETSC_CHECK(VecGetArrayRead(previous_[s], &old));
  TF_PETSC_CHECK(VecGetArray(diagonal_, &diagonal));
  TF_PETSC_CHECK(VecGetArray(rhs_full_, &b));
  for (std::size_t n = 0; n < owned; ++n) {
    const auto cell = static_cast<long>(n);
    const auto& rates = rates_[s][n];
    double coefficient = 0.0, right = 0.0;
    if (sorbs) {
      // Sorbed storage and decay, S(C) ~ S(C_k) + S'(C_k) (C - C_k) [g].
      const double bulk = materials_.bulk_density(cell) * cell_volume_[n];
      double slope = 0.0, old_slope = 0.0;
      const double sorbed = isotherm(s, c[n], slope);
      const double old_sorbed = isotherm(s, old[n], old_slope);
      coefficient += bulk * slope * (1.0 / dt + rates[1]);
      right += bulk / dt * (old_sorbed - sorbed + slope * c[n]) +
               rates[1] * bulk * (slope * c[n] - sorbed);
    }
    if (rates[2] > 0.0) {
      const double loss = rates[2] * materials_.porosity(cell) * cell_volume_[n];
      if (c[n] >= kLowConcentration)
        right -= loss;
      else
        coefficient += loss / kLowConcentration;
    }
    diagonal[n] = coefficient;
    b[n] += right;
  }
  TF_PETSC_CHECK(VecRestoreArray(rhs_full_, &b));
  TF_PETSC_CHECK(VecRestoreArray(diagonal_, &diagonal));
  TF_PETSC_CHECK(VecRestoreArrayRead(previous_[s], &old));
  TF_PETSC_CHECK(VecRestoreArrayRead(concentration_[s], &c));
  TF_PETSC_CHECK(MatCopy(base_operator_[s], full_operator_[s], SAME_NONZERO_PATTERN));
  TF_PETSC_CHECK(MatDiagonalSet(full_operator_[s], diagonal_, ADD_VALUES));
  TF_PETSC_CHECK(MatCopy(full_operator_[s], operator_[s], SAME_NONZERO_PATTERN));
  const auto& rows = fixed_rows_[s];
  TF_PETSC_CHECK(MatZeroRows(operator_[s], static_cast<PetscInt>(rows.size()), rows.data(), 1.0,
                             nullptr, nullptr));
}

double TransportSolver::tvd_face_transfer(const PetscScalar* const* const* c, double flow, int i,
                                          int j, int k, int axis) const {
  const auto& face = tvd_face(axis, i, j, k);
  const int di = kOffset[axis][0], dj = kOffset[axis][1], dk = kOffset[axis][2];
  if (std::abs(flow) <= tvd_flow_floor_) return 0.0; // as compute_tvd_correction
  if (flow > 0.0 && face.ratio_forward > 0.0)
    return tvd_transfer(flow, c[k - dk][j - dj][i - di], c[k][j][i], c[k + dk][j + dj][i + di],
                        face.ratio_forward, face.factor_forward);
  if (flow < 0.0 && face.ratio_backward > 0.0)
    return tvd_transfer(flow, c[k + 2 * dk][j + 2 * dj][i + 2 * di], c[k + dk][j + dj][i + di],
                        c[k][j][i], face.ratio_backward, face.factor_backward);
  return 0.0; // no flow, or the upstream cell lies on the boundary
}

double TransportSolver::dispersion_conductance(PetscScalar**** dispersion, std::size_t s, int i,
                                               int j, int k, int axis) const {
  const int index[3] = {i, j, k};
  const int ni = i + kOffset[axis][0], nj = j + kOffset[axis][1], nk = k + kOffset[axis][2];
  const double diffusion = spec_.species[s].diffusion;
  if (!grid_.has_surfaces())
    return face_conductance(grid_.face_area(axis, i, j, k), 0.5 * grid_.width(axis, index[axis]),
                            dispersion[k][j][i][axis] + diffusion * dispersion[k][j][i][3],
                            0.5 * grid_.width(axis, index[axis] + 1),
                            dispersion[nk][nj][ni][axis] + diffusion * dispersion[nk][nj][ni][3]);
  // Layer surfaces: the face between the two cells (interface_area) and their own half widths,
  // scaled to the centre distance (at least kPinchThickness vertically).
  const double half_a = 0.5 * grid_.cell_width(axis, i, j, k);
  const double half_b = 0.5 * grid_.cell_width(axis, ni, nj, nk);
  if (!(half_a + half_b > 0.0)) return 0.0; // two flat pinched cells: neither disperses
  const double scale = grid_.center_distance(axis, i, j, k) / (half_a + half_b);
  return face_conductance(grid_.interface_area(axis, i, j, k), half_a * scale,
                          dispersion[k][j][i][axis] + diffusion * dispersion[k][j][i][3],
                          half_b * scale,
                          dispersion[nk][nj][ni][axis] + diffusion * dispersion[nk][nj][ni][3]);
}

Vec TransportSolver::update_wide(std::size_t s) {
  // On one rank the width-2 ghosted layout is the global one (no ghosts outside the domain).
  if (single_rank_) return concentration_[s];
  // The species' global vector has the layout of wide_dm_'s (the grid's distribution).
  TF_PETSC_CHECK(DMGlobalToLocal(wide_dm_, concentration_[s], INSERT_VALUES, wide_local_));
  return wide_local_;
}

void TransportSolver::compute_tvd_correction(std::size_t s) {
  const Vec wide = update_wide(s);
  TF_PETSC_CHECK(VecSet(tvd_rhs_, 0.0));
  // Flat arrays: the width-2 ghosted concentrations, the width-1 ghosted face flows (3 per
  // cell) and the owned right-hand side, with their strides along each axis.
  const PetscScalar *c = nullptr, *flows = nullptr;
  PetscScalar* b = nullptr;
  TF_PETSC_CHECK(VecGetArrayRead(wide, &c));
  TF_PETSC_CHECK(VecGetArrayRead(face_flows_local_, &flows));
  TF_PETSC_CHECK(VecGetArray(tvd_rhs_, &b));
  PetscInt wide_begin[3], wide_size[3], face_begin[3], face_size[3];
  TF_PETSC_CHECK(DMDAGetGhostCorners(wide_dm_, &wide_begin[0], &wide_begin[1], &wide_begin[2],
                                     &wide_size[0], &wide_size[1], &wide_size[2]));
  TF_PETSC_CHECK(DMDAGetGhostCorners(face_dm_, &face_begin[0], &face_begin[1], &face_begin[2],
                                     &face_size[0], &face_size[1], &face_size[2]));
  int begin[3], end[3];
  for (int d = 0; d < 3; ++d) {
    begin[d] = grid_.owned_begin(d);
    end[d] = grid_.owned_end(d);
  }
  const long wide_stride[3] = {1, wide_size[0], static_cast<long>(wide_size[0]) * wide_size[1]};
  const long face_stride[3] = {1, face_size[0], static_cast<long>(face_size[0]) * face_size[1]};
  const long owned_stride[3] = {1, end[0] - begin[0],
                                static_cast<long>(end[0] - begin[0]) * (end[1] - begin[1])};
  // Each face once: the +axis face of every owned cell (added to the neighbour when it is owned
  // too), and the -axis face of the first owned cell of a row that has a lower neighbour on
  // another rank (which evaluates it from the same ghosted values, so the transfers cancel).
  for (int axis = 0; axis < 3; ++axis) {
    if (!axis_has_flow_[axis]) continue;
    const auto& geometry = tvd_faces_[axis];
    // Layer surfaces, vertically: the faces of each column's own cells.
    const TvdFace* column_faces =
        axis == 2 && !tvd_column_faces_.empty() ? tvd_column_faces_.data() : nullptr;
    const long ws = wide_stride[axis], fs = face_stride[axis], bs = owned_stride[axis];
    const int cells = grid_.cells(axis);
    // [g/d] transfer through the +axis face of the cell at wide index w, face index f, in the
    // owned column `column` (x fastest).
    auto transfer = [&](double flow, long w, int f, long column) {
      const auto& face = column_faces
                             ? column_faces[static_cast<std::size_t>(column * (cells - 1) + f)]
                             : geometry[static_cast<std::size_t>(f)];
      if (flow > 0.0)
        return face.ratio_forward > 0.0 ? tvd_transfer(flow, c[w - ws], c[w], c[w + ws],
                                                       face.ratio_forward, face.factor_forward)
                                        : 0.0;
      if (flow < 0.0)
        return face.ratio_backward > 0.0 ? tvd_transfer(flow, c[w + 2 * ws], c[w + ws], c[w],
                                                        face.ratio_backward, face.factor_backward)
                                         : 0.0;
      return 0.0;
    };
    for (int k = begin[2]; k < end[2]; ++k)
      for (int j = begin[1]; j < end[1]; ++j) {
        long w = (static_cast<long>(k - wide_begin[2]) * wide_size[1] + (j - wide_begin[1])) *
                     wide_size[0] +
                 (begin[0] - wide_begin[0]);
        long f = (static_cast<long>(k - face_begin[2]) * face_size[1] + (j - face_begin[1])) *
                     face_size[0] +
                 (begin[0] - face_begin[0]);
        long n = (static_cast<long>(k - begin[2]) * (end[1] - begin[1]) + (j - begin[1])) *
                 (end[0] - begin[0]);
        for (int i = begin[0]; i < end[0]; ++i, ++w, ++f, ++n) {
          const int position = axis == 0 ? i : axis == 1 ? j : k;
          if (position + 1 < cells) {
            const double flow = flows[3 * f + axis];
            if (std::abs(flow) > tvd_flow_floor_) {
              const double t = transfer(flow, w, position, column_faces ? n % owned_stride[2] : 0);
              b[n] -= t;
              if (position + 1 < end[axis]) b[n + bs] += t;
            }
          }
          if (position == begin[axis] && position > 0) {
            const double flow = flows[3 * (f - fs) + axis];
            if (std::abs(flow) > tvd_flow_floor_)
              b[n] += transfer(flow, w - ws, position - 1, column_faces ? n % owned_stride[2] : 0);
          }
        }
      }
  }
  TF_PETSC_CHECK(VecRestoreArray(tvd_rhs_, &b));
  TF_PETSC_CHECK(VecRestoreArrayRead(face_flows_local_, &flows));
  TF_PETSC_CHECK(VecRestoreArrayRead(wide, &c));
}

double TransportSolver::plane_discharge(std::size_t s, int axis, int face) {
  // Face `face` lies between cells face - 1 and face along `axis`; the rank owning the lower
  // cell counts it.
  const Vec wide_values = update_wide(s);
  double discharge = 0.0;
  const int lower = face - 1;
  if (lower >= grid_.owned_begin(axis) && lower < grid_.owned_end(axis)) {
    DmdaArrayRead<const PetscScalar***> wide(wide_dm_, wide_values);
    const auto* c = wide.get();
    PetscScalar**** faces = nullptr;
    PetscScalar**** dispersion = nullptr;
    TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(face_dm_, face_flows_local_, &faces));
    TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(dispersion_dm_, dispersion_local_, &dispersion));
    int begin[3], end[3];
    plane_cells(axis, lower, begin, end);
    for (int k = begin[2]; k < end[2]; ++k)
      for (int j = begin[1]; j < end[1]; ++j)
        for (int i = begin[0]; i < end[0]; ++i) {
          const int ui = i + kOffset[axis][0], uj = j + kOffset[axis][1], uk = k + kOffset[axis][2];
          const double flow = faces[k][j][i][axis];
          const double c_lower = c[k][j][i], c_upper = c[uk][uj][ui];
          discharge += flow * (flow > 0.0 ? c_lower : c_upper) -
                       dispersion_conductance(dispersion, s, i, j, k, axis) * (c_upper - c_lower);
          if (spec_.tvd) discharge += tvd_face_transfer(c, flow, i, j, k, axis);
          if (cross_terms_) {
            MatStencil cells[8];
            double coefficients[8];
            const int count = cross_flux_stencil(dispersion, axis, i, j, k, cells, coefficients);
            for (int m = 0; m < count; ++m)
              discharge += coefficients[m] * c[cells[m].k][cells[m].j][cells[m].i];
          }
        }
    TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(face_dm_, face_flows_local_, &faces));
    TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(dispersion_dm_, dispersion_local_, &dispersion));
  }
  MPI_Allreduce(MPI_IN_PLACE, &discharge, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return discharge;
}

void TransportSolver::plane_cells(int axis, int lower, int* begin, int* end) const {
  for (int d = 0; d < 3; ++d) {
    begin[d] = grid_.owned_begin(d);
    end[d] = grid_.owned_end(d);
  }
  begin[axis] = lower;
  end[axis] = lower + 1;
}

double TransportSolver::plane_water_flow(int axis, int face) const {
  double flow_sum = 0.0;
  const int lower = face - 1;
  if (lower >= grid_.owned_begin(axis) && lower < grid_.owned_end(axis)) {
    PetscScalar**** faces = nullptr;
    TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(face_dm_, face_flows_local_, &faces));
    int begin[3], end[3];
    plane_cells(axis, lower, begin, end);
    for (int k = begin[2]; k < end[2]; ++k)
      for (int j = begin[1]; j < end[1]; ++j)
        for (int i = begin[0]; i < end[0]; ++i)
          flow_sum += std::max(0.0, static_cast<double>(faces[k][j][i][axis]));
    TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(face_dm_, face_flows_local_, &faces));
  }
  MPI_Allreduce(MPI_IN_PLACE, &flow_sum, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return flow_sum;
}

void TransportSolver::solve(std::size_t s) {
  TF_PETSC_CHECK(VecCopy(rhs_full_, rhs_));
  const auto& rows = fixed_rows_[s];
  if (!rows.empty()) {
    std::vector<PetscScalar> values;
    values.reserve(rows.size());
    for (const int source : fixed_sources_[s])
      values.push_back(held_concentration(source));
    TF_PETSC_CHECK(VecSetValues(rhs_, static_cast<PetscInt>(rows.size()), rows.data(),
                                values.data(), INSERT_VALUES));
  }
  TF_PETSC_CHECK(VecAssemblyBegin(rhs_));
  TF_PETSC_CHECK(VecAssemblyEnd(rhs_));
  KSP ksp = ksps_[s];
  const int stencil = uses_stencil(s) ? 1 : 0;
  if (ksp_stencil_[s] != stencil) {
    PC pc = nullptr;
    TF_PETSC_CHECK(KSPGetPC(ksp, &pc));
    if (stencil == 1) {
      stencil_[s]->set_preconditioner(pc);
    } else {
      // PETSc's default for an assembled operator, then the options database.
      int ranks = 1;
      MPI_Comm_size(grid_.comm(), &ranks);
      TF_PETSC_CHECK(PCSetType(pc, ranks == 1 ? PCILU : PCBJACOBI));
      TF_PETSC_CHECK(PCSetFromOptions(pc));
    }
    ksp_stencil_[s] = stencil;
  }
  const Mat matrix = solve_operator(s);
  TF_PETSC_CHECK(KSPSetOperators(ksp, matrix, matrix));
  TF_PETSC_CHECK(KSPSolve(ksp, rhs_, concentration_[s]));
  PetscInt iterations = 0;
  TF_PETSC_CHECK(KSPGetIterationNumber(ksp, &iterations));
  linear_iterations_ += iterations;
  KSPConvergedReason reason;
  TF_PETSC_CHECK(KSPGetConvergedReason(ksp, &reason));
  if (reason < 0) {
    // Where the equations are least satisfied: the largest |b - A x|.
    TF_PETSC_CHECK(MatMult(matrix, concentration_[s], work_vector(residual_)));
    TF_PETSC_CHECK(VecAYPX(residual_, -1.0, rhs_));
    throw NumericalError(fmt::format("the transport solver did not converge for species '{}' "
                                     "({} after {} iterations; largest residual at {})",
                                     spec_.species[s].name, KSPConvergedReasons[reason], iterations,
                                     worst_cell(residual_)));
  }
  PetscReal norm = 0.0;
  TF_PETSC_CHECK(VecNorm(concentration_[s], NORM_INFINITY, &norm));
  if (!std::isfinite(norm))
    throw NumericalError(fmt::format("the concentration of species '{}' is not finite at {}",
                                     spec_.species[s].name, worst_cell(concentration_[s])));
}

Vec TransportSolver::work_vector(VecHandle& vector) {
  if (!vector) TF_PETSC_CHECK(VecDuplicate(rhs_full_, vector.out()));
  return vector;
}

bool TransportSolver::uses_stencil(std::size_t s) const {
  return static_cast<bool>(stencil_[s]);
}

Mat TransportSolver::solve_operator(std::size_t s) const {
  return uses_stencil(s) ? stencil_[s]->matrix() : operator_[s].get();
}

std::string TransportSolver::worst_cell(Vec values) const {
  // Per rank: the owned cell with a non-finite value (first), else the largest magnitude.
  const PetscScalar* v = nullptr;
  TF_PETSC_CHECK(VecGetArrayRead(values, &v));
  struct {
    double score;
    int rank;
  } local{-1.0, 0}, best{};
  int cell[3] = {0, 0, 0};
  MPI_Comm_rank(grid_.comm(), &local.rank);
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        const double value = v[grid_.owned_index(i, j, k)];
        const double score =
            std::isfinite(value) ? std::abs(value) : std::numeric_limits<double>::max();
        if (score > local.score) {
          local.score = score;
          cell[0] = i;
          cell[1] = j;
          cell[2] = k;
        }
      }
  TF_PETSC_CHECK(VecRestoreArrayRead(values, &v));
  MPI_Allreduce(&local, &best, 1, MPI_DOUBLE_INT, MPI_MAXLOC, grid_.comm());
  MPI_Bcast(cell, 3, MPI_INT, best.rank, grid_.comm());
  const auto center = grid_.cell_center(cell[0], cell[1], cell[2]);
  return fmt::format("cell (i, j, k) = ({}, {}, {}), centre ({}, {}, {}) m", cell[0], cell[1],
                     cell[2], center[0], center[1], center[2]);
}

void TransportSolver::advance(double time, double step) {
  advanced_ = true;
  update_zones(time, step);
  for (const int species : spec_.solve_order) {
    const auto s = static_cast<std::size_t>(species);
    // Steps that differ only by the round-off of t_next - t count as the previous length, so
    // that the operator and the predictor are reused.
    const double dt = std::abs(step - older_dt_[s]) <= 1.0e-12 * step ? older_dt_[s] : step;
    const bool nonlinear = spec_.species[s].nonlinear();
    std::swap(older_[s], previous_[s]); // the old start of step becomes the older one
    TF_PETSC_CHECK(VecCopy(concentration_[s], previous_[s]));
    // Initial guess: linear extrapolation from the last two steps when they had this length.
    if (older_dt_[s] == dt) TF_PETSC_CHECK(VecAXPBY(concentration_[s], -1.0, 2.0, older_[s]));
    older_dt_[s] = dt;
    std::vector<int> active;
    for (std::size_t n = 0; n < spec_.sources.size(); ++n)
      if (spec_.sources[n].species == species && holds_cells(n, time, dt))
        active.push_back(static_cast<int>(n));
    if (assembled_dt_[s] != dt || assembled_fixed_[s] != active) assemble(s, time, dt);
    build_rhs_base(s, time, dt);
    // The first solve carries the TVD correction of the old concentrations (a good predictor
    // when the plume moves less than a cell or so per step); each TVD sweep re-solves with the
    // correction of the latest iterate (the fixed point is the implicit TVD solution).
    bool refresh_tvd = spec_.tvd;
    int sweeps = 0;
    for (int iteration = 0;; ++iteration) {
      if (refresh_tvd) compute_tvd_correction(s);
      if (spec_.tvd)
        TF_PETSC_CHECK(VecWAXPY(rhs_full_, 1.0, tvd_rhs_, rhs_base_));
      else
        TF_PETSC_CHECK(VecCopy(rhs_base_, rhs_full_));
      if (nonlinear) linearize(s, dt);
      // Whether a further iteration may follow (which needs the change this one makes).
      const bool may_iterate = nonlinear || (refresh_tvd && sweeps < tvd_max_sweeps_);
      if (may_iterate) TF_PETSC_CHECK(VecCopy(concentration_[s], work_vector(iterate_)));
      solve(s);
      PetscReal change = 0.0, size = 0.0;
      if (may_iterate) {
        TF_PETSC_CHECK(VecAXPY(iterate_, -1.0, concentration_[s]));
        TF_PETSC_CHECK(VecNorm(iterate_, NORM_INFINITY, &change));
        TF_PETSC_CHECK(VecNorm(concentration_[s], NORM_INFINITY, &size));
      }
      if (iteration > 0 && refresh_tvd) {
        ++sweeps;
        ++tvd_sweeps_;
      }
      if (refresh_tvd &&
          ((iteration > 0 && change <= tvd_tolerance_ * size) || sweeps >= tvd_max_sweeps_))
        refresh_tvd = false; // the correction is frozen from here on
      // (Absolute floor: 1e-12 mg/L, where everything has decayed to nothing.)
      const bool converged = !nonlinear || change <= nonlinear_tolerance_ * size ||
                             change <= 1.0e-3 * kLowConcentration;
      if (!refresh_tvd && converged) break;
      if (nonlinear) ++nonlinear_iterations_;
      if (nonlinear && iteration + 1 >= nonlinear_max_iterations_ && !converged)
        throw NumericalError(fmt::format(
            "the nonlinear (sorption or zero-order decay) iterations of species '{}' did not "
            "converge in {} iterations (last change {:.3g} mg/L, -transport_nonlinear_rtol {:g}; "
            "largest change at {})",
            spec_.species[s].name, iteration + 1, change, nonlinear_tolerance_,
            worst_cell(iterate_)));
    }
    if (has_immobile_) update_immobile(s, dt);
    account(s, time, dt);
    enforce_positivity(s);
  }
  oxidize(time, step);
}

double TransportSolver::mobile_mass(std::size_t s, long n, double c) const {
  const auto cell = static_cast<std::size_t>(n);
  if (spec_.species[s].isotherm == Isotherm::linear) return storage_[s][cell] * c;
  double slope = 0.0;
  return (materials_.porosity(n) * c + materials_.bulk_density(n) * isotherm(s, c, slope)) *
         cell_volume_[cell];
}

double TransportSolver::mobile_concentration(std::size_t s, long n, double mass,
                                             double guess) const {
  const auto cell = static_cast<std::size_t>(n);
  if (cell_volume_[cell] == 0.0) return 0.0; // a dry or inactive cell holds no solute
  if (spec_.species[s].isotherm == Isotherm::linear) return mass / storage_[s][cell];
  // The mass is increasing in c: Newton's iterations, kept inside a bracket by bisection.
  const double pore = materials_.porosity(n) * cell_volume_[cell];
  double low = std::min(guess, mass / pore), high = std::max(guess, mass / pore);
  while (mobile_mass(s, n, low) > mass)
    low -= std::max(high - low, kLowConcentration);
  while (mobile_mass(s, n, high) < mass)
    high += std::max(high - low, kLowConcentration);
  double c = std::clamp(guess, low, high);
  for (int iteration = 0; iteration < 100; ++iteration) {
    double slope = 0.0;
    const double sorbed = isotherm(s, c, slope);
    const double residual =
        (materials_.porosity(n) * c + materials_.bulk_density(n) * sorbed) * cell_volume_[cell] -
        mass;
    if (residual > 0.0)
      high = c;
    else
      low = c;
    const double derivative =
        (materials_.porosity(n) + materials_.bulk_density(n) * slope) * cell_volume_[cell];
    double next = c - residual / derivative;
    if (!(next > low && next < high)) next = 0.5 * (low + high);
    if (std::abs(next - c) <= 1.0e-15 * std::max(std::abs(c), kLowConcentration)) return next;
    c = next;
  }
  return c;
}

std::array<double, 4> TransportSolver::extremes(std::size_t s) const {
  // Maxima of: mobile values, their negatives, immobile values, their negatives.
  std::array<double, 4> local{0.0, 0.0, 0.0, 0.0};
  const PetscScalar* c = nullptr;
  TF_PETSC_CHECK(VecGetArrayRead(concentration_[s], &c));
  for (long n = 0; n < grid_.owned_cells(); ++n) {
    local[0] = std::max(local[0], static_cast<double>(c[n]));
    local[1] = std::max(local[1], -static_cast<double>(c[n]));
  }
  TF_PETSC_CHECK(VecRestoreArrayRead(concentration_[s], &c));
  for (const double value : immobile_[s]) {
    local[2] = std::max(local[2], value);
    local[3] = std::max(local[3], -value);
  }
  std::array<double, 4> global{};
  MPI_Allreduce(local.data(), global.data(), 4, MPI_DOUBLE, MPI_MAX, grid_.comm());
  return global;
}

void TransportSolver::record_minimum(const std::array<double, 4>& extremes) {
  for (int domain = 0; domain < 2; ++domain) {
    const double largest = extremes[2 * domain], smallest = -extremes[2 * domain + 1];
    minimum_ = std::min(minimum_, smallest);
    if (largest > 0.0) relative_minimum_ = std::min(relative_minimum_, smallest / largest);
  }
}

void TransportSolver::enforce_positivity(std::size_t s) {
  const auto before = extremes(s);
  // Floors [mg/L] of the mobile and the immobile domain (their largest values, as output).
  const double floor = -positivity_tolerance_ * before[0];
  const double immobile_floor = -positivity_tolerance_ * before[2];
  // Nothing to correct, or nothing to correct with (a species without any mass).
  if (!positivity_ || before[0] <= 0.0 || (-before[1] >= floor && -before[3] >= immobile_floor)) {
    record_minimum(before);
    return;
  }
  double moved = 0.0; // [g] this rank
  // An immobile domain below the floor takes its deficit from the cell's mobile water (the
  // exchange between the two; the mobile correction below then covers what that leaves).
  if (has_immobile_) {
    PetscScalar* c = nullptr;
    TF_PETSC_CHECK(VecGetArray(concentration_[s], &c));
    for (long n = 0; n < grid_.owned_cells(); ++n) {
      const auto cell = static_cast<std::size_t>(n);
      double& held = immobile_[s][cell];
      if (!(held < immobile_floor)) continue;
      const auto im = immobile_terms(s, n, 1.0);
      const double deficit = -im.capacity * cell_volume_[cell] * held; // [g]
      held = 0.0;
      c[n] = mobile_concentration(s, n, mobile_mass(s, n, c[n]) - deficit, c[n]);
      moved += deficit;
    }
    TF_PETSC_CHECK(VecRestoreArray(concentration_[s], &c));
  }
  // Local passes while some cell below the floor has a neighbour with mass to give.
  for (int pass = 0; pass < kPositivityPasses; ++pass) {
    long served = 0; // cells below the floor with a neighbour that can give
    moved += positivity_pass(s, floor, served);
    MPI_Allreduce(MPI_IN_PLACE, &served, 1, MPI_LONG, MPI_SUM, grid_.comm());
    if (served == 0) break;
  }
  // What is left (deficits with no mass next to them, typically the faint undershoot ahead of
  // a front): taken from every cell with mass in proportion to it, a relative change of (left
  // deficit) / (the species' mobile mass) for each.
  {
    std::vector<char> held(cell_volume_.size(), 0);
    PetscInt first_row = 0;
    TF_PETSC_CHECK(VecGetOwnershipRange(concentration_[s], &first_row, nullptr));
    for (const PetscInt row : fixed_rows_[s])
      held[static_cast<std::size_t>(row - first_row)] = 1;
    PetscScalar* c = nullptr;
    TF_PETSC_CHECK(VecGetArray(concentration_[s], &c));
    double sums[2] = {0.0, 0.0}; // [g] deficit below the floor, mass of the cells with mass
    for (long n = 0; n < grid_.owned_cells(); ++n) {
      if (held[static_cast<std::size_t>(n)] != 0) continue;
      if (c[n] < floor)
        sums[0] -= mobile_mass(s, n, c[n]);
      else if (c[n] > 0.0)
        sums[1] += mobile_mass(s, n, c[n]);
    }
    double total[2] = {0.0, 0.0};
    MPI_Allreduce(sums, total, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
    if (total[0] > 0.0) {
      if (!(total[1] > total[0])) {
        TF_PETSC_CHECK(VecRestoreArray(concentration_[s], &c));
        throw NumericalError(
            fmt::format("species '{}' has a negative mobile mass in total ({:.6g} g below "
                        "-transport_positivity_rtol {:g} of its largest concentration against "
                        "{:.6g} g above 0): no positivity correction can keep its mass",
                        spec_.species[s].name, total[0], positivity_tolerance_, total[1]));
      }
      const double factor = 1.0 - total[0] / total[1];
      for (long n = 0; n < grid_.owned_cells(); ++n) {
        if (held[static_cast<std::size_t>(n)] != 0) continue;
        // A cell without volume (pinched, dry) holds no mass to scale: it keeps the
        // concentration of the water passing through it.
        if (c[n] < floor)
          c[n] = 0.0;
        else if (c[n] > 0.0 && cell_volume_[static_cast<std::size_t>(n)] > 0.0)
          c[n] = mobile_concentration(s, n, factor * mobile_mass(s, n, c[n]), c[n]);
      }
      moved += sums[0];
    }
    TF_PETSC_CHECK(VecRestoreArray(concentration_[s], &c));
  }
  MPI_Allreduce(MPI_IN_PLACE, &moved, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  positivity_transfer_[s] += moved;
  account(s, 0.0, 0.0); // the masses now in place (the species' total is unchanged)
  record_minimum(extremes(s));
}

double TransportSolver::positivity_pass(std::size_t s, double floor, long& served) {
  const bool first_use = !request_local_;
  if (first_use) {
    TF_PETSC_CHECK(DMCreateLocalVector(wide_dm_, request_local_.out()));
    TF_PETSC_CHECK(VecDuplicate(request_local_, held_local_.out()));
    TF_PETSC_CHECK(VecDuplicate(request_local_, grant_local_.out()));
    TF_PETSC_CHECK(DMCreateGlobalVector(wide_dm_, grant_.out()));
  }
  PetscInt first_row = 0;
  TF_PETSC_CHECK(VecGetOwnershipRange(grant_, &first_row, nullptr));
  // Held cells of species s, marked 1 (ghosted).
  TF_PETSC_CHECK(VecSet(grant_, 0.0));
  {
    PetscScalar* g = nullptr;
    TF_PETSC_CHECK(VecGetArray(grant_, &g));
    for (const PetscInt row : fixed_rows_[s])
      g[row - first_row] = 1.0;
    TF_PETSC_CHECK(VecRestoreArray(grant_, &g));
  }
  TF_PETSC_CHECK(DMGlobalToLocal(wide_dm_, grant_, INSERT_VALUES, held_local_));
  const Vec wide_values = update_wide(s);
  PetscInt wide_begin[3], wide_size[3];
  TF_PETSC_CHECK(DMDAGetGhostCorners(wide_dm_, &wide_begin[0], &wide_begin[1], &wide_begin[2],
                                     &wide_size[0], &wide_size[1], &wide_size[2]));
  const long stride[3] = {1, wide_size[0], static_cast<long>(wide_size[0]) * wide_size[1]};
  auto wide_index = [&](int i, int j, int k) {
    return (k - wide_begin[2]) * stride[2] + (j - wide_begin[1]) * stride[1] + (i - wide_begin[0]);
  };
  // The neighbours a deficit is taken from: the six face neighbours, and with the cross terms
  // (the 19-point stencil) the twelve edge neighbours too, as (offset, wide index offset).
  struct Neighbour {
    int offset[3];
    long wide;
  };
  std::vector<Neighbour> neighbours;
  for (int dk = -1; dk <= 1; ++dk)
    for (int dj = -1; dj <= 1; ++dj)
      for (int di = -1; di <= 1; ++di) {
        const int nonzero = (di != 0) + (dj != 0) + (dk != 0);
        if (nonzero == 1 || (nonzero == 2 && cross_terms_))
          neighbours.push_back({{di, dj, dk}, di * stride[0] + dj * stride[1] + dk * stride[2]});
      }
  // Per owned cell below the floor: its wide index, owned index, and the masses [g] it asks of
  // each neighbour (0 where there is none).
  struct Deficit {
    long wide = 0, owned = 0;
    std::array<double, 18> request{};
  };
  std::vector<Deficit> deficits;
  TF_PETSC_CHECK(VecSet(request_local_, 0.0));
  {
    const PetscScalar *c = nullptr, *held = nullptr;
    PetscScalar* r = nullptr;
    TF_PETSC_CHECK(VecGetArrayRead(wide_values, &c));
    TF_PETSC_CHECK(VecGetArrayRead(held_local_, &held));
    TF_PETSC_CHECK(VecGetArray(request_local_, &r));
    for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
      for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
        for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
          const long w = wide_index(i, j, k);
          if (!(c[w] < floor) || held[w] != 0.0) continue;
          Deficit deficit{w, grid_.owned_index(i, j, k), {}};
          // Weights: the neighbours' positive concentrations.
          std::array<double, 18> weights{};
          const int index[3] = {i, j, k};
          for (std::size_t m = 0; m < neighbours.size(); ++m) {
            bool inside = true;
            for (int axis = 0; axis < 3; ++axis) {
              const int at = index[axis] + neighbours[m].offset[axis];
              inside = inside && at >= 0 && at < grid_.cells(axis);
            }
            const long v = w + neighbours[m].wide;
            if (inside && held[v] == 0.0) weights[m] = std::max(static_cast<double>(c[v]), 0.0);
          }
          const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
          if (!(total > 0.0)) continue; // no neighbour with mass
          ++served;
          const double need = -mobile_mass(s, deficit.owned, c[w]);
          for (std::size_t m = 0; m < neighbours.size(); ++m) {
            deficit.request[m] = need * weights[m] / total;
            if (deficit.request[m] > 0.0) r[w + neighbours[m].wide] += deficit.request[m];
          }
          deficits.push_back(deficit);
        }
    TF_PETSC_CHECK(VecRestoreArray(request_local_, &r));
    TF_PETSC_CHECK(VecRestoreArrayRead(held_local_, &held));
    TF_PETSC_CHECK(VecRestoreArrayRead(wide_values, &c));
  }
  // The owners of the asked cells sum the requests and grant the share they can cover (all of
  // it, up to the mass they hold).
  TF_PETSC_CHECK(VecSet(grant_, 0.0));
  TF_PETSC_CHECK(DMLocalToGlobal(wide_dm_, request_local_, ADD_VALUES, grant_));
  const auto owned = static_cast<std::size_t>(grid_.owned_cells());
  std::vector<double> change(owned, 0.0); // [g] per owned cell
  {
    PetscScalar* g = nullptr;
    const PetscScalar* c = nullptr;
    TF_PETSC_CHECK(VecGetArray(grant_, &g));
    TF_PETSC_CHECK(VecGetArrayRead(concentration_[s], &c));
    for (std::size_t n = 0; n < owned; ++n) {
      const double requested = g[n];
      if (!(requested > 0.0)) {
        g[n] = 0.0;
        continue;
      }
      const double mass = mobile_mass(s, static_cast<long>(n), c[n]);
      const double fraction = std::clamp(mass / requested, 0.0, 1.0);
      g[n] = fraction;
      change[n] -= fraction * requested;
    }
    TF_PETSC_CHECK(VecRestoreArrayRead(concentration_[s], &c));
    TF_PETSC_CHECK(VecRestoreArray(grant_, &g));
  }
  TF_PETSC_CHECK(DMGlobalToLocal(wide_dm_, grant_, INSERT_VALUES, grant_local_));
  double moved = 0.0;
  {
    const PetscScalar* g = nullptr;
    TF_PETSC_CHECK(VecGetArrayRead(grant_local_, &g));
    for (const auto& deficit : deficits)
      for (std::size_t m = 0; m < neighbours.size(); ++m) {
        if (!(deficit.request[m] > 0.0)) continue;
        const double received = deficit.request[m] * g[deficit.wide + neighbours[m].wide];
        change[static_cast<std::size_t>(deficit.owned)] += received;
        moved += received;
      }
    TF_PETSC_CHECK(VecRestoreArrayRead(grant_local_, &g));
  }
  PetscScalar* c = nullptr;
  TF_PETSC_CHECK(VecGetArray(concentration_[s], &c));
  for (std::size_t n = 0; n < owned; ++n)
    if (change[n] != 0.0) {
      const auto cell = static_cast<long>(n);
      c[n] = mobile_concentration(s, cell, mobile_mass(s, cell, c[n]) + change[n], c[n]);
    }
  TF_PETSC_CHECK(VecRestoreArray(concentration_[s], &c));
  return moved;
}

void TransportSolver::update_immobile(std::size_t s, double dt) {
  DmdaArrayRead<const PetscScalar***> c(grid_.dm(), concentration_[s]);
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        const long n = grid_.owned_index(i, j, k);
        const auto im = immobile_terms(s, n, dt);
        if (im.capacity <= 0.0) continue;
        double& value = immobile_[s][static_cast<std::size_t>(n)];
        // Immobile production uses the parents' immobile values, already advanced.
        value = (im.capacity / dt * value + im.exchange * c.get()[k][j][i] +
                 immobile_production(s, n)) /
                im.denominator;
      }
}

void TransportSolver::account(std::size_t s, double time, double dt) {
  auto& balance = local_balance_[s];
  DmdaArrayRead<const PetscScalar***> c(grid_.dm(), concentration_[s]);
  double dissolved = 0.0, sorbed = 0.0, immobile = 0.0, decayed = 0.0, produced = 0.0;
  double released = 0.0, stored = 0.0; // [g] with water leaving / entering elastic storage
  {
    const PetscScalar* values = nullptr;
    TF_PETSC_CHECK(VecGetArrayRead(concentration_[s], &values));
    const bool nonlinear_sorption = spec_.species[s].isotherm != Isotherm::linear;
    const bool zero_order = spec_.species[s].zero_order;
    if (!nonlinear_sorption && !zero_order && !storage_released_) {
      // The common case (linear sorption, first-order decay, no elastic storage) on the arrays:
      // the same sums as the general loop below, without its per-cell branches and calls.
      const double *storage = storage_[s].data(), *loss = first_order_[s].data(),
                   *volume = cell_volume_.data();
      for (long n = 0; n < grid_.owned_cells(); ++n) {
        const double pore_volume = materials_.porosity(n) * volume[n];
        dissolved += pore_volume * values[n];
        sorbed += (storage[n] - pore_volume) * values[n];
        decayed += loss[n] * values[n] * dt;
      }
    } else
      for (long n = 0; n < grid_.owned_cells(); ++n) {
        const double volume = cell_volume_[static_cast<std::size_t>(n)];
        const double value = values[n];
        dissolved += materials_.porosity(n) * volume * value;
        if (nonlinear_sorption) {
          double slope = 0.0;
          sorbed += materials_.bulk_density(n) * volume * isotherm(s, value, slope);
        } else {
          sorbed +=
              (storage_[s][static_cast<std::size_t>(n)] - materials_.porosity(n) * volume) * value;
        }
        decayed += first_order_loss(s, n, value) * dt;
        if (zero_order) decayed += zero_order_loss(s, n, value) * dt;
        const double water = storage_release_[static_cast<std::size_t>(n)] * value * dt;
        (water > 0.0 ? released : stored) += std::abs(water);
      }
    TF_PETSC_CHECK(VecRestoreArrayRead(concentration_[s], &values));
  }
  if (dt > 0.0 && !active_zones_.empty()) {
    // Mass decayed in the mobile domain of each active zone's cells (the zone's performance).
    const PetscScalar* values = nullptr;
    TF_PETSC_CHECK(VecGetArrayRead(concentration_[s], &values));
    for (const int z : active_zones_) {
      const auto& zone = spec_.zones[static_cast<std::size_t>(z)];
      for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
        for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
          for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i)
            if (zone.region.contains(grid_.cell_center(i, j, k))) {
              const long n = grid_.owned_index(i, j, k);
              zone_decayed_[static_cast<std::size_t>(z)][s] +=
                  first_order_loss(s, n, values[n]) * dt;
            }
    }
    TF_PETSC_CHECK(VecRestoreArrayRead(concentration_[s], &values));
  }
  if (has_immobile_)
    for (long n = 0; n < grid_.owned_cells(); ++n)
      if (const auto im = immobile_terms(s, n, 1.0); im.capacity > 0.0) {
        const double volume = cell_volume_[static_cast<std::size_t>(n)];
        const double held = immobile_[s][static_cast<std::size_t>(n)];
        immobile += im.capacity * volume * held;
        decayed += im.decay * volume * held * dt;
        produced += immobile_production(s, n) * volume * dt;
      }
  balance.dissolved = dissolved;
  balance.sorbed = sorbed;
  balance.immobile = immobile;
  if (dt == 0.0) return;
  balance.decayed += decayed;
  produced += production_rate_[s] * dt;
  balance.produced += produced;
  balance.inflow += released;
  balance.outflow += stored;
  std::fill(extracted_[s].begin(), extracted_[s].end(), 0.0);
  std::fill(injected_[s].begin(), injected_[s].end(), 0.0);
  for (const auto& flow : external_) {
    if (flow.inflow < 0.0) {
      const double mass = -flow.inflow * c.get()[flow.k][flow.j][flow.i] * dt;
      balance.outflow += mass;
      if (flow.well >= 0) extracted_[s][static_cast<std::size_t>(flow.well)] += mass;
      continue;
    }
    const double mass = flow.inflow * inflow_concentration(s, flow, time, dt) * dt;
    balance.inflow += mass;
    if (flow.well >= 0) injected_[s][static_cast<std::size_t>(flow.well)] += mass;
  }
  if (!loading_rates_.empty())
    for (const double rate : loading_rates_[s])
      balance.loaded += rate * dt;
  for (const auto& source : spec_.sources)
    if (source.type == TransportSource::Type::mass_rate && source.species == static_cast<int>(s) &&
        source.active_during(time, time + dt)) {
      const int i = *grid_.locate(0, source.position[0]);
      const int j = *grid_.locate(1, source.position[1]);
      const int k = *grid_.locate_layer(i, j, source.position[2]);
      if (grid_.owns(i, j, k)) balance.sources += source.value * dt;
    }
  // Held cells: the mass their equations needed, (A C - b) dt; for a NAPL source this is what
  // dissolved from the NAPL, which depletes it.
  std::vector<double> dissolved_from(spec_.sources.size(), 0.0);
  if (!assembled_fixed_[s].empty()) { // the same on every rank: the ghost update is collective
    PetscInt first_row = 0;
    TF_PETSC_CHECK(VecGetOwnershipRange(rhs_full_, &first_row, nullptr));
    std::vector<double> residual(fixed_rows_[s].size());
    if (spec_.species[s].nonlinear()) {
      TF_PETSC_CHECK(MatMult(full_operator_[s], concentration_[s], work_vector(residual_)));
      TF_PETSC_CHECK(VecAXPY(residual_, -1.0, rhs_full_));
      const PetscScalar* r = nullptr;
      TF_PETSC_CHECK(VecGetArrayRead(residual_, &r));
      for (std::size_t n = 0; n < residual.size(); ++n)
        residual[n] = r[fixed_rows_[s][n] - first_row];
      TF_PETSC_CHECK(VecRestoreArrayRead(residual_, &r));
    } else {
      // (A C - b) of the held rows, from their saved entries and the ghosted concentrations.
      const Vec wide_values = update_wide(s);
      const PetscScalar *wide = nullptr, *b = nullptr;
      TF_PETSC_CHECK(VecGetArrayRead(wide_values, &wide));
      TF_PETSC_CHECK(VecGetArrayRead(rhs_full_, &b));
      for (std::size_t n = 0; n < residual.size(); ++n) {
        double value = -b[fixed_rows_[s][n] - first_row];
        for (const auto& [column, coefficient] : held_rows_[s][n])
          value += coefficient * wide[column];
        residual[n] = value;
      }
      TF_PETSC_CHECK(VecRestoreArrayRead(rhs_full_, &b));
      TF_PETSC_CHECK(VecRestoreArrayRead(wide_values, &wide));
    }
    for (std::size_t n = 0; n < residual.size(); ++n) {
      const double mass = residual[n] * dt;
      balance.sources += mass;
      dissolved_from[static_cast<std::size_t>(fixed_sources_[s][n])] += mass;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, dissolved_from.data(), static_cast<int>(dissolved_from.size()),
                MPI_DOUBLE, MPI_SUM, grid_.comm());
  for (std::size_t n = 0; n < spec_.sources.size(); ++n) {
    if (spec_.sources[n].type != TransportSource::Type::napl ||
        spec_.sources[n].species != static_cast<int>(s))
      continue;
    napl_mass_[n] = std::max(0.0, napl_mass_[n] - dissolved_from[n]);
    napl_dissolution_[n] = dissolved_from[n] / dt;
  }
}

const std::vector<double>& TransportSolver::mobile_production(std::size_t s) {
  production_.assign(static_cast<std::size_t>(grid_.owned_cells()), 0.0);
  // Whether the decay of `parent` in zone z yields the zone's products (not the network's).
  auto zone_takes = [&](int z, int parent) {
    const auto& products = spec_.zones[static_cast<std::size_t>(z)].products;
    return std::any_of(products.begin(), products.end(),
                       [&](const auto& product) { return product.parent == parent; });
  };
  auto add = [&](const ReactionSpec& reaction, int zone) {
    const auto parent_species = static_cast<std::size_t>(reaction.parent);
    const PetscScalar* parent = nullptr;
    TF_PETSC_CHECK(VecGetArrayRead(concentration_[parent_species], &parent));
    if (zone < 0 && active_zones_.empty() &&
        spec_.species[parent_species].isotherm == Isotherm::linear) {
      // No zone takes the parent's decay and its loss is linear: first_order_loss() on arrays.
      const double* loss = first_order_[parent_species].data();
      for (std::size_t n = 0; n < production_.size(); ++n)
        production_[n] += reaction.yield * (loss[n] * parent[n]);
    } else
      for (long n = 0; n < grid_.owned_cells(); ++n) {
        const int in = product_zone_[static_cast<std::size_t>(n)];
        const bool counts = zone < 0 ? in < 0 || !zone_takes(in, reaction.parent) : in == zone;
        if (counts)
          production_[static_cast<std::size_t>(n)] +=
              reaction.yield * first_order_loss(parent_species, n, parent[n]);
      }
    TF_PETSC_CHECK(VecRestoreArrayRead(concentration_[parent_species], &parent));
  };
  for (const auto& reaction : spec_.reactions)
    if (reaction.daughter == static_cast<int>(s)) add(reaction, -1);
  for (const int z : active_zones_)
    for (const auto& product : spec_.zones[static_cast<std::size_t>(z)].products)
      if (product.daughter == static_cast<int>(s)) add(product, z);
  return production_;
}

double TransportSolver::inflow_concentration(std::size_t s, const ExternalFlow& flow, double time,
                                             double dt) const {
  double concentration = 0.0;
  if (flow.boundary >= 0) {
    const auto& source = flow_spec_.boundaries[static_cast<std::size_t>(flow.boundary)];
    for (const auto& boundary : spec_.boundaries) {
      if (boundary.species != static_cast<int>(s)) continue;
      const bool matches =
          boundary.flow_boundaries.empty()
              ? source.form == FlowBoundary::Form::face && boundary.face == source.face
              : std::find(boundary.flow_boundaries.begin(), boundary.flow_boundaries.end(),
                          flow.boundary) != boundary.flow_boundaries.end();
      if (matches) concentration = boundary.concentration;
    }
  } else {
    for (const auto& source : spec_.sources)
      if (source.type == TransportSource::Type::well && source.well == flow.well &&
          source.species == static_cast<int>(s) && source.active_during(time, time + dt))
        concentration = source.value;
    const double set = well_concentration_[s][static_cast<std::size_t>(flow.well)];
    if (!std::isnan(set)) concentration = set;
  }
  return concentration;
}

bool TransportSolver::holds_cells(std::size_t n, double time, double dt) const {
  const auto& source = spec_.sources[n];
  if (!source.holds_cells() || !source.active_during(time, time + dt)) return false;
  return source.type != TransportSource::Type::napl || napl_mass_[n] > 0.0;
}

double TransportSolver::held_concentration(int n) const {
  const auto& source = spec_.sources[static_cast<std::size_t>(n)];
  if (source.type != TransportSource::Type::napl) return source.value;
  return source.value *
         std::pow(napl_mass_[static_cast<std::size_t>(n)] / source.napl_mass, source.gamma);
}

void TransportSolver::save(State& state) const {
  state.mobile.resize(concentration_.size());
  for (std::size_t s = 0; s < concentration_.size(); ++s) {
    const PetscScalar* values = nullptr;
    PetscInt size = 0;
    TF_PETSC_CHECK(VecGetLocalSize(concentration_[s], &size));
    TF_PETSC_CHECK(VecGetArrayRead(concentration_[s], &values));
    state.mobile[s].assign(values, values + size);
    TF_PETSC_CHECK(VecRestoreArrayRead(concentration_[s], &values));
  }
  state.immobile = immobile_;
  state.balances = local_balance_;
  state.napl_mass = napl_mass_;
  state.zone_decayed = zone_decayed_;
  state.oxidized = oxidized_;
  state.positivity_transfer = positivity_transfer_;
  state.minimum = minimum_;
  state.relative_minimum = relative_minimum_;
}

void TransportSolver::restore(const State& state) {
  for (std::size_t s = 0; s < concentration_.size(); ++s) {
    PetscScalar* values = nullptr;
    TF_PETSC_CHECK(VecGetArray(concentration_[s], &values));
    std::copy(state.mobile[s].begin(), state.mobile[s].end(), values);
    TF_PETSC_CHECK(VecRestoreArray(concentration_[s], &values));
  }
  immobile_ = state.immobile;
  std::fill(older_dt_.begin(), older_dt_.end(), -1.0); // no extrapolation across a retry
  local_balance_ = state.balances;
  napl_mass_ = state.napl_mass;
  zone_decayed_ = state.zone_decayed;
  oxidized_ = state.oxidized;
  positivity_transfer_ = state.positivity_transfer;
  minimum_ = state.minimum;
  relative_minimum_ = state.relative_minimum;
}

void TransportSolver::set_loading(const std::vector<long>& cells,
                                  const std::vector<std::vector<double>>& rates) {
  loading_cells_ = cells;
  loading_rates_ = rates;
}

namespace {
/// The fields of a SpeciesBalance kept by checkpoints, in order.
constexpr double SpeciesBalance::*kBalanceFields[] = {
    &SpeciesBalance::dissolved,      &SpeciesBalance::sorbed,   &SpeciesBalance::immobile,
    &SpeciesBalance::inflow,         &SpeciesBalance::outflow,  &SpeciesBalance::sources,
    &SpeciesBalance::decayed,        &SpeciesBalance::produced, &SpeciesBalance::removed,
    &SpeciesBalance::initial_stored, &SpeciesBalance::loaded};

std::vector<double> owned_values(Vec vector) {
  const PetscScalar* values = nullptr;
  PetscInt size = 0;
  TF_PETSC_CHECK(VecGetLocalSize(vector, &size));
  TF_PETSC_CHECK(VecGetArrayRead(vector, &values));
  std::vector<double> copy(values, values + size);
  TF_PETSC_CHECK(VecRestoreArrayRead(vector, &values));
  return copy;
}

void set_owned_values(Vec vector, const std::vector<double>& values) {
  PetscScalar* target = nullptr;
  TF_PETSC_CHECK(VecGetArray(vector, &target));
  std::copy(values.begin(), values.end(), target);
  TF_PETSC_CHECK(VecRestoreArray(vector, &target));
}

std::vector<double> flatten(const std::vector<std::vector<double>>& table) {
  std::vector<double> flat;
  for (const auto& row : table)
    flat.insert(flat.end(), row.begin(), row.end());
  return flat;
}

void unflatten(const std::vector<double>& flat, std::vector<std::vector<double>>& table) {
  std::size_t n = 0;
  for (auto& row : table)
    for (auto& value : row)
      value = flat.at(n++);
}
} // namespace

void TransportSolver::save_state(StateRecord& record) const {
  for (std::size_t s = 0; s < concentration_.size(); ++s) {
    const std::string prefix = fmt::format("transport/{}/", s);
    record.cells[prefix + "mobile"] = owned_values(concentration_[s]);
    record.cells[prefix + "previous"] = owned_values(previous_[s]);
    record.cells[prefix + "immobile"] = immobile_[s];
  }
  record.values["transport/older_dt"] = older_dt_;
  record.values["transport/napl_mass"] = napl_mass_;
  record.values["transport/napl_dissolution"] = napl_dissolution_;
  record.values["transport/well_concentration"] = flatten(well_concentration_);
  record.values["transport/counters"] = {static_cast<double>(linear_iterations_),
                                         static_cast<double>(tvd_sweeps_),
                                         static_cast<double>(nonlinear_iterations_)};
  std::vector<double> balances;
  for (const auto& balance : local_balance_)
    for (const auto field : kBalanceFields)
      balances.push_back(balance.*field);
  record.per_rank["transport/balances"] = balances;
  record.per_rank["transport/zone_decayed"] = flatten(zone_decayed_);
  record.per_rank["transport/oxidized"] = flatten(oxidized_);
}

void TransportSolver::load_state(const StateRecord& record, bool branch) {
  advanced_ = true; // the balances are the checkpoint's, initial mass included
  for (std::size_t s = 0; s < concentration_.size(); ++s) {
    const std::string prefix = fmt::format("transport/{}/", s);
    set_owned_values(concentration_[s], record.cells.at(prefix + "mobile"));
    set_owned_values(previous_[s], record.cells.at(prefix + "previous"));
    immobile_[s] = record.cells.at(prefix + "immobile");
  }
  older_dt_ = record.value("transport/older_dt");
  napl_mass_ = record.value("transport/napl_mass");
  napl_dissolution_ = record.value("transport/napl_dissolution");
  if (branch) {
    // The deck's own wells come first; the actions' wells (after them) start afresh.
    const auto& saved = record.value("transport/well_concentration");
    const std::size_t species = well_concentration_.size();
    const std::size_t wells = species > 0 ? saved.size() / species : 0;
    for (std::size_t s = 0; s < species; ++s)
      for (std::size_t w = 0; w < std::min(wells, well_concentration_[s].size()); ++w)
        well_concentration_[s][w] = saved[s * wells + w];
  } else {
    unflatten(record.value("transport/well_concentration"), well_concentration_);
  }
  const auto& counters = record.value("transport/counters");
  linear_iterations_ = static_cast<long>(counters.at(0));
  tvd_sweeps_ = static_cast<long>(counters.at(1));
  nonlinear_iterations_ = static_cast<long>(counters.at(2));
  const auto& balances = record.per_rank.at("transport/balances");
  std::size_t n = 0;
  for (auto& balance : local_balance_)
    for (const auto field : kBalanceFields)
      balance.*field = balances.at(n++);
  if (!branch) {
    unflatten(record.per_rank.at("transport/zone_decayed"), zone_decayed_);
    unflatten(record.per_rank.at("transport/oxidized"), oxidized_);
  }
}

std::vector<SpeciesBalance> TransportSolver::balances() const {
  std::vector<SpeciesBalance> total = local_balance_;
  for (auto& balance : total) {
    double values[std::size(kBalanceFields)];
    for (std::size_t f = 0; f < std::size(kBalanceFields); ++f)
      values[f] = balance.*kBalanceFields[f];
    MPI_Allreduce(MPI_IN_PLACE, values, static_cast<int>(std::size(kBalanceFields)), MPI_DOUBLE,
                  MPI_SUM, grid_.comm());
    for (std::size_t f = 0; f < std::size(kBalanceFields); ++f)
      balance.*kBalanceFields[f] = values[f];
  }
  return total;
}

} // namespace terrafate
