#include "terrafate/risk/target_organs.hpp"

#include <algorithm>

namespace terrafate {

namespace {
/// The organs the chemical names for each route: oral, inhaled.
std::pair<const std::vector<std::string>*, const std::vector<std::string>*>
route_organs(const Chemical& chemical) {
  return {&chemical.target_organs_oral, &chemical.target_organs_inhalation};
}

void add_once(std::vector<std::size_t>& list, std::size_t s) {
  if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
}
} // namespace

TargetOrgans target_organs(const std::vector<const Chemical*>& chemicals,
                           const std::vector<RouteHazard>& exposed) {
  TargetOrgans result;
  for (std::size_t s = 0; s < chemicals.size(); ++s) {
    if (!chemicals[s]) continue;
    const auto [oral, inhaled] = route_organs(*chemicals[s]);
    const std::pair<double, const std::vector<std::string>*> routes[] = {
        {exposed[s].oral, oral}, {exposed[s].inhaled, inhaled}};
    for (const auto& [hazard, named] : routes) {
      if (!(hazard > 0.0)) continue;
      if (named->empty()) result.complete = false;
      result.organs.insert(result.organs.end(), named->begin(), named->end());
    }
  }
  std::sort(result.organs.begin(), result.organs.end());
  result.organs.erase(std::unique(result.organs.begin(), result.organs.end()), result.organs.end());
  return result;
}

std::vector<OrganHazard> hazard_by_target_organ(const std::vector<const Chemical*>& chemicals,
                                                const std::vector<RouteHazard>& hazards,
                                                const std::vector<std::string>& organs) {
  std::vector<OrganHazard> result;
  for (const auto& organ : organs)
    result.push_back({organ, 0.0, {}, {}});
  if (result.empty()) result.push_back({"unspecified", 0.0, {}, {}});
  for (std::size_t s = 0; s < chemicals.size(); ++s) {
    if (!chemicals[s]) continue;
    const auto [oral, inhaled] = route_organs(*chemicals[s]);
    const std::pair<double, const std::vector<std::string>*> routes[] = {
        {hazards[s].oral, oral}, {hazards[s].inhaled, inhaled}};
    for (const auto& [hazard, named] : routes) {
      if (!(hazard > 0.0)) continue;
      for (auto& group : result) {
        if (named->empty()) {
          group.hazard_index += hazard; // no organ named: counted in every organ
          add_once(group.assumed, s);
        } else if (std::find(named->begin(), named->end(), group.organ) != named->end()) {
          group.hazard_index += hazard;
          add_once(group.species, s);
        }
      }
    }
  }
  return result;
}

} // namespace terrafate
