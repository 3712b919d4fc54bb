#include "terrafate/studies/strategy_spec.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "terrafate/carbon/indicators.hpp"
#include "terrafate/core/csv_table.hpp"

namespace terrafate {

std::string action_type(const Deck& deck, const std::string& name) {
  for (const auto& entry : deck.root.at("remediation").elements())
    if (entry.string("name") == name) return entry.string("type");
  return "";
}

InterventionLevel intervention_level(const Deck& deck, const std::vector<std::string>& actions) {
  auto level = InterventionLevel::natural_attenuation;
  for (const auto& name : actions)
    level = std::max(level, action_info(action_type(deck, name)).level);
  return level;
}

namespace {

/// Deck `decision:` (issue 21). Without it: the objective's confidence judged on the estimate
/// (the rule before issue 21), ties within the default 10 % carbon tolerance. With it: its
/// confidence (default objective.confidence) judged on the lower bound unless `on: estimate`.
void read_decision_rule(const Deck& deck, OptimizationSpec& spec) {
  auto& rule = spec.decision;
  rule.confidence = spec.objective.confidence;
  const auto decision = deck.root.find("decision");
  if (!decision) return;
  decision->expect_keys({"confidence", "on", "carbon_tolerance", "stability_window", "interval"});
  if (decision->has("confidence")) {
    if (!spec.ensemble)
      throw decision->at("confidence")
          .error("decision.confidence is the probability of compliance over an ensemble's "
                 "realizations: it needs an ensemble: section");
    rule.confidence = decision->quantity("confidence", "1", Range{0.0, 1.0, true, false});
    spec.objective.confidence = rule.confidence;
  }
  const bool on_lower_bound =
      !decision->has("on") ||
      decision->at("on").as_choice({"lower_bound", "estimate"}) == "lower_bound";
  rule.on_lower_bound = spec.ensemble.has_value() && on_lower_bound;
  if (decision->has("interval"))
    rule.alpha = 1.0 - decision->quantity("interval", "1", Range{0.0, 1.0, false, false});
  spec.objective.on_lower_bound = rule.on_lower_bound;
  rule.carbon_tolerance =
      decision->quantity_or("carbon_tolerance", 0.1, "1", Range::non_negative());
  rule.stability_window = stability_window(deck);
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
  const auto& keys = action_info(type).design_keys;
  const std::string& name = parameter.parameter;
  const auto dot = name.find('.');
  const DesignKey* key = nullptr;
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
  // An action's start or end is a time point: days, "value unit" or a date after start_date.
  const bool time_point = key->key == "start" || key->key == "end";
  const auto values = [&](const ConfigNode& node, std::size_t min_count) {
    return time_point ? node.as_time_point_list(min_count, static_cast<std::size_t>(-1), range)
                      : node.as_quantity_list(key->unit, range, min_count);
  };
  if (const auto node = entry.find("range")) {
    const auto bounds = values(*node, 2);
    if (bounds.size() != 2) throw node->error("a range is [low, high]");
    if (!(bounds[0] < bounds[1]))
      throw node->error(fmt::format("inverted or empty range: low {} must be below high {}",
                                    bounds[0], bounds[1]));
    parameter.low = bounds[0];
    parameter.high = bounds[1];
  } else {
    const ConfigNode list = entry.at("choices");
    parameter.discrete = true;
    parameter.choices = values(list, 1);
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
  for (const char* key : {"strategies", "objective", "design_space", "optimizer", "decision"})
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
} // namespace

OptimizationSpec read_optimization_spec(const Deck& deck) {
  OptimizationSpec spec;
  const ConfigNode strategies = deck.root.at("strategies");
  const auto remediation = deck.root.find("remediation");
  for (const auto& entry : strategies.elements()) {
    entry.expect_keys({"name", "actions"});
    StrategySpec strategy;
    strategy.name = entry.at("name").as_name("strategy");
    if (strategy.name.starts_with("design_"))
      throw entry.at("name").error(
          "strategy names must not start with design_ (the names of the design space's designs)");
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
  objective.expect_keys({"deadline", "horizon", "minimize", "confidence", "weights"});
  spec.objective.horizon = objective.time_point("horizon", Range::positive());
  spec.objective.deadline = objective.time_point("deadline");
  if (spec.objective.deadline > spec.objective.horizon)
    throw objective.at("deadline").error("the deadline is after the horizon");
  spec.objective.minimize = objective.has("minimize")
                                ? objective.at("minimize").as_choice({"carbon", "cost", "weighted"})
                                : std::string("carbon");
  if (!deck.root.has("risk"))
    throw objective.error("optimize judges compliance by risk: the deck needs a risk: section");
  if (!deck.root.has("carbon"))
    throw objective.error("optimize minimizes the footprint: the deck needs a carbon: section");
  spec.objective.footprint = read_objective_spec(
      objective, read_indicator_spec(deck.root.at("carbon"),
                                     read_csv_table(data_table_path("footprint_factors.csv")))
                     .groups);
  if (const auto ensemble = deck.root.find("ensemble")) {
    if (!objective.has("confidence"))
      throw objective.error("with an ensemble, give objective.confidence: the probability of "
                            "compliance a feasible strategy must reach");
    spec.objective.confidence = objective.quantity("confidence", "1", Range{0.0, 1.0, true, false});
    // Site and remediation values alike: every strategy runs the same realizations (the draws
    // depend on the parameter and the realization only); a strategy without an action skips
    // that action's parameters.
    spec.ensemble = read_ensemble_spec(*ensemble, deck);
  } else if (objective.has("confidence")) {
    throw objective.at("confidence")
        .error("confidence is the probability of compliance over an ensemble's realizations: "
               "it needs an ensemble: section");
  }
  read_decision_rule(deck, spec);
  // The shared history ends at the earliest start of an action that changes the physics (a
  // contingent action's: its trigger's first check, which the strategy's run must make).
  spec.branch_time = spec.objective.horizon;
  for (const auto& strategy : spec.strategies)
    for (const auto& name : strategy.actions)
      for (const auto& entry : remediation->elements())
        if (entry.string("name") == name &&
            (entry.string("type") != "monitoring" || entry.at("start").is_map()))
          spec.branch_time = std::min(
              spec.branch_time,
              entry.at("start").is_map()
                  ? entry.at("start").at("trigger").quantity("checked", "d", Range::positive())
                  : entry.time_point("start"));

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

std::string strategy_names(const Deck& deck) {
  std::string names;
  for (const auto& entry : deck.root.at("strategies").elements())
    names += fmt::format("{}{}", names.empty() ? "" : ", ", entry.string("name"));
  return names;
}

} // namespace terrafate
