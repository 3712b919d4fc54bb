#include "terrafate/studies/evaluator.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "terrafate/search/decision.hpp"

namespace terrafate {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
/// Violation of a design whose simulation failed (beyond any risk ratio a run can report).
constexpr double kFailedViolation = 1.0e6;

/// One run's evaluation from its status and results (a strategy, or one realization of it).
Evaluation evaluate_run(const RunOutcome& outcome, const ObjectiveSpec& objective,
                        const search::DecisionRule& rule, double target_risk,
                        double target_quotient) {
  const RunResult& run = outcome.result;
  Evaluation result;
  result.status = outcome.status;
  result.ok = result.status == "ok";
  if (!result.ok) return result;
  result.feasible = !run.receptors.empty();
  double latest = 0.0;
  for (const auto& receptor : run.receptors) {
    const double t = receptor.time_to_target;
    result.max_cancer_risk = std::max(result.max_cancer_risk, receptor.max_cancer_risk);
    if (std::isnan(t) || t > objective.deadline) result.feasible = false;
    latest = std::isnan(t) || std::isnan(latest) ? kNaN : std::max(latest, t);
  }
  result.time_to_target = latest;
  result.unstable = unstable_run(run, rule.stability_window, target_risk, target_quotient);
  result.probability = result.feasible ? 1.0 : 0.0;
  const auto single = search::clopper_pearson(result.feasible ? 1 : 0, 1, 0.05);
  result.p_low = single.low;
  result.p_high = single.high;
  for (std::size_t n = 0; n < run.output_times.size(); ++n)
    if (run.output_times[n] >= objective.deadline)
      for (const auto& receptor : run.receptors)
        result.exceedance_after =
            std::max({result.exceedance_after, receptor.site_cancer_risk[n] / target_risk,
                      receptor.site_hazard_index[n] / target_quotient});
  // The worst ratio over the receptors' contaminants from the deadline on (in risk.csv's row
  // order: time, receptor, contaminant; the first of equal ratios is where it fails).
  result.worst_ratio = 0.0;
  for (std::size_t n = 0; n < run.output_times.size(); ++n) {
    const double t = run.output_times[n];
    if (t < objective.deadline) continue;
    for (const auto& receptor : run.receptors) {
      const std::size_t species = receptor.standard_ratio.size() / run.output_times.size();
      for (std::size_t s = n * species; s < (n + 1) * species; ++s) {
        const std::pair<double, const char*> ratios[] = {
            {receptor.contaminant_cancer_risk[s] / target_risk, "cancer_risk"},
            {receptor.contaminant_hazard_quotient[s] / target_quotient, "hazard_quotient"},
            {receptor.standard_ratio[s], "standard"}};
        for (const auto& [ratio, criterion] : ratios)
          if (ratio > result.worst_ratio) {
            result.worst_ratio = ratio;
            result.failing_receptor = receptor.name;
            result.failing_criterion = criterion;
            result.failing_time = t;
          }
      }
    }
  }
  if (run.carbon) {
    const CarbonResult& carbon = *run.carbon;
    result.tco2e = carbon.tco2e;
    result.cost = carbon.cost;
    result.phases = carbon.phase_tco2e;
    result.indicators = carbon.indicators;
    result.present_value = carbon.present_value;
    result.cost_status = carbon.cost_status;
    result.currency = carbon.currency;
  }
  return result;
}

/// The k-th smallest (k from 1) of `values`, NaN counting as +infinity (returned as NaN).
double order_statistic(std::vector<double> values, std::size_t k) {
  for (auto& v : values)
    if (std::isnan(v)) v = kInf;
  std::sort(values.begin(), values.end());
  const double v = values[std::min(k, values.size()) - 1];
  return std::isinf(v) ? kNaN : v;
}

/// A strategy over the realizations of an ensemble: probability of compliance = the fraction
/// of realizations that comply (failed ones do not); time to target and peak exceedance after
/// the deadline = the values reached with that confidence (the ceil(confidence x n)-th smallest
/// over the realizations); t CO2e, cost and phases = means over the realizations that ran;
/// max cancer risk = the largest.
Evaluation aggregate(const std::vector<Evaluation>& members, const search::DecisionRule& rule) {
  const double confidence = rule.confidence;
  Evaluation result;
  const auto n = members.size();
  const auto k = static_cast<std::size_t>(std::ceil(confidence * static_cast<double>(n) - 1e-9));
  std::vector<double> times, exceedances, worst;
  double compliant = 0.0, ran = 0.0;
  std::string failure;
  for (const auto& m : members) {
    if (!m.ok) {
      if (failure.empty()) failure = m.status;
      times.push_back(kNaN);
      exceedances.push_back(kNaN);
      worst.push_back(kNaN);
      continue;
    }
    worst.push_back(m.worst_ratio);
    // Where it fails: the realization with the largest worst ratio.
    if (!(m.worst_ratio <= result.worst_ratio) || result.failing_receptor.empty()) {
      result.failing_receptor = m.failing_receptor;
      result.failing_criterion = m.failing_criterion;
      result.failing_time = m.failing_time;
      result.worst_ratio = m.worst_ratio;
    }
    ran += 1.0;
    if (m.feasible) compliant += 1.0;
    result.unstable = result.unstable || m.unstable;
    times.push_back(m.feasible ? m.time_to_target : kNaN);
    exceedances.push_back(m.exceedance_after);
    result.max_cancer_risk = std::max(result.max_cancer_risk, m.max_cancer_risk);
    result.tco2e += m.tco2e;
    result.cost += m.cost;
    for (const auto& [phase, value] : m.phases)
      result.phases[phase] += value;
    for (const auto& [name, value] : m.indicators)
      result.indicators[name] += value;
    result.present_value = ran == 1.0 ? m.present_value : result.present_value + m.present_value;
    result.currency = m.currency;
    if (result.cost_status.empty() || m.cost_status != "complete")
      result.cost_status = m.cost_status;
  }
  // At least one realization ran: the strategy is judged (the failed ones do not comply).
  result.ok = ran > 0;
  result.status = failure.empty() ? std::string("ok")
                                  : fmt::format("{} of {} realizations failed: {}",
                                                n - static_cast<std::size_t>(ran), n, failure);
  if (ran > 0) {
    result.tco2e /= ran;
    result.cost /= ran;
    for (auto& [phase, value] : result.phases)
      value /= ran;
    for (auto& [name, value] : result.indicators)
      value /= ran;
    result.present_value /= ran;
  }
  result.probability = compliant / static_cast<double>(n);
  result.realizations = static_cast<int>(n);
  const auto interval = search::clopper_pearson(static_cast<std::size_t>(compliant), n, rule.alpha);
  result.p_low = interval.low;
  result.p_high = interval.high;
  result.feasible = (rule.on_lower_bound ? result.p_low : result.probability) >= confidence;
  result.time_to_target = order_statistic(times, std::max<std::size_t>(k, 1));
  result.exceedance_after = order_statistic(exceedances, std::max<std::size_t>(k, 1));
  if (std::isnan(result.exceedance_after)) result.exceedance_after = kInf;
  result.worst_ratio = order_statistic(worst, std::max<std::size_t>(k, 1));
  return result;
}

/// The search's view of an evaluation.
} // namespace

search::DesignFitness fitness_of(const Evaluation& e, const ObjectiveSpec& objective) {
  search::DesignFitness f;
  f.objectives = {e.tco2e, e.time_to_target, e.cost};
  // minimize: cost ranks on the present value (carbon.present_value: discounted, with capital
  // and O&M), not on the undiscounted priced ledger items of `cost`.
  f.minimized = objective.minimize == "cost" ? e.present_value : e.tco2e;
  f.feasible = e.ok && e.feasible;
  if (!e.ok) {
    f.violation = f.constraint = kFailedViolation;
    return f;
  }
  const double excess =
      std::isfinite(e.exceedance_after) ? e.exceedance_after - 1.0 : kFailedViolation;
  const double shortfall =
      std::max(objective.confidence - (objective.on_lower_bound ? e.p_low : e.probability), 0.0);
  if (f.feasible) {
    f.violation = 0.0;
    f.constraint = std::min(excess, 0.0);
  } else {
    f.violation = std::max(shortfall + std::max(excess, 0.0), 1.0e-9);
    f.constraint = std::max(excess, 1.0e-9);
  }
  return f;
}

Evaluator::Evaluator(const RunGroups& groups, MPI_Comm world, const Deck& deck,
                     const OptimizationSpec& spec, const RunOptions& options, bool branching)
    : groups_(groups), world_(world), deck_(deck), spec_(spec), options_(options),
      branching_(branching) {
  const ConfigNode risk = deck.root.at("risk");
  target_risk_ =
      risk.has("target") ? risk.at("target").quantity_or("cancer_risk", 1e-6, "1") : 1e-6;
  target_quotient_ =
      risk.has("target") ? risk.at("target").quantity_or("hazard_quotient", 1.0, "1") : 1.0;
}

bool Evaluator::finished_earlier(const std::filesystem::path& folder, const std::string& deck_text,
                                 RunResult& result) const {
  int finished = 0;
  if (options_.resume && groups_.group_root())
    if (auto kept = read_finished_run(folder, deck_text)) {
      result = std::move(*kept);
      finished = 1;
    }
  MPI_Bcast(&finished, 1, MPI_INT, 0, groups_.comm());
  return finished != 0;
}

void Evaluator::discard_unfinished(const std::filesystem::path& folder) const {
  // A run killed part-way never recorded its files in its folder's manifest, which --overwrite
  // would then refuse; the folder is this optimization's own, so it is emptied.
  if (options_.resume && groups_.group_root()) std::filesystem::remove_all(folder);
}

void Evaluator::run_histories(const std::string& text) const {
  for (int r = groups_.group(); r < realizations(); r += groups_.groups()) {
    const Deck deck = deck_of(text, r);
    RunResult ignored;
    if (finished_earlier(history(r), deck.text, ignored) &&
        std::filesystem::exists(history(r) / "branch.h5"))
      continue;
    RunOptions base = options_;
    base.resume = false;
    base.output_folder = history(r);
    base.overwrite = true;
    base.quiet = true;
    base.breakpoints = {spec_.branch_time};
    base.stop_at = spec_.branch_time;
    base.stop_checkpoint = history(r) / "branch.h5";
    if (spec_.ensemble) base.fields = realization_fields(*spec_.ensemble, r);
    discard_unfinished(history(r));
    const RunResult result = run_simulation(groups_.comm(), deck, base);
    if (groups_.group_root()) {
      write_finished_run(history(r), deck.text, result);
      write_run_status(history(r), "ok");
    }
  }
  MPI_Barrier(world_);
}

std::vector<Evaluation> Evaluator::run(const std::vector<Candidate>& batch) const {
  const int n = realizations();
  const int tasks = static_cast<int>(batch.size()) * n;
  std::map<int, RunOutcome> mine;                            // this group's tasks, on its root
  std::vector<int> kept(static_cast<std::size_t>(tasks), 0); // 1: kept from an earlier run
  for (int t = groups_.group(); t < tasks; t += groups_.groups()) {
    const auto& candidate = batch[static_cast<std::size_t>(t / n)];
    const int r = t % n;
    const Deck deck = deck_of(candidate.text, r);
    // --resume: a run that finished simulating this very deck is not simulated again.
    if (RunOutcome earlier{"ok", {}};
        finished_earlier(folder(candidate.name, r), deck.text, earlier.result)) {
      kept[static_cast<std::size_t>(t)] = 1;
      if (groups_.group_root()) mine[t] = std::move(earlier);
      continue;
    }
    RunOptions run = options_;
    run.resume = false;
    run.output_folder = folder(candidate.name, r);
    run.overwrite = true;
    run.quiet = true;
    run.breakpoints = {spec_.branch_time};
    if (branching_) {
      run.restart = history(r) / "branch.h5";
      run.branch = true;
    }
    if (spec_.ensemble) run.fields = realization_fields(*spec_.ensemble, r);
    discard_unfinished(run.output_folder);
    RunOutcome outcome{"ok", {}};
    try {
      outcome.result = run_simulation(groups_.comm(), deck, run);
    } catch (const InputError& e) {
      outcome.status = fmt::format("input error: {}", e.what());
    } catch (const NumericalError& e) {
      outcome.status = fmt::format("numerical error: {}", e.what());
    }
    if (groups_.group_root()) {
      // The record first: a status "ok" always has its results next to it.
      if (outcome.status == "ok") write_finished_run(run.output_folder, deck.text, outcome.result);
      write_run_status(run.output_folder, outcome.status);
      mine[t] = std::move(outcome);
    }
  }
  auto outcomes = gather_run_outcomes(world_, mine, tasks);
  // Each group's root marked its kept runs (the other ranks of a group mark the same ones).
  MPI_Allreduce(MPI_IN_PLACE, kept.data(), tasks, MPI_INT, MPI_MAX, world_);
  for (const int k : kept)
    ++(k ? kept_runs_ : simulated_runs_);
  std::vector<Evaluation> results(batch.size());
  constexpr std::size_t kNumbers = 11;
  std::vector<double> numbers(batch.size() * kNumbers, 0.0);
  if (groups_.world_root())
    for (std::size_t c = 0; c < batch.size(); ++c) {
      std::vector<Evaluation> members;
      for (int r = 0; r < n; ++r)
        members.push_back(evaluate_run(outcomes[c * static_cast<std::size_t>(n) + r],
                                       spec_.objective, spec_.decision, target_risk_,
                                       target_quotient_));
      results[c] = spec_.ensemble ? aggregate(members, spec_.decision) : members.front();
      for (int r = 0; r < n; ++r) // what the trajectories are drawn from
        results[c].runs.push_back(std::move(outcomes[c * static_cast<std::size_t>(n) + r].result));
      const auto& e = results[c];
      const double row[kNumbers] = {e.ok ? 1.0 : 0.0,
                                    e.feasible ? 1.0 : 0.0,
                                    e.tco2e,
                                    e.time_to_target,
                                    e.cost,
                                    e.probability,
                                    e.exceedance_after,
                                    e.max_cancer_risk,
                                    e.p_low,
                                    e.p_high,
                                    static_cast<double>(e.realizations)};
      std::copy(row, row + kNumbers, numbers.begin() + static_cast<long>(kNumbers * c));
    }
  MPI_Bcast(numbers.data(), static_cast<int>(numbers.size()), MPI_DOUBLE, 0, world_);
  for (std::size_t c = 0; c < batch.size(); ++c) {
    auto& e = results[c];
    const double* row = numbers.data() + kNumbers * c;
    e.ok = row[0] == 1.0;
    e.feasible = row[1] == 1.0;
    e.tco2e = row[2];
    e.time_to_target = row[3];
    e.cost = row[4];
    e.probability = row[5];
    e.exceedance_after = row[6];
    e.max_cancer_risk = row[7];
    e.p_low = row[8];
    e.p_high = row[9];
    e.realizations = static_cast<int>(row[10]);
    e.name = batch[c].name;
    e.kept = std::all_of(kept.begin() + static_cast<long>(c) * n,
                         kept.begin() + static_cast<long>(c + 1) * n, [](int k) { return k == 1; });
    e.level = batch[c].level;
    e.design = batch[c].design;
    e.values = batch[c].values;
  }
  return results;
}

void Evaluator::keep_fields_of(const std::vector<Evaluation>& evaluations,
                               const std::string& recommended) const {
  const auto remove_fields = [](const std::filesystem::path& run) {
    std::filesystem::remove(run / "results.h5");
    std::filesystem::remove(run / "results.xmf");
    std::filesystem::remove_all(run / "vtk");
  };
  for (int r = 0; r < realizations(); ++r) {
    if (branching_) remove_fields(history(r));
    for (const auto& e : evaluations)
      if (e.name != recommended) remove_fields(folder(e.name, r));
  }
}

std::vector<io::RiskTrajectory> trajectories(const RunResult& run, const std::string& prefix) {
  std::vector<io::RiskTrajectory> result;
  if (run.output_times.empty()) return result;
  for (const auto& receptor : run.receptors)
    result.push_back({prefix + "/" + receptor.name, run.output_times, receptor.site_cancer_risk,
                      receptor.site_hazard_index});
  return result;
}

} // namespace terrafate
