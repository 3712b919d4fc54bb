// Boundary values of the flow solver: each boundary cell's inflow, the time series of boundary
// values, the recharge caps, and the fixed-head cells (cell-form head boundaries, MODFLOW CHD) in
// the linear system and the budget; whether the stresses change between stress periods.
#include "terrafate/flow/flow_solver.hpp"

#include <algorithm>
#include <cmath>

namespace terrafate {

double FlowSolver::boundary_inflow(std::size_t b, const BoundaryCell& cell, double head,
                                   double* derivative) const {
  const auto& boundary = spec_.boundaries[b];
  if (fixes_heads(b)) {
    if (derivative) *derivative = 0.0;
    return cell.inflow;
  }
  if (boundary.type == FlowBoundary::Type::flux) {
    if (derivative) *derivative = 0.0;
    return cell.coefficient * flux_factor(boundary, cell);
  }
  if (boundary.type == FlowBoundary::Type::river && head <= cell.bottom) {
    // Disconnected: the river leaks through its bed at the rate of a head at the bed's bottom.
    if (derivative) *derivative = 0.0;
    return cell.coefficient * (cell.level - cell.bottom);
  }
  if (boundary.type == FlowBoundary::Type::drain && head <= cell.level) {
    if (derivative) *derivative = 0.0;
    return 0.0;
  }
  // A side face of a convertible cell conducts through the saturated part, weighted as an
  // interior face with the boundary head on the other side.
  FaceWeight weight;
  if (boundary.form == FlowBoundary::Form::face && face_axis(boundary.face) != 2 &&
      cell_convertible(cell.i, cell.j, cell.k))
    weight = face_weight(true, head, {cell.i, cell.j, cell.k}, true, cell.level,
                         {cell.i, cell.j, cell.k});
  const double difference = cell.level - head;
  if (derivative) *derivative = cell.coefficient * (weight.by_a * difference - weight.value);
  return cell.coefficient * weight.value * difference;
}

void FlowSolver::apply_series(double step_time, double linear_time) {
  const double previous_step = series_step_time_, previous_linear = series_linear_time_;
  series_step_time_ = step_time;
  series_linear_time_ = linear_time;
  for (std::size_t w = 0; w < spec_.wells.size(); ++w)
    if (const auto& series = spec_.wells[w].rate_series)
      well_rates_[w] = series->at(step_time, linear_time);
  for (std::size_t b = 0; b < spec_.boundaries.size(); ++b) {
    const auto& boundary = spec_.boundaries[b];
    if (const auto& series = boundary.conductance_series;
        series && series->at(step_time, linear_time) != series->at(previous_step, previous_linear))
      apply_conductance(b, step_time, linear_time);
    if (!boundary.vertex_series.empty()) {
      // A polyline's levels from its vertices' series (FlowBoundary::site_level).
      if (fixes_heads(b))
        for (const auto& site : boundary.sites)
          fixed_heads_.at(global_index(site.i, site.j, site.k)) =
              boundary.site_level(site, step_time, linear_time);
      for (auto& cell : boundary_cells_[b])
        cell.level = boundary.site_level(boundary.sites[cell.site], step_time, linear_time);
      continue;
    }
    if (!boundary.series) continue;
    const double value = boundary.series->at(step_time, linear_time);
    series_values_[b] = value;
    if (boundary.type == FlowBoundary::Type::flux) continue; // flux_factor scales it
    if (fixes_heads(b)) {
      for (const auto& site : boundary.sites)
        fixed_heads_.at(global_index(site.i, site.j, site.k)) = value;
      continue;
    }
    for (auto& cell : boundary_cells_[b])
      cell.level = value;
  }
}

void FlowSolver::apply_conductance(std::size_t b, double step_time, double linear_time) {
  const double conductance = spec_.boundaries[b].conductance_series->at(step_time, linear_time);
  for (auto& cell : boundary_cells_[b]) {
    const double open = conductance * cell.measure; // [m2/d] the boundary's own conductance
    // In series with a face's half cell (inner_resistance; 0 on the cell forms).
    cell.coefficient = open > 0.0 ? 1.0 / (1.0 / open + cell.inner_resistance) : 0.0;
  }
  // The conductance sits on the operator's diagonal: every rank sets it up again (collective),
  // whether it holds cells of the boundary or not. A Newton solve forms its Jacobian anew.
  assembled_dt_ = -1.0;
  preconditioner_dt_ = -1.0;
}

double FlowSolver::flux_factor(const FlowBoundary& boundary, const BoundaryCell& cell) const {
  const double series =
      boundary.series
          ? series_values_[static_cast<std::size_t>(&boundary - spec_.boundaries.data())]
          : 1.0;
  if (boundary.face != Face::zmax) return series;
  double factor = series;
  const auto center = grid_.cell_center(cell.i, cell.j, cell.k);
  for (const auto& cap : spec_.caps) {
    if (!cap.active_during(period_begin_, period_end_)) continue;
    if (cap.covers(center[0], center[1])) factor *= cap.factor;
  }
  return factor;
}

void FlowSolver::apply_fixed_heads() {
  DmdaArrayWrite<PetscScalar***> rhs(grid_.dm(), rhs_);
  auto* b = rhs.get();
  for (const auto& row : fixed_rows_)
    b[row.k][row.j][row.i] = row.diagonal * fixed_heads_.at(global_index(row.i, row.j, row.k));
  for (const auto& link : fixed_links_)
    b[link.k][link.j][link.i] += link.transmissibility * fixed_heads_.at(link.neighbour);
}

void FlowSolver::update_fixed_head_inflows(double period_begin, double period_end, double dt) {
  if (!fixed_local_) return;
  newton_dt_ = dt;
  newton_period_begin_ = period_begin;
  newton_period_end_ = period_end;
  VecHandle residual;
  TF_PETSC_CHECK(VecDuplicate(head_, residual.out()));
  evaluate_newton(head_, residual, nullptr, false);
  DmdaArrayRead<const PetscScalar***> outflow(grid_.dm(), residual);
  for (std::size_t b = 0; b < spec_.boundaries.size(); ++b)
    if (fixes_heads(b))
      for (auto& cell : boundary_cells_[b])
        cell.inflow = outflow.get()[cell.k][cell.j][cell.i];
}

void FlowSolver::set_well_window(std::size_t w, double start, double end) {
  well_window_.at(w) = {start, end};
}

bool FlowSolver::stresses_change(double begin, double end) const {
  if (stats_.solves == 0 && !head_given_) return true;
  const double middle = 0.5 * (begin + end);
  const auto moved = [&](const TimeSeries& series) {
    return series.at(middle) != series.at(series_step_time_, series_linear_time_);
  };
  for (const auto& boundary : spec_.boundaries)
    for (const auto* series : boundary.all_series())
      if (moved(*series)) return true;
  for (const auto& well : spec_.wells)
    if (well.rate_series && moved(*well.rate_series)) return true;
  for (std::size_t w = 0; w < spec_.wells.size(); ++w)
    if (well_active(w, begin, end) != well_active(w, period_begin_, period_end_)) return true;
  return std::any_of(spec_.caps.begin(), spec_.caps.end(), [&](const auto& cap) {
    return cap.active_during(begin, end) != cap.active_during(period_begin_, period_end_);
  });
}

} // namespace terrafate
