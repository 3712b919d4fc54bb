#pragma once
// The catalog of remediation action types: the one place that names them, with their
// intervention level, the numeric design keys a design space may vary (base unit and valid
// range) and the ledger items that carry emissions.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "terrafate/core/config.hpp"

namespace terrafate {

enum class ActionType {
  permeable_reactive_barrier,
  barrier_wall,
  pump_and_treat,
  excavation,
  enhanced_bioremediation,
  thermal,
  chemical_oxidation,
  source_removal,
  cap,
  monitoring,
  soil_vapour_extraction,
  institutional_control,
  vapour_mitigation
};

/// Intervention ladder, least intrusive first: natural attenuation (no action, or monitoring
/// only) < institutional control (land-use and groundwater-use restrictions) < engineering
/// control (cap, barrier wall) < active remediation (reactive barrier, bioremediation,
/// oxidation, pump-and-treat, thermal, excavation, source removal, vapour extraction). A
/// strategy's level is the highest of its actions'.
enum class InterventionLevel {
  natural_attenuation,
  institutional_control,
  engineering_control,
  active_remediation
};

/// A numeric key of a remediation action that a design space may vary, with its base unit and
/// valid values. `key` ending in ".*" is a map of per-species values (e.g. rates.PCE).
struct DesignKey {
  std::string_view key;
  std::string_view unit;
  Range range;
};

struct ActionTypeInfo {
  std::string_view name; ///< deck `type:` value
  ActionType type;
  InterventionLevel level;
  /// The keys a design space may vary (those the remediation reader takes as plain numbers;
  /// pump-and-treat's `rate` is the total extraction of its wells).
  std::vector<DesignKey> design_keys;
};

/// Every action type, in the order the deck reader lists them in its messages.
const std::vector<ActionTypeInfo>& action_catalog();
/// The deck `type:` values, in catalog order.
std::vector<std::string> action_type_names();
/// The deck `type:` values, in catalog order, as the choices of ConfigNode::as_choice.
std::span<const std::string_view> action_type_choices();
/// The catalog entry of deck type `name`; throws InputError for an unknown one.
const ActionTypeInfo& action_info(std::string_view name);
/// The catalog entry of `type`.
const ActionTypeInfo& action_info(ActionType type);
const char* level_name(InterventionLevel level);

struct RemediationAction;
/// The ledger items (name, unit) action `action` writes that carry emissions, with quantity 1:
/// for checking, before a run, that every emission factor the run will need is known.
std::vector<std::pair<std::string, std::string>> emitting_items(const RemediationAction& action);

} // namespace terrafate
