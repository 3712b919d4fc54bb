#pragma once
// The remediation actions during a run: their excavations and injections, pump-and-treat, and
// the ledger of what they consume and remove, accumulated step by step from the simulated flow
// and transport.
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/core/state_record.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/grid/materials.hpp"
#include "terrafate/remediation/ledger.hpp"
#include "terrafate/remediation/remediation.hpp"
#include "terrafate/soil/soil_columns.hpp"
#include "terrafate/transport/transport_solver.hpp"

namespace terrafate {

class ActionRun {
public:
  /// Collective. `transport` is null without a transport: section, `soil` without soil columns.
  /// Throws InputError when an excavation digs cells without a bulk density.
  ActionRun(MPI_Comm comm, const Grid& grid, const Materials& materials,
            const std::vector<RemediationAction>& actions, const TransportSpec* transport,
            double end_time, SoilColumns* soil);

  /// Times [d] the transport steps must land on: zone windows, excavations, the checks of the
  /// contingent actions' triggers, and for each check the end (`duration`) and injections a
  /// triggered action firing there would have.
  std::vector<double> breakpoints() const;
  /// Times [d] the flow's stress periods must change at: every check of a triggered pump-and-
  /// treat's trigger and, with a duration, the end it would have if it fired there.
  std::vector<double> well_switch_times() const;
  /// Gives `flow` the windows of the triggered pump-and-treat wells (from their firing; not
  /// fired: none).
  void apply_well_windows(FlowSolver& flow) const;
  /// The contingent actions (indices into the actions) not yet started whose trigger has a
  /// check due at t [d]; each is marked checked.
  std::vector<std::size_t> checks_due(double t);
  /// Starts contingent action `a` at t [d] (its trigger fired; the same call on every rank).
  void fire(std::size_t a, double t, TransportSolver* transport);
  /// [d] when action `a` starts: its deck start, a fired contingent action's firing time, or
  /// infinity for one that has not fired.
  double start(std::size_t a) const { return starts_[a]; }
  /// [d] when action `a` ends: its deck end, or a fired triggered action's firing time plus its
  /// duration (at most the end of the run).
  double end(std::size_t a) const { return ends_[a]; }
  /// Whether action `a` is in effect at t [d]: start <= t <= end.
  bool in_effect(std::size_t a, double t) const { return starts_[a] <= t && t <= ends_[a]; }
  /// Collective: the excavations and oxidant injections due at time t [d], before the step
  /// from t.
  void before_step(double t, TransportSolver& transport);
  /// Collective: pumping, treatment and removal by pump-and-treat over the step [t, t + dt].
  void after_step(double t, double dt, const FlowSolver& flow, const FlowSpec& flow_spec,
                  TransportSolver* transport);
  /// Collective: ledger.csv text for the run up to time t [d] (rank 0's is the one written).
  std::string csv(double t, const TransportSolver* transport) const;
  /// The ledger so far and the one-off events done, for a checkpoint.
  void save_state(StateRecord& record) const;
  void load_state(const StateRecord& record);

private:
  /// The materials and fuel of a structure in place from the start (barrier, wall).
  void install(const RemediationAction& action);
  /// An excavation's requested volume, its `soil` [t] by disposal route and as waste, at t [d].
  void add_disposal(const RemediationAction& action, double soil, double t);

  const std::vector<RemediationAction>& actions_;
  double end_time_;
  SoilColumns* soil_; ///< null without soil columns
  std::size_t species_;
  std::vector<std::string> names_;
  std::vector<TransportSource> sources_;
  std::vector<bool> done_;                                   ///< excavations carried out
  std::vector<std::vector<bool>> injected_{actions_.size()}; ///< injections carried out
  std::vector<double> soil_mass_;                            ///< [t] per action (excavations)
  /// Starts the reaction zone and oxidation of action `a` over its window in `transport`.
  void start_reactions(std::size_t a, TransportSolver& transport) const;

  std::vector<double> starts_;     ///< [d] per action: start (contingent: when fired)
  std::vector<double> ends_;       ///< [d] per action: end (triggered with a duration: fired + it)
  std::vector<double> next_check_; ///< [d] per contingent action: its next trigger check
  Ledger ledger_;
};

} // namespace terrafate
