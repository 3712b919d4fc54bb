#pragma once
// Present-value cost of a strategy: capital and O&M per action from the deck, and the priced
// ledger items (energy, materials, disposal, drilling, laboratory analysis, travel) from the
// footprint lines, discounted at a real rate with the end-of-year convention of EPA 540-R-00-002
// (an amount at run time 0 is year 0; an amount in run year j, (j-1) Y < t <= j Y, is discounted
// by (1 + r)^-j). A total missing any price is `partial` and names the unpriced items; they
// count as nothing in the total only in the sense that the total is marked partial.
// Plain C++ (no PETSc, no MPI).
#include <map>
#include <string>
#include <vector>

#include "terrafate/carbon/carbon.hpp"
#include "terrafate/core/units.hpp"

namespace terrafate {

/// `carbon.present_value`.
struct PresentValueSpec {
  double discount_rate = 0.0;                ///< [1/year] real
  std::map<std::string, double> capital;     ///< [currency] by action, paid at its start
  std::map<std::string, double> om_per_year; ///< [currency/year] by action, over its window
  double year_length = kDaysPerYear;         ///< [d] a run year
};

/// Reads `present_value: {discount_rate, capital: {ACTION: amount}, om_per_year: {ACTION:
/// amount}}` from the `carbon:` node (defaults when absent: rate 0, nothing declared).
PresentValueSpec read_present_value_spec(const ConfigNode& carbon);

/// An action's run-time window [d].
struct ActionWindow {
  double start = 0.0, end = 0.0;
};

struct CostItem {
  std::string action, item; ///< item: capital, om_per_year, or the footprint line's factor key
  std::string category;     ///< capital, om, energy, or the line's phase name
  double amount = 0.0;      ///< [currency] undiscounted
  double present = 0.0;     ///< [currency] discounted to run time 0
};

struct PresentValue {
  std::string currency;
  std::vector<CostItem> items; ///< the priced items
  double total = 0.0;          ///< [currency] sum of the priced items' present values
  double undiscounted = 0.0;   ///< [currency]
  /// Items without a price ("capital:ACTION", "om_per_year:ACTION", "ACTION:KEY"); the total
  /// is partial when any.
  std::vector<std::string> unpriced;
  bool partial() const { return !unpriced.empty(); }
  /// "partial (no price: a, b)" or "complete".
  std::string status() const;
};

/// [-] discount factor of an amount at run time `t` [d]: (1 + r)^-ceil(t / Y).
double discount_factor(double t, const PresentValueSpec& spec);

/// [currency] present value of `amount` spread uniformly over [start, end] [d] (a point when
/// end <= start), each run year's share discounted at that year's end.
double present_value_of(double amount, double start, double end, const PresentValueSpec& spec);

/// The present value of a strategy: every action in `windows` needs a capital and an O&M entry
/// (0 is a price) and every footprint line a unit cost (`carbon.costs`), else it is listed as
/// unpriced.
PresentValue present_value(const std::vector<FootprintLine>& lines, const PresentValueSpec& spec,
                           const std::map<std::string, ActionWindow>& windows,
                           const std::string& currency);

/// cost.csv: `action,item,category,amount,present_value` with a row per priced item, then a
/// row `total,,STATUS,UNDISCOUNTED,PRESENT` (STATUS: complete, or partial (no price: ...)) and
/// a row `unpriced,NAME,,,` per item without a price. Amounts in `value.currency`.
std::string present_value_csv(const PresentValue& value);

} // namespace terrafate
