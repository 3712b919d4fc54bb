#include "terrafate/studies/optimize.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "terrafate/studies/run_groups.hpp"
#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/version.hpp"
#include "terrafate/io/atomic_file.hpp"
#include "terrafate/io/trajectories_hdf5.hpp"

namespace terrafate {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kLevelNames[] = {"natural_attenuation", "risk_control", "active_remediation"};
/// Violation of a design whose simulation failed (beyond any risk ratio a run can report).
constexpr double kFailedViolation = 1.0e6;

/// The type of remediation action `name` in the deck's YAML.
std::string action_type(const Deck& deck, const std::string& name) {
  for (const auto& entry : deck.root.at("remediation").elements())
    if (entry.string("name") == name) return entry.string("type");
  return "";
}

ActionType parse_type(const std::string& type) {
  static const std::map<std::string, ActionType> types = {
      {"permeable_reactive_barrier", ActionType::permeable_reactive_barrier},
      {"barrier_wall", ActionType::barrier_wall},
      {"pump_and_treat", ActionType::pump_and_treat},
      {"excavation", ActionType::excavation},
      {"enhanced_bioremediation", ActionType::enhanced_bioremediation},
      {"thermal", ActionType::thermal},
      {"chemical_oxidation", ActionType::chemical_oxidation},
      {"source_removal", ActionType::source_removal},
      {"cap", ActionType::cap},
      {"monitoring", ActionType::monitoring},
      {"soil_vapour_extraction", ActionType::soil_vapour_extraction}};
  return types.at(type);
}

/// A numeric key of a remediation action that a design space may vary, with its base unit and
/// valid values. `key` ending in ".*" is a map of per-species values (e.g. rates.PCE).
struct NumericKey {
  std::string_view key;
  std::string_view unit;
  Range range;
};

/// The keys a design space may vary, per action type (those the remediation reader takes as
/// plain numbers; pump-and-treat's `rate` is the total extraction of its wells).
const std::vector<NumericKey>& numeric_keys(const std::string& type) {
  const Range positive = Range::positive(), non_negative = Range::non_negative();
  const Range window = non_negative, fraction = Range::fraction_open_low();
  static const std::map<std::string, std::vector<NumericKey>> keys = {
      {"pump_and_treat",
       {{"rate", "m3/d", Range{-kInf, 0.0, false, true}},
        {"start", "d", window},
        {"end", "d", window},
        {"system_head", "m", non_negative},
        {"pump_efficiency", "1", fraction},
        {"treatment_energy", "kWh/m3", non_negative},
        {"treatment_efficiency.*", "1", Range::unit_interval()}}},
      {"enhanced_bioremediation",
       {{"start", "d", window},
        {"end", "d", window},
        {"factor", "1", non_negative},
        {"injection_energy", "kWh", non_negative},
        {"donor.mass", "kg", non_negative},
        {"rates.*", "1/d", non_negative}}},
      {"thermal",
       {{"start", "d", window},
        {"end", "d", window},
        {"electricity", "kWh/m3/d", non_negative},
        {"rates.*", "1/d", non_negative}}},
      {"chemical_oxidation",
       {{"start", "d", window},
        {"end", "d", window},
        {"natural_demand", "1/d", non_negative},
        {"injection_energy", "kWh", non_negative},
        {"rate_constants.*", "L/mg/d", non_negative},
        {"demand.*", "1", non_negative}}},
      {"excavation",
       {{"start", "d", window},
        {"haul_distance", "km", non_negative},
        {"diesel_per_m3", "L/m3", non_negative}}},
      {"source_removal", {{"start", "d", window}, {"fraction", "1", fraction}}},
      {"cap",
       {{"start", "d", window},
        {"end", "d", window},
        {"factor", "1", Range::unit_interval()},
        {"volatilization_factor", "1", Range::unit_interval()}}},
      {"monitoring",
       {{"start", "d", window},
        {"end", "d", window},
        {"events_per_year", "1", positive},
        {"vehicle_km_per_event", "km", non_negative}}},
      {"soil_vapour_extraction",
       {{"start", "d", window},
        {"end", "d", window},
        {"removal_rate", "1/d", positive},
        {"power", "kW", non_negative}}},
      {"permeable_reactive_barrier",
       {{"hydraulic_conductivity", "m/d", positive},
        {"porosity", "1", fraction},
        {"reactivity_half_life", "d", positive},
        {"installation_diesel", "L/m3", non_negative},
        {"rates.*", "1/d", non_negative}}},
      {"barrier_wall",
       {{"hydraulic_conductivity", "m/d", positive},
        {"installation_diesel", "L/m3", non_negative}}},
  };
  return keys.at(type);
}

/// The remediation entry named `name` of the deck.
ConfigNode action_entry(const Deck& deck, const std::string& name) {
  for (const auto& entry : deck.root.at("remediation").elements())
    if (entry.string("name") == name) return entry;
  throw InputError(fmt::format("no remediation action named '{}'", name));
}

/// Reads one design_space entry against the deck.
search::DesignParameter read_design_parameter(const ConfigNode& entry, const Deck& deck,
                                                double horizon) {
  entry.expect_keys({"action", "parameter", "range", "choices"});
  search::DesignParameter parameter;
  parameter.action = entry.string("action");
  const std::string type = deck.root.has("remediation") ? action_type(deck, parameter.action) : "";
  if (type.empty())
    throw entry.at("action").error(
        fmt::format("no remediation action named '{}'", parameter.action));
  parameter.parameter = entry.string("parameter");
  const auto& keys = numeric_keys(type);
  const std::string& name = parameter.parameter;
  const auto dot = name.find('.');
  const NumericKey* key = nullptr;
  for (const auto& candidate : keys) {
    const bool map = candidate.key.ends_with(".*");
    if ((!map && candidate.key == name) ||
        (map && dot != std::string::npos &&
         name.substr(0, dot) == candidate.key.substr(0, candidate.key.size() - 2)))
      key = &candidate;
  }
  if (!key) {
    std::string known;
    for (const auto& candidate : keys)
      known += fmt::format("{}{}", known.empty() ? "" : ", ", candidate.key);
    throw entry.at("parameter")
        .error(fmt::format("'{}' is not a numeric parameter of a {} action (it may vary: {})", name,
                           type, known));
  }
  if (key->key.ends_with(".*")) {
    const ConfigNode action = action_entry(deck, parameter.action);
    const std::string map = name.substr(0, dot);
    if (!action.has(map) || !action.at(map).has(name.substr(dot + 1)))
      throw entry.at("parameter")
          .error(fmt::format("action '{}' gives no value {} to vary", parameter.action, name));
  }
  parameter.unit = std::string(key->unit);
  Range range = key->range;
  if (key->unit == "d") range.high = std::min(range.high, horizon);
  if (entry.has("range") == entry.has("choices"))
    throw entry.error("give either range: [low, high] or choices: [...]");
  if (const auto node = entry.find("range")) {
    const auto bounds = node->as_quantity_list(key->unit, range, 2);
    if (bounds.size() != 2) throw node->error("a range is [low, high]");
    if (!(bounds[0] < bounds[1]))
      throw node->error(fmt::format("inverted or empty range: low {} must be below high {}",
                                    bounds[0], bounds[1]));
    parameter.low = bounds[0];
    parameter.high = bounds[1];
  } else {
    const ConfigNode list = entry.at("choices");
    parameter.discrete = true;
    parameter.choices = list.as_quantity_list(key->unit, range, 1);
    const auto elements = list.elements();
    for (std::size_t n = 0; n < parameter.choices.size(); ++n)
      for (std::size_t m = 0; m < n; ++m)
        if (parameter.choices[m] == parameter.choices[n])
          throw elements[n].error(fmt::format("choice {} is listed twice", parameter.choices[n]));
  }
  return parameter;
}

/// Reads `optimizer:` (the search settings; `strategy` is read by the caller).
search::SearchSettings read_search_settings(const ConfigNode& node) {
  node.expect_keys({"population", "generations", "seed", "refinement", "strategy"});
  search::SearchSettings settings;
  if (node.has("population")) {
    settings.population = static_cast<unsigned>(node.at("population").as_integer(8, 10000));
    if (settings.population % 4 != 0)
      throw node.at("population").error("NSGA-II needs a population that is a multiple of 4");
  }
  if (node.has("generations"))
    settings.generations = static_cast<unsigned>(node.at("generations").as_integer(1, 10000));
  if (node.has("seed"))
    settings.seed = static_cast<unsigned>(node.at("seed").as_integer(0, 4294967295L));
  if (node.has("refinement"))
    settings.refinement = static_cast<unsigned>(node.at("refinement").as_integer(0, 10000));
  return settings;
}

/// The strategy deck of `root` (the deck's YAML, possibly with design values written in).
std::string strategy_text(YAML::Node root, const Deck& deck, const OptimizationSpec& spec,
                          const std::vector<std::string>& actions) {
  for (const char* key : {"strategies", "objective", "design_space", "optimizer"})
    root.remove(key);
  YAML::Node kept(YAML::NodeType::Sequence);
  if (root["remediation"])
    for (std::size_t n = 0; n < root["remediation"].size(); ++n) {
      const auto name = root["remediation"][n]["name"].as<std::string>();
      if (std::find(actions.begin(), actions.end(), name) != actions.end())
        kept.push_back(root["remediation"][n]);
    }
  root.remove("remediation");
  if (kept.size() > 0) root["remediation"] = kept;
  // The horizon is the end; output times beyond it are dropped and it is an output.
  root["time"]["end"] = fmt::format("{:.17g}", spec.objective.horizon);
  YAML::Node times(YAML::NodeType::Sequence);
  for (const double t : deck.time.output_times)
    if (t < spec.objective.horizon) times.push_back(fmt::format("{:.17g}", t));
  times.push_back(fmt::format("{:.17g}", spec.objective.horizon));
  root["time"]["output_times"] = times;
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

/// What an evaluated strategy or design achieved (over the realizations, with an ensemble).
struct Evaluation {
  std::string name;
  InterventionLevel level = InterventionLevel::natural_attenuation;
  bool design = false;
  std::vector<double> values; ///< design parameter values (designs only)
  bool ok = false;            ///< the simulation (every realization) succeeded
  std::string status;
  bool feasible = false;
  double probability = kNaN;     ///< of compliance (0 or 1 without an ensemble)
  double time_to_target = kNaN;  ///< [d] the latest over the receptors; NaN: never
  double max_cancer_risk = 0.0;  ///< over the receptors and the horizon
  double exceedance_after = 0.0; ///< largest CR/target or HI/HQ target from the deadline on
  double tco2e = 0.0, cost = 0.0;
  std::map<std::string, double> phases; ///< t CO2e per phase
};

double number(const std::string& text) {
  return text == "nan" ? kNaN : std::stod(text);
}

/// One run's results from its output folder (a strategy, or one realization of it).
Evaluation evaluate_run(const std::filesystem::path& out, const ObjectiveSpec& objective,
                        double target_risk, double target_quotient) {
  Evaluation result;
  result.status = read_run_status(out);
  result.ok = result.status == "ok";
  if (!result.ok) return result;
  const auto compliance = read_csv_table(out / "compliance.csv");
  result.feasible = !compliance.rows.empty();
  double latest = 0.0;
  for (const auto& row : compliance.rows) {
    const double t = number(row[compliance.column("time_to_target")]);
    result.max_cancer_risk =
        std::max(result.max_cancer_risk, number(row[compliance.column("max_cancer_risk")]));
    if (std::isnan(t) || t > objective.deadline) result.feasible = false;
    latest = std::isnan(t) || std::isnan(latest) ? kNaN : std::max(latest, t);
  }
  result.time_to_target = latest;
  result.probability = result.feasible ? 1.0 : 0.0;
  const auto risk = read_csv_table(out / "risk.csv");
  for (const auto& row : risk.rows)
    if (row[risk.column("species")] == "all" &&
        number(row[risk.column("time")]) >= objective.deadline)
      result.exceedance_after =
          std::max({result.exceedance_after, number(row[risk.column("cancer_risk")]) / target_risk,
                    number(row[risk.column("hazard_quotient")]) / target_quotient});
  const auto carbon = read_csv_table(out / "carbon_summary.csv");
  for (const auto& row : carbon.rows) {
    const double value = number(row[1]);
    if (row[0] == "total") {
      result.tco2e = value;
      result.cost = number(row[2]);
    } else {
      result.phases[row[0]] = value;
    }
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
Evaluation aggregate(const std::vector<Evaluation>& members, double confidence) {
  Evaluation result;
  const auto n = members.size();
  const auto k = static_cast<std::size_t>(std::ceil(confidence * static_cast<double>(n) - 1e-9));
  std::vector<double> times, exceedances;
  double compliant = 0.0, ran = 0.0;
  std::string failure;
  for (const auto& m : members) {
    if (!m.ok) {
      if (failure.empty()) failure = m.status;
      times.push_back(kNaN);
      exceedances.push_back(kNaN);
      continue;
    }
    ran += 1.0;
    if (m.feasible) compliant += 1.0;
    times.push_back(m.feasible ? m.time_to_target : kNaN);
    exceedances.push_back(m.exceedance_after);
    result.max_cancer_risk = std::max(result.max_cancer_risk, m.max_cancer_risk);
    result.tco2e += m.tco2e;
    result.cost += m.cost;
    for (const auto& [phase, value] : m.phases)
      result.phases[phase] += value;
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
  }
  result.probability = compliant / static_cast<double>(n);
  result.feasible = result.probability >= confidence;
  result.time_to_target = order_statistic(times, std::max<std::size_t>(k, 1));
  result.exceedance_after = order_statistic(exceedances, std::max<std::size_t>(k, 1));
  if (std::isnan(result.exceedance_after)) result.exceedance_after = kInf;
  return result;
}

/// The search's view of an evaluation.
search::DesignFitness fitness_of(const Evaluation& e, const ObjectiveSpec& objective) {
  search::DesignFitness f;
  f.objectives = {e.tco2e, e.time_to_target, e.cost};
  f.minimized = objective.minimize == "cost" ? e.cost : e.tco2e;
  f.feasible = e.ok && e.feasible;
  if (!e.ok) {
    f.violation = f.constraint = kFailedViolation;
    return f;
  }
  const double excess =
      std::isfinite(e.exceedance_after) ? e.exceedance_after - 1.0 : kFailedViolation;
  const double shortfall = std::max(objective.confidence - e.probability, 0.0);
  if (f.feasible) {
    f.violation = 0.0;
    f.constraint = std::min(excess, 0.0);
  } else {
    f.violation = std::max(shortfall + std::max(excess, 0.0), 1.0e-9);
    f.constraint = std::max(excess, 1.0e-9);
  }
  return f;
}

std::string json_string(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c == '\n' ? ' ' : c;
  }
  return quoted + "\"";
}

std::string json_number(double value) {
  return std::isnan(value) ? std::string("null") : fmt::format("{}", value);
}

std::string csv_number(double value) {
  return std::isnan(value) ? std::string("nan") : fmt::format("{}", value);
}
} // namespace

InterventionLevel intervention_level(ActionType type) {
  switch (type) {
  case ActionType::monitoring:
  case ActionType::cap:
  case ActionType::barrier_wall:
    return InterventionLevel::risk_control;
  default:
    return InterventionLevel::active_remediation;
  }
}

const char* level_name(InterventionLevel level) {
  return kLevelNames[static_cast<int>(level)];
}

OptimizationSpec read_optimization_spec(const Deck& deck) {
  OptimizationSpec spec;
  const ConfigNode strategies = deck.root.at("strategies");
  const auto remediation = deck.root.find("remediation");
  for (const auto& entry : strategies.elements()) {
    entry.expect_keys({"name", "actions"});
    StrategySpec strategy;
    strategy.name = entry.string("name");
    if (strategy.name.empty() || strategy.name.find_first_of(",\"\n/") != std::string::npos ||
        strategy.name.starts_with("design_"))
      throw entry.at("name").error(
          "strategy names must be non-empty, without commas, quotes or slashes, and not start "
          "with design_ (the names of the design space's designs)");
    for (const auto& other : spec.strategies)
      if (other.name == strategy.name)
        throw entry.at("name").error(fmt::format("strategy '{}' is defined twice", strategy.name));
    for (const auto& action : entry.at("actions").elements()) {
      const std::string name = action.as_string();
      if (!remediation || action_type(deck, name).empty())
        throw action.error(fmt::format("no remediation action named '{}'", name));
      strategy.actions.push_back(name);
    }
    spec.strategies.push_back(strategy);
  }
  if (spec.strategies.empty()) throw strategies.error("at least one strategy is required");
  const ConfigNode objective = deck.root.at("objective");
  objective.expect_keys({"deadline", "horizon", "minimize", "confidence"});
  spec.objective.horizon = objective.quantity("horizon", "d", Range::positive());
  spec.objective.deadline = objective.quantity("deadline", "d", Range::non_negative());
  if (spec.objective.deadline > spec.objective.horizon)
    throw objective.at("deadline").error("the deadline is after the horizon");
  spec.objective.minimize = objective.has("minimize")
                                ? objective.at("minimize").as_choice({"carbon", "cost"})
                                : std::string("carbon");
  if (!deck.root.has("risk"))
    throw objective.error("optimize judges compliance by risk: the deck needs a risk: section");
  if (!deck.root.has("carbon"))
    throw objective.error("optimize minimizes the footprint: the deck needs a carbon: section");
  if (const auto ensemble = deck.root.find("ensemble")) {
    if (!objective.has("confidence"))
      throw objective.error("with an ensemble, give objective.confidence: the probability of "
                            "compliance a feasible strategy must reach");
    spec.objective.confidence = objective.quantity("confidence", "1", Range{0.0, 1.0, true, false});
    spec.ensemble = read_ensemble_spec(*ensemble, deck);
    const auto parameters = ensemble->at("parameters").elements();
    for (std::size_t p = 0; p < spec.ensemble->parameters.size(); ++p)
      if (spec.ensemble->parameters[p].parts.front() == "remediation")
        throw parameters[p].at("path").error(
            "with strategies, an ensemble varies the site, not the remediation actions (the "
            "strategies keep or drop actions; vary their parameters with design_space:)");
  } else if (objective.has("confidence")) {
    throw objective.at("confidence")
        .error("confidence is the probability of compliance over an ensemble's realizations: "
               "it needs an ensemble: section");
  }
  // The shared history ends at the earliest start of an action that changes the physics.
  spec.branch_time = spec.objective.horizon;
  for (const auto& strategy : spec.strategies)
    for (const auto& name : strategy.actions)
      for (const auto& entry : remediation->elements())
        if (entry.string("name") == name && entry.string("type") != "monitoring")
          spec.branch_time =
              std::min(spec.branch_time, entry.quantity("start", "d", Range::non_negative()));

  const auto optimizer = deck.root.find("optimizer");
  if (const auto design = deck.root.find("design_space")) {
    std::vector<search::DesignParameter> parameters;
    const auto entries = design->elements();
    for (const auto& entry : entries) {
      parameters.push_back(read_design_parameter(entry, deck, spec.objective.horizon));
      for (std::size_t m = 0; m + 1 < parameters.size(); ++m)
        if (parameters[m].action == parameters.back().action &&
            parameters[m].parameter == parameters.back().parameter)
          throw entry.error(fmt::format("{}.{} is varied twice", parameters.back().action,
                                        parameters.back().parameter));
    }
    if (parameters.empty()) throw design->error("at least one parameter to vary");
    auto contains_all = [&](const StrategySpec& strategy) {
      return std::all_of(parameters.begin(), parameters.end(), [&](const auto& p) {
        return std::find(strategy.actions.begin(), strategy.actions.end(), p.action) !=
               strategy.actions.end();
      });
    };
    if (optimizer && optimizer->has("strategy")) {
      const std::string name = optimizer->string("strategy");
      const auto found = std::find_if(spec.strategies.begin(), spec.strategies.end(),
                                      [&](const auto& s) { return s.name == name; });
      if (found == spec.strategies.end())
        throw optimizer->at("strategy").error(fmt::format("no strategy named '{}'", name));
      if (!contains_all(*found))
        throw optimizer->at("strategy")
            .error(fmt::format("strategy '{}' lacks an action the design space varies", name));
      spec.base_strategy = static_cast<std::size_t>(found - spec.strategies.begin());
    } else {
      const auto found = std::find_if(spec.strategies.begin(), spec.strategies.end(), contains_all);
      if (found == spec.strategies.end())
        throw design->error("no strategy has every action the design space varies: the designs "
                            "vary one strategy (optimizer.strategy, or the first that has them "
                            "all)");
      spec.base_strategy = static_cast<std::size_t>(found - spec.strategies.begin());
    }
    // A design that starts an action earlier moves the shared history's end earlier.
    for (const auto& p : parameters)
      if (p.parameter == "start" && action_type(deck, p.action) != "monitoring")
        spec.branch_time =
            std::min(spec.branch_time,
                     p.discrete ? *std::min_element(p.choices.begin(), p.choices.end()) : p.low);
    spec.design_space = search::DesignSpace(std::move(parameters));
    if (optimizer) spec.search = read_search_settings(*optimizer);
  } else if (optimizer) {
    throw optimizer->error("optimizer: sets the design-space search: the deck has no "
                           "design_space:");
  }
  return spec;
}

std::string strategy_deck_text(const Deck& deck, const OptimizationSpec& spec,
                               const std::vector<std::string>& actions) {
  return strategy_text(YAML::Load(deck.text), deck, spec, actions);
}

std::string design_deck_text(const Deck& deck, const OptimizationSpec& spec,
                             const std::vector<double>& values) {
  YAML::Node root = YAML::Load(deck.text);
  const auto& parameters = spec.design_space.parameters();
  auto text = [](double value) { return fmt::format("{:.17g}", value); };
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    const auto& parameter = parameters[p];
    YAML::Node entry;
    for (std::size_t n = 0; n < root["remediation"].size(); ++n)
      if (root["remediation"][n]["name"].as<std::string>() == parameter.action)
        entry.reset(root["remediation"][n]);
    const auto dot = parameter.parameter.find('.');
    if (parameter.parameter == "rate" && entry["type"].as<std::string>() == "pump_and_treat") {
      // The total extraction, shared in the proportions of the deck's well rates.
      const ConfigNode action = action_entry(deck, parameter.action);
      double extracted = 0.0;
      for (const auto& well : action.at("wells").elements())
        extracted += well.quantity("rate", "m3/d");
      const double scale = values[p] / extracted;
      for (const char* list : {"wells", "reinjection"})
        if (action.has(list)) {
          const auto wells = action.at(list).elements();
          for (std::size_t w = 0; w < wells.size(); ++w)
            entry[list][w]["rate"] = text(wells[w].quantity("rate", "m3/d") * scale);
        }
    } else if (dot != std::string::npos) {
      entry[parameter.parameter.substr(0, dot)][parameter.parameter.substr(dot + 1)] =
          text(values[p]);
    } else {
      entry[parameter.parameter] = text(values[p]);
    }
  }
  return strategy_text(root, deck, spec, spec.strategies[spec.base_strategy].actions);
}

void run_strategy(MPI_Comm comm, const Deck& deck, const std::string& name,
                  const RunOptions& options) {
  const auto spec = read_optimization_spec(deck);
  const auto found = std::find_if(spec.strategies.begin(), spec.strategies.end(),
                                  [&](const auto& strategy) { return strategy.name == name; });
  if (found == spec.strategies.end())
    throw InputError(
        fmt::format("--strategy: no strategy named '{}' in {}", name, deck.path.string()));
  RunOptions run = options;
  run.breakpoints.push_back(spec.branch_time);
  const Deck strategy = read_deck_text(strategy_deck_text(deck, spec, found->actions), deck.path);
  if (spec.ensemble)
    run_ensemble(comm, strategy, run, 1);
  else
    run_simulation(comm, strategy, run);
}

namespace {
/// A strategy or design to simulate.
struct Candidate {
  std::string name;
  std::string text; ///< its deck
  InterventionLevel level = InterventionLevel::natural_attenuation;
  bool design = false;
  std::vector<double> values; ///< design parameter values
};

/// Runs batches of candidates (every realization of each, with an ensemble) across the run
/// groups, each continuing the shared history, and reads their results. Collective over world.
class Evaluator {
public:
  Evaluator(const RunGroups& groups, MPI_Comm world, const Deck& deck, const OptimizationSpec& spec,
            const RunOptions& options, bool branching)
      : groups_(groups), world_(world), deck_(deck), spec_(spec), options_(options),
        branching_(branching) {
    const ConfigNode risk = deck.root.at("risk");
    target_risk_ =
        risk.has("target") ? risk.at("target").quantity_or("cancer_risk", 1e-6, "1") : 1e-6;
    target_quotient_ =
        risk.has("target") ? risk.at("target").quantity_or("hazard_quotient", 1.0, "1") : 1.0;
  }

  int realizations() const { return spec_.ensemble ? spec_.ensemble->realizations : 1; }
  double target_risk() const { return target_risk_; }
  double target_quotient() const { return target_quotient_; }
  std::filesystem::path history(int r) const {
    return spec_.ensemble ? options_.output_folder / "shared_history" / fmt::format("{:04d}", r)
                          : options_.output_folder / "shared_history";
  }
  /// The output folder of candidate `name` in realization r.
  std::filesystem::path folder(const std::string& name, int r) const {
    const auto base = options_.output_folder / "strategies" / name;
    return spec_.ensemble ? base / "realizations" / fmt::format("{:04d}", r) : base;
  }
  /// The deck of a candidate's text in realization r.
  Deck deck_of(const std::string& text, int r) const {
    const Deck candidate = read_deck_text(text, deck_.path);
    return spec_.ensemble
               ? read_deck_text(realization_deck_text(candidate, *spec_.ensemble, r), deck_.path)
               : candidate;
  }

  /// The shared histories (one per realization), each stopped at the branch time with a
  /// checkpoint.
  void run_histories(const std::string& text) const {
    for (int r = groups_.group(); r < realizations(); r += groups_.groups()) {
      RunOptions base = options_;
      base.output_folder = history(r);
      base.overwrite = true;
      base.quiet = true;
      base.breakpoints = {spec_.branch_time};
      base.stop_at = spec_.branch_time;
      base.stop_checkpoint = history(r) / "branch.h5";
      if (spec_.ensemble) base.fields = realization_fields(*spec_.ensemble, r);
      run_simulation(groups_.comm(), deck_of(text, r), base);
    }
    MPI_Barrier(world_);
  }

  /// Simulates every (candidate, realization) of the batch; returns the evaluations (complete
  /// on the world root; elsewhere only what the search needs: ok, feasible, objectives,
  /// probability and peak exceedance, broadcast from the root).
  std::vector<Evaluation> run(const std::vector<Candidate>& batch) const {
    const int n = realizations();
    const int tasks = static_cast<int>(batch.size()) * n;
    for (int t = groups_.group(); t < tasks; t += groups_.groups()) {
      const auto& candidate = batch[static_cast<std::size_t>(t / n)];
      const int r = t % n;
      RunOptions run = options_;
      run.output_folder = folder(candidate.name, r);
      run.overwrite = true;
      run.quiet = true;
      run.breakpoints = {spec_.branch_time};
      if (branching_) {
        run.restart = history(r) / "branch.h5";
        run.branch = true;
      }
      if (spec_.ensemble) run.fields = realization_fields(*spec_.ensemble, r);
      std::string status = "ok";
      try {
        run_simulation(groups_.comm(), deck_of(candidate.text, r), run);
      } catch (const InputError& e) {
        status = fmt::format("input error: {}", e.what());
      } catch (const NumericalError& e) {
        status = fmt::format("numerical error: {}", e.what());
      }
      if (groups_.group_root()) write_run_status(run.output_folder, status);
    }
    MPI_Barrier(world_);
    std::vector<Evaluation> results(batch.size());
    std::vector<double> numbers(batch.size() * 8, 0.0);
    if (groups_.world_root())
      for (std::size_t c = 0; c < batch.size(); ++c) {
        std::vector<Evaluation> members;
        for (int r = 0; r < n; ++r)
          members.push_back(evaluate_run(folder(batch[c].name, r), spec_.objective, target_risk_,
                                         target_quotient_));
        results[c] =
            spec_.ensemble ? aggregate(members, spec_.objective.confidence) : members.front();
        const auto& e = results[c];
        const double row[8] = {
            e.ok ? 1.0 : 0.0, e.feasible ? 1.0 : 0.0, e.tco2e,          e.time_to_target, e.cost,
            e.probability,    e.exceedance_after,     e.max_cancer_risk};
        std::copy(row, row + 8, numbers.begin() + static_cast<long>(8 * c));
      }
    MPI_Bcast(numbers.data(), static_cast<int>(numbers.size()), MPI_DOUBLE, 0, world_);
    for (std::size_t c = 0; c < batch.size(); ++c) {
      auto& e = results[c];
      const double* row = numbers.data() + 8 * c;
      e.ok = row[0] == 1.0;
      e.feasible = row[1] == 1.0;
      e.tco2e = row[2];
      e.time_to_target = row[3];
      e.cost = row[4];
      e.probability = row[5];
      e.exceedance_after = row[6];
      e.max_cancer_risk = row[7];
      e.name = batch[c].name;
      e.level = batch[c].level;
      e.design = batch[c].design;
      e.values = batch[c].values;
    }
    return results;
  }

private:
  const RunGroups& groups_;
  MPI_Comm world_;
  const Deck& deck_;
  const OptimizationSpec& spec_;
  const RunOptions& options_;
  bool branching_;
  double target_risk_ = 1e-6, target_quotient_ = 1.0;
};

/// The `all,all` rows of a run's risk.csv as one trajectory per receptor, in group `prefix`.
std::vector<io::RiskTrajectory> trajectories(const std::filesystem::path& out,
                                             const std::string& prefix) {
  std::vector<io::RiskTrajectory> result;
  if (!std::filesystem::exists(out / "risk.csv")) return result;
  const auto risk = read_csv_table(out / "risk.csv");
  std::map<std::string, std::size_t> index;
  for (const auto& row : risk.rows) {
    if (row[risk.column("species")] != "all" || row[risk.column("pathway")] != "all") continue;
    const auto& receptor = row[risk.column("receptor")];
    if (!index.count(receptor)) {
      index[receptor] = result.size();
      result.push_back({prefix + "/" + receptor, {}, {}, {}});
    }
    auto& t = result[index[receptor]];
    t.time.push_back(number(row[risk.column("time")]));
    t.cancer_risk.push_back(number(row[risk.column("cancer_risk")]));
    t.hazard_quotient.push_back(number(row[risk.column("hazard_quotient")]));
  }
  return result;
}
} // namespace

void run_optimize(MPI_Comm world, const Deck& deck, const RunOptions& options, int ranks_per_run) {
  const auto spec = read_optimization_spec(deck);
  const RunGroups run_groups(world, ranks_per_run);
  const MPI_Comm comm = run_groups.comm();
  const bool root = run_groups.world_root();
  const auto& folder = options.output_folder;
  prepare_output_folder(world, folder, options.overwrite);
  auto level_of = [&](const std::vector<std::string>& actions) {
    auto level = InterventionLevel::natural_attenuation;
    for (const auto& name : actions)
      level = std::max(level, intervention_level(parse_type(action_type(deck, name))));
    return level;
  };
  // Every strategy's deck must build (the same on all ranks, so errors are uniform), and so
  // must the designs at the corners of the design space.
  std::vector<Candidate> strategies;
  for (const auto& strategy : spec.strategies) {
    strategies.push_back({strategy.name,
                          strategy_deck_text(deck, spec, strategy.actions),
                          level_of(strategy.actions),
                          false,
                          {}});
    const Model model(comm, read_deck_text(strategies.back().text, deck.path));
  }
  const auto& space = spec.design_space;
  const bool searching = space.dimension() > 0;
  if (searching)
    for (const auto& corner : {space.lower_bounds(), space.upper_bounds()}) {
      const auto values = space.decode(corner);
      try {
        const Model model(comm, read_deck_text(design_deck_text(deck, spec, values), deck.path));
      } catch (const InputError& e) {
        std::string design;
        for (std::size_t p = 0; p < values.size(); ++p)
          design += fmt::format("{}{}.{} = {}", p ? ", " : "", space.parameters()[p].action,
                                space.parameters()[p].parameter, values[p]);
        throw InputError("design_space", deck.root.key_where("design_space"),
                         fmt::format("the design {} is not a valid deck: {}", design, e.what()));
      }
    }
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  // The shared history (no actions), once per realization; every strategy continues it.
  const bool branching = spec.branch_time > 0.0 && spec.branch_time < spec.objective.horizon;
  const Evaluator evaluator(run_groups, world, deck, spec, options, branching);
  const int realizations = evaluator.realizations();
  double history_seconds = 0.0;
  if (branching) {
    evaluator.run_histories(strategy_deck_text(deck, spec, {}));
    history_seconds = elapsed();
    if (root)
      fmt::print("terrafate: shared history to {} d in {:.1f} s{}\n", spec.branch_time,
                 history_seconds,
                 realizations > 1 ? fmt::format(" ({} realizations)", realizations) : "");
  }

  // The explicit strategies, as one batch.
  std::vector<Evaluation> results = evaluator.run(strategies);
  if (root)
    for (const auto& r : results)
      fmt::print(
          "terrafate: strategy {}: {}{}; {:.1f} s\n", r.name,
          r.ok ? (r.feasible ? "feasible" : "not feasible") : "failed",
          realizations > 1 ? fmt::format(" (probability of compliance {:.3g})", r.probability) : "",
          elapsed());
  const std::size_t explicit_count = results.size();

  // The design space: NSGA-II, then COBYLA from the best feasible design; every design
  // evaluated once (identical decision vectors share the evaluation).
  std::map<std::vector<double>, std::size_t> cache; ///< canonical x -> index into results
  unsigned requested = 0, cached = 0, refinement_evaluations = 0;
  const unsigned planned =
      spec.search.population * (spec.search.generations + 1) + spec.search.refinement;
  const double search_start = elapsed();
  const bool by_cost = spec.objective.minimize == "cost";
  const auto base_level = level_of(spec.strategies[spec.base_strategy].actions);
  auto best_feasible_design = [&]() -> const Evaluation* {
    const Evaluation* best = nullptr;
    for (std::size_t i = explicit_count; i < results.size(); ++i) {
      const auto& e = results[i];
      if (e.ok && e.feasible && (!best || (by_cost ? e.cost < best->cost : e.tco2e < best->tco2e)))
        best = &e;
    }
    return best;
  };
  const search::BatchEvaluator evaluate_designs =
      [&](const std::vector<std::vector<double>>& batch) {
        std::vector<Candidate> fresh;
        std::vector<std::size_t> index(batch.size());
        std::map<std::vector<double>, std::size_t> pending;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          ++requested;
          if (const auto hit = cache.find(batch[i]); hit != cache.end()) {
            index[i] = hit->second;
            ++cached;
          } else if (const auto same = pending.find(batch[i]); same != pending.end()) {
            index[i] = same->second;
            ++cached;
          } else {
            const std::size_t at = results.size() + fresh.size();
            const auto values = space.decode(batch[i]);
            fresh.push_back({fmt::format("design_{:04d}", at - explicit_count + 1),
                             design_deck_text(deck, spec, values), base_level, true, values});
            pending[batch[i]] = index[i] = at;
          }
        }
        for (auto& e : evaluator.run(fresh))
          results.push_back(std::move(e));
        for (const auto& [x, at] : pending)
          cache[x] = at;
        std::vector<search::DesignFitness> fitness;
        for (const std::size_t i : index)
          fitness.push_back(fitness_of(results[i], spec.objective));
        if (root) {
          const auto* best = best_feasible_design();
          const double spent = elapsed() - search_start;
          const double remaining = std::max(static_cast<double>(planned) - requested, 0.0);
          fmt::print("terrafate: designs {}/{} evaluated ({} cached); best feasible: {}; {:.1f} "
                     "s, ETA {:.0f} s\n",
                     requested, planned, cached,
                     best ? fmt::format("{} ({:.6g} {})", best->name,
                                        by_cost ? best->cost : best->tco2e,
                                        by_cost ? "cost" : "t CO2e")
                          : std::string("none yet"),
                     elapsed(), spent / requested * remaining);
        }
        return fitness;
      };
  std::string refined_from;
  if (searching) {
    search::nsga2_search(space, spec.search, evaluate_designs);
    // Every rank holds the same search numbers, so every rank picks the same start.
    if (const auto* best = best_feasible_design()) {
      refined_from = best->name;
      const auto x = space.encode(best->values);
      refinement_evaluations = search::refine(space, spec.search, x, evaluate_designs);
    }
  }
  const double evaluation_seconds = elapsed() - history_seconds;
  MPI_Barrier(world);
  if (!root) return;

  const auto& parameters = space.parameters();
  if (searching) {
    std::filesystem::create_directories(folder / "designs");
    for (std::size_t i = explicit_count; i < results.size(); ++i)
      io::write_file_atomically(folder / "designs" / (results[i].name + ".yaml"),
                                design_deck_text(deck, spec, results[i].values));
  }
  const char* phases[] = {"construction", "operation", "monitoring", "transport_and_disposal"};
  std::string table = "name,level,feasible,probability_of_compliance,time_to_target,tco2e,cost,"
                      "max_cancer_risk,exceedance_after_deadline,tco2e_construction,"
                      "tco2e_operation,tco2e_monitoring,tco2e_transport_and_disposal,status";
  for (const auto& p : parameters)
    table += fmt::format(",{}.{}", p.action, p.parameter);
  table += "\n";
  for (const auto& r : results) {
    table +=
        fmt::format("{},{},{},{},{},{},{},{},{}", r.name, level_name(r.level), r.feasible ? 1 : 0,
                    r.ok ? csv_number(r.probability) : "nan", csv_number(r.time_to_target), r.tco2e,
                    r.cost, r.max_cancer_risk, csv_number(r.exceedance_after));
    for (const char* phase : phases)
      table += fmt::format(",{}", r.phases.count(phase) ? r.phases.at(phase) : 0.0);
    table += fmt::format(",{}", r.status == "ok" ? "ok" : r.ok ? "partial" : "failed");
    for (std::size_t p = 0; p < parameters.size(); ++p)
      table += r.design ? fmt::format(",{}", r.values[p]) : std::string(",");
    table += "\n";
  }
  io::write_file_atomically(folder / "strategies.csv", table);

  std::vector<const Evaluation*> feasible;
  for (const auto& r : results)
    if (r.ok && r.feasible) feasible.push_back(&r);
  std::sort(feasible.begin(), feasible.end(), [&](const Evaluation* a, const Evaluation* b) {
    const double ka = by_cost ? a->cost : a->tco2e, kb = by_cost ? b->cost : b->tco2e;
    if (ka != kb) return ka < kb;
    return a->level < b->level; // ties: less intervention
  });
  std::vector<std::vector<double>> points;
  for (const auto* a : feasible)
    points.push_back({a->tco2e, a->time_to_target, a->cost});
  std::string pareto = "name,level,tco2e,time_to_target,cost\n";
  for (const std::size_t i : search::non_dominated(points))
    pareto += fmt::format("{},{},{},{},{}\n", feasible[i]->name, level_name(feasible[i]->level),
                          feasible[i]->tco2e, json_number(feasible[i]->time_to_target),
                          feasible[i]->cost);
  io::write_file_atomically(folder / "pareto.csv", pareto);

  // Risk trajectories of every strategy and design (every realization) in results.h5.
  std::vector<io::RiskTrajectory> series;
  for (const auto& r : results)
    for (int m = 0; m < realizations; ++m) {
      const std::string prefix =
          "/strategies/" + r.name +
          (spec.ensemble ? fmt::format("/realizations/{:04d}", m) : std::string());
      for (auto& t : trajectories(evaluator.folder(r.name, m), prefix))
        series.push_back(std::move(t));
    }
  io::write_risk_trajectories(
      folder / "results.h5", series,
      {{"program", "terrafate optimize"},
       {"version", kVersion},
       {"deck", deck.path.string()},
       {"content", "per strategy and receptor (and realization): the total cancer risk and "
                   "hazard index (the all,all rows of its risk.csv) over time"}});

  std::string json = "{\n";
  std::string summary;
  const std::string confidence_note = spec.ensemble
                                          ? fmt::format(" in at least {:g} of the {} realizations",
                                                        spec.objective.confidence, realizations)
                                          : std::string();
  if (!feasible.empty()) {
    const auto& best = *feasible.front();
    json += fmt::format("  \"recommended\": {},\n", json_string(best.name));
    std::string why = fmt::format(
        "{} keeps every receptor within the risk target{} from {} d (deadline {} d) to the "
        "horizon ({} d), with the lowest {} of the {} feasible strategies: {:.6g} t CO2e "
        "(level: {})",
        best.name, confidence_note, json_number(best.time_to_target), spec.objective.deadline,
        spec.objective.horizon, by_cost ? "cost" : "footprint", feasible.size(), best.tco2e,
        level_name(best.level));
    if (best.design) {
      std::string values;
      for (std::size_t p = 0; p < parameters.size(); ++p)
        values += fmt::format("{}{}.{} = {:.6g} {}", p ? ", " : "", parameters[p].action,
                              parameters[p].parameter, best.values[p], parameters[p].unit);
      why += fmt::format("; a design of strategy {} with {} (deck: designs/{}.yaml)",
                         spec.strategies[spec.base_strategy].name, values, best.name);
      json += fmt::format("  \"design\": {{\"strategy\": {}, \"deck\": {}, \"parameters\": {{",
                          json_string(spec.strategies[spec.base_strategy].name),
                          json_string("designs/" + best.name + ".yaml"));
      for (std::size_t p = 0; p < parameters.size(); ++p)
        json += fmt::format("{}{}: {}", p ? ", " : "",
                            json_string(parameters[p].action + "." + parameters[p].parameter),
                            best.values[p]);
      json += "}},\n";
    }
    if (feasible.size() > 1) {
      const auto& second = *feasible[1];
      why += fmt::format("; the runner-up {} needs {:.6g} t CO2e more (level: {})", second.name,
                         second.tco2e - best.tco2e, level_name(second.level));
      json += fmt::format("  \"runner_up\": {},\n  \"margin_tco2e\": {},\n",
                          json_string(second.name), second.tco2e - best.tco2e);
    }
    json += fmt::format("  \"tco2e\": {},\n  \"level\": {},\n  \"time_to_target\": {},\n"
                        "  \"probability_of_compliance\": {},\n",
                        best.tco2e, json_string(level_name(best.level)),
                        json_number(best.time_to_target), json_number(best.probability));
    json += fmt::format("  \"reasons\": {},\n", json_string(why));
    summary = why;
  } else {
    const Evaluation* closest = nullptr;
    for (const auto& r : results)
      if (r.ok && (!closest || r.exceedance_after < closest->exceedance_after ||
                   (spec.ensemble && r.exceedance_after == closest->exceedance_after &&
                    r.probability > closest->probability)))
        closest = &r;
    const std::string why =
        closest ? fmt::format("no strategy keeps every receptor compliant{} from the deadline "
                              "({} d) to the horizon ({} d); the closest is {}, whose risk after "
                              "the deadline peaks at {:.4g} times the target{}",
                              confidence_note, spec.objective.deadline, spec.objective.horizon,
                              closest->name, closest->exceedance_after,
                              spec.ensemble ? fmt::format(" (probability of compliance {:.3g})",
                                                          closest->probability)
                                            : std::string())
                : std::string("no strategy could be simulated");
    json += "  \"recommended\": null,\n";
    json += fmt::format("  \"closest\": {},\n",
                        closest ? json_string(closest->name) : std::string("null"));
    json += fmt::format("  \"reasons\": {},\n", json_string(why));
    summary = why;
  }
  json +=
      fmt::format("  \"feasible\": {},\n  \"evaluated\": {},\n", feasible.size(), results.size());
  json += fmt::format("  \"deadline\": {},\n  \"horizon\": {},\n  \"target_cancer_risk\": {},\n",
                      spec.objective.deadline, spec.objective.horizon, evaluator.target_risk());
  if (spec.ensemble)
    json += fmt::format("  \"confidence\": {},\n  \"realizations\": {},\n",
                        spec.objective.confidence, realizations);
  if (searching)
    json += fmt::format(
        "  \"search\": {{\"designs\": {}, \"requested\": {}, \"cached\": {}, \"population\": {}, "
        "\"generations\": {}, \"seed\": {}, \"refinement_evaluations\": {}, \"refined_from\": "
        "{}}},\n",
        results.size() - explicit_count, requested, cached, spec.search.population,
        spec.search.generations, spec.search.seed, refinement_evaluations,
        refined_from.empty() ? std::string("null") : json_string(refined_from));
  json += fmt::format("  \"shared_history_days\": {},\n  \"shared_history_seconds\": {:.3f},\n",
                      branching ? spec.branch_time : 0.0, history_seconds);
  json += fmt::format("  \"evaluation_seconds\": {:.3f},\n", evaluation_seconds);
  json += fmt::format("  \"saved_seconds_estimate\": {:.3f}\n}}\n",
                      branching ? history_seconds * static_cast<double>(results.size() - 1) : 0.0);
  io::write_file_atomically(folder / "recommendation.json", json);

  std::string report = fmt::format("# {}: remediation strategies\n\n", deck.title);
  report += fmt::format("**Recommendation.** {}.\n\n", summary);
  report += fmt::format(
      "Objective: every receptor compliant (total cancer risk <= {:g}, hazard index <= {:g}, "
      "standards met){} from the deadline {} d to the horizon {} d; minimize {}; ties go to the "
      "lower intervention level (natural attenuation < risk control < active remediation).\n\n",
      evaluator.target_risk(), evaluator.target_quotient(), confidence_note,
      spec.objective.deadline, spec.objective.horizon, spec.objective.minimize);
  if (searching) {
    report += fmt::format(
        "Design space: {} parameter(s) of strategy {}, searched with NSGA-II (population {}, "
        "{} generations, seed {}; infeasible designs dominated by every feasible one and ranked "
        "by their violation), then COBYLA from {} ({} evaluations); {} designs simulated, {} "
        "requests answered from the cache. Each design's deck is in designs/.\n\n",
        parameters.size(), spec.strategies[spec.base_strategy].name, spec.search.population,
        spec.search.generations, spec.search.seed,
        refined_from.empty() ? std::string("no feasible design (no refinement)") : refined_from,
        refinement_evaluations, results.size() - explicit_count, cached);
  }
  report += "| strategy | level | feasible | P(compliance) | time to target [d] | t CO2e | cost | "
            "max CR |\n";
  report += "|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : results)
    report += fmt::format("| {} | {} | {} | {:.3g} | {} | {:.4g} | {:.4g} | {:.3g} |\n", r.name,
                          level_name(r.level), r.ok ? (r.feasible ? "yes" : "no") : "failed",
                          r.probability, json_number(r.time_to_target), r.tco2e, r.cost,
                          r.max_cancer_risk);
  report += fmt::format(
      "\nEvery strategy continued a shared history of {} d (simulated once{}, {:.1f} s). The "
      "per-strategy outputs (risk.csv, compliance.csv, ledger.csv, carbon.csv, results.h5) are "
      "in strategies/<name>/{}; strategies.csv, pareto.csv and recommendation.json hold the "
      "numbers, results.h5 every strategy's risk trajectories. Plots: `python3 "
      "scripts/plot_strategies.py {}`.\n",
      branching ? spec.branch_time : 0.0, spec.ensemble ? " per realization" : "", history_seconds,
      spec.ensemble ? "realizations/NNNN/" : "", folder.string());
  // The plots, made from the files above (matplotlib); the report shows those that exist.
  const auto plotter =
      std::filesystem::path(kDataDirectory).parent_path() / "scripts" / "plot_strategies.py";
  const bool plotted =
      std::filesystem::exists(plotter) &&
      std::system(fmt::format("/usr/bin/python3 '{}' '{}' > '{}' 2>&1", plotter.string(),
                              folder.string(), (folder / "plots.log").string())
                      .c_str()) == 0;
  if (plotted) {
    report += "\n## Plots\n\n";
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      if (entry.path().extension() == ".png")
        report += fmt::format("![{}]({})\n\n", entry.path().stem().string(),
                              entry.path().filename().string());
  } else {
    report += "\n(No plots: scripts/plot_strategies.py or matplotlib is not available; see "
              "plots.log.)\n";
  }
  io::write_file_atomically(folder / "report.md", report);
  fmt::print("terrafate: {}\nresults in {}\n", summary, std::filesystem::absolute(folder).string());
}

} // namespace terrafate
