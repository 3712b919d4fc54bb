#include "terrafate/carbon/objective.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "terrafate/carbon/indicators.hpp"

namespace terrafate {

FootprintObjective read_objective_spec(const ConfigNode& objective,
                                       const std::set<std::string>& groups) {
  FootprintObjective spec;
  const std::string kind = objective.has("minimize")
                               ? objective.at("minimize").as_choice({"carbon", "cost", "weighted"})
                               : std::string("carbon");
  spec.kind = kind == "cost"       ? ObjectiveKind::cost
              : kind == "weighted" ? ObjectiveKind::weighted
                                   : ObjectiveKind::carbon;
  if (spec.kind != ObjectiveKind::weighted) {
    if (objective.has("weights"))
      throw objective.at("weights").error("weights apply to minimize: weighted only");
    return spec;
  }
  const auto weights = objective.at("weights");
  double sum = 0.0;
  for (const auto& name : weights.keys()) {
    if (name != "cost") {
      const std::string group = indicator_group(name);
      if (group.empty())
        throw weights.at(name).error(fmt::format(
            "'{}' is not an indicator (ghg, energy_*, nox, sox, pm10, water_*, waste_*, "
            "accident_*, land_*) or cost",
            name));
      if (!groups.count(group))
        throw weights.at(name).error(fmt::format(
            "'{}' belongs to the indicator group '{}': add it to carbon.indicators", name, group));
    }
    spec.weights[name] = weights.quantity(name, "1", Range::non_negative());
    sum += spec.weights[name];
  }
  if (!(sum > 0.0)) throw weights.error("give at least one positive weight");
  return spec;
}

std::vector<double> objective_values(const std::vector<StrategyFootprint>& strategies,
                                     const FootprintObjective& spec) {
  const bool needs_cost = spec.kind == ObjectiveKind::cost ||
                          (spec.kind == ObjectiveKind::weighted && spec.weights.count("cost"));
  if (needs_cost)
    for (const auto& strategy : strategies)
      if (strategy.cost.partial())
        throw InputError(fmt::format(
            "the objective needs the present-value cost, but strategy '{}' has a {} cost: give "
            "the prices under carbon.costs and carbon.present_value",
            strategy.name, strategy.cost.status()));
  const auto value = [](const StrategyFootprint& strategy, const std::string& name) {
    if (name == "cost") return strategy.cost.total;
    const auto found = strategy.indicators.find(name);
    return found == strategy.indicators.end() ? 0.0 : found->second;
  };
  std::vector<double> values(strategies.size(), 0.0);
  for (std::size_t s = 0; s < strategies.size(); ++s) {
    if (spec.kind == ObjectiveKind::carbon) values[s] = value(strategies[s], "ghg");
    if (spec.kind == ObjectiveKind::cost) values[s] = strategies[s].cost.total;
  }
  if (spec.kind != ObjectiveKind::weighted) return values;
  for (const auto& [name, weight] : spec.weights) {
    double largest = 0.0;
    for (const auto& strategy : strategies)
      largest = std::max(largest, value(strategy, name));
    if (largest <= 0.0) continue;
    for (std::size_t s = 0; s < strategies.size(); ++s)
      values[s] += weight * value(strategies[s], name) / largest;
  }
  return values;
}

} // namespace terrafate
