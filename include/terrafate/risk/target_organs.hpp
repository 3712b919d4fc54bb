#pragma once
// Non-cancer hazard by target organ (us-epa; RAGS Part A section 8.2.2, segregation of hazard
// indices by effect and mechanism of action): a contaminant's hazard quotient, split by route, is
// added to the hazard index of every organ or system that route's toxicity value names (the RfD's
// for the oral and dermal dose, the RfC's for inhaled air); a contaminant that names no organ for
// a route by which it gives hazard counts in every organ (conservative). Plain C++.
#include <cstddef>
#include <string>
#include <vector>

#include "terrafate/risk/chemicals.hpp"

namespace terrafate {

/// The hazard quotient of one contaminant at a receptor, by route.
struct RouteHazard {
  double oral = 0.0;    ///< [-] ingestion and dermal contact (against the RfD)
  double inhaled = 0.0; ///< [-] inhaled air (against the RfC)
};

/// The target organs of a receptor's contaminants.
struct TargetOrgans {
  /// The organs named for the routes by which a contaminant gives hazard, sorted.
  std::vector<std::string> organs;
  /// Whether every contaminant names its organs for every route by which it gives hazard.
  bool complete = true;
};
/// `chemicals[s]`: species s's chemical (null: no risk); `exposed[s]`: positive for each route by
/// which species s gives hazard at the receptor (e.g. its unit hazard quotients).
TargetOrgans target_organs(const std::vector<const Chemical*>& chemicals,
                           const std::vector<RouteHazard>& exposed);

/// The hazard index of one target organ.
struct OrganHazard {
  std::string organ;         ///< IRIS "System" name, or `unspecified` when no contaminant names one
  double hazard_index = 0.0; ///< [-] the sum of the route hazard quotients counted here
  std::vector<std::size_t> species; ///< contaminants counted because a route names this organ
  std::vector<std::size_t> assumed; ///< contaminants counted because a route names no organ
};
/// The hazard index of each organ of `organs` (target_organs().organs) from the contaminants'
/// route hazards `hazards`; without organs one `unspecified` group holding every contaminant.
std::vector<OrganHazard> hazard_by_target_organ(const std::vector<const Chemical*>& chemicals,
                                                const std::vector<RouteHazard>& hazards,
                                                const std::vector<std::string>& organs);

} // namespace terrafate
