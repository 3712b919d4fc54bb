#include "terrafate/run/run_reports.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "terrafate/core/version.hpp"
#include "terrafate/io/atomic_file.hpp"
#include "terrafate/run/run_outputs.hpp"

namespace terrafate {

CarbonResult write_footprint(const std::filesystem::path& folder, const Model& model,
                             const Ledger& ledger) {
  std::vector<LedgerLine> lines;
  for (const auto& entry : ledger.entries()) {
    std::string type;
    for (const auto& action : model.remediation)
      if (action.name == entry.action) type = action.type_name;
    lines.push_back(
        {entry.action, type, entry.item, entry.quantity, entry.unit, entry.start, entry.end});
  }
  const auto items = footprint(lines, *model.carbon);
  const auto indicator_rows = indicators(lines, items, model.indicators);
  io::write_file_atomically(folder / "footprint.csv", footprint_csv(indicator_rows));
  std::map<std::string, ActionWindow> windows;
  for (const auto& action : model.remediation)
    if (!action.trigger) windows[action.name] = {action.start, action.end};
  // A contingent action costs from when it fired (its ledger's window); unfired, nothing.
  for (const auto& entry : ledger.entries())
    for (const auto& action : model.remediation)
      if (action.trigger && action.name == entry.action)
        windows[action.name] = {entry.start, entry.end};
  const auto cost = present_value(items, model.present_value, windows, model.carbon->currency);
  io::write_file_atomically(folder / "cost.csv", present_value_csv(cost));
  std::string text = "action,item,phase,quantity,unit,factor_key,factor_kgco2e_per_unit,tco2e,"
                     "cost,factor_source,factor_status\n";
  double phases[4] = {}, costs[4] = {}, total = 0.0, cost_total = 0.0;
  for (const auto& item : items) {
    text += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(item.ledger.action),
                        csv_field(item.ledger.item), phase_name(item.phase), item.ledger.quantity,
                        item.ledger.unit, item.factor_key, item.factor.value, item.tco2e,
                        std::isnan(item.cost) ? std::string("nan") : fmt::format("{}", item.cost),
                        csv_field(item.factor.source), csv_field(item.factor.status));
    phases[static_cast<int>(item.phase)] += item.tco2e;
    total += item.tco2e;
    if (!std::isnan(item.cost)) {
      costs[static_cast<int>(item.phase)] += item.cost;
      cost_total += item.cost;
    }
  }
  io::write_file_atomically(folder / "carbon.csv", text);
  std::string summary = fmt::format("phase,tco2e,cost_{}\n", model.carbon->currency);
  for (int p = 0; p < 4; ++p)
    summary += fmt::format("{},{},{}\n", phase_name(static_cast<Phase>(p)), phases[p], costs[p]);
  summary += fmt::format("total,{},{}\n", total, cost_total);
  io::write_file_atomically(folder / "carbon_summary.csv", summary);
  CarbonResult result{{},
                      {},
                      total,
                      cost_total,
                      indicator_totals(indicator_rows),
                      cost.total,
                      model.carbon->currency,
                      cost.status()};
  for (int p = 0; p < 4; ++p) {
    result.phase_tco2e[phase_name(static_cast<Phase>(p))] = phases[p];
    result.phase_cost[phase_name(static_cast<Phase>(p))] = costs[p];
  }
  return result;
}

void write_run_summary(const std::filesystem::path& folder, const Model& model, int ranks,
                       long steps, const FlowSolver& flow, const TransportSolver* transport,
                       long retries, double max_closure, double max_mass_closure,
                       const RunTimes& times, const std::vector<std::string>& warnings) {
  std::string warning_list;
  for (const auto& warning : warnings) {
    std::string quoted = "\"";
    for (const char c : warning) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c == '\n' ? ' ' : c;
    }
    warning_list += fmt::format("{}\n    {}\"", warning_list.empty() ? "" : ",", quoted);
  }
  const auto& stats = flow.stats();
  const std::string summary = fmt::format(
      R"({{
  "program": "terrafate",
  "version": "{}",
  "git_commit": "{}",
  "ranks": {},
  "cells": {},
  "steps": {},
  "flow_solves": {},
  "flow_iterations": {},
  "last_flow_iterations": {},
  "model_setup_seconds": {:.6f},
  "last_flow_setup_seconds": {:.6f},
  "last_flow_solve_seconds": {:.6f},
  "time_loop_seconds": {:.6f},
  "output_seconds": {:.6f},
  "wall_seconds": {:.6f},
  "max_budget_closure": {:.6e},
  "transport_iterations": {},
  "transport_tvd_sweeps": {},
  "transport_nonlinear_iterations": {},
  "transport_step_retries": {},
  "transport_seconds": {:.6f},
  "max_mass_balance_closure": {:.6e},
  "min_concentration": {},
  "min_relative_concentration": {},
  "warnings": [{}{}]
}}
)",
      kVersion, kGitCommit, ranks, model.grid.total_cells(), steps, stats.solves,
      stats.total_iterations, stats.iterations, times.model_setup, stats.setup_seconds,
      stats.solve_seconds, times.time_loop, times.output, times.wall, max_closure,
      transport ? transport->linear_iterations() : 0, transport ? transport->tvd_sweeps() : 0,
      transport ? transport->nonlinear_iterations() : 0, retries, times.transport, max_mass_closure,
      transport ? transport->minimum_concentration() : 0.0,
      transport ? transport->minimum_relative_concentration() : 0.0, warning_list,
      warning_list.empty() ? "" : "\n  ");
  io::write_file_atomically(folder / "run_summary.json", summary);
}

} // namespace terrafate
