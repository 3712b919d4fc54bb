#include "terrafate/carbon/cost.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace terrafate {

namespace {
/// Index of the run year holding time t [d]: 0 at t = 0, j for (j-1) Y < t <= j Y.
long year_index(double t, double year_length) {
  return std::max(0L, static_cast<long>(std::ceil(t / year_length - 1e-9)));
}

std::map<std::string, double> read_amounts(const ConfigNode& node) {
  std::map<std::string, double> amounts;
  for (const auto& action : node.keys())
    amounts[action] = node.quantity(action, "1", Range::non_negative());
  return amounts;
}
} // namespace

PresentValueSpec read_present_value_spec(const ConfigNode& carbon) {
  PresentValueSpec spec;
  const auto node = carbon.find("present_value");
  if (!node) return spec;
  node->expect_keys({"discount_rate", "capital", "om_per_year"});
  spec.discount_rate = node->quantity_or("discount_rate", 0.0, "1", Range{0.0, 1.0});
  if (const auto capital = node->find("capital")) spec.capital = read_amounts(*capital);
  if (const auto om = node->find("om_per_year")) spec.om_per_year = read_amounts(*om);
  return spec;
}

std::string PresentValue::status() const {
  if (!partial()) return "complete";
  std::string names;
  for (const auto& name : unpriced)
    names += (names.empty() ? "" : ", ") + name;
  return "partial (no price: " + names + ")";
}

double discount_factor(double t, const PresentValueSpec& spec) {
  return std::pow(1.0 + spec.discount_rate, -static_cast<double>(year_index(t, spec.year_length)));
}

double present_value_of(double amount, double start, double end, const PresentValueSpec& spec) {
  if (!(end > start)) return amount * discount_factor(start, spec);
  const double year = spec.year_length;
  double present = 0.0;
  for (long j = std::max(1L, year_index(start, year)); (j - 1) * year < end; ++j) {
    const double from = std::max(start, (j - 1) * year);
    const double to = std::min(end, j * year);
    if (to > from)
      present += amount * (to - from) / (end - start) *
                 std::pow(1.0 + spec.discount_rate, -static_cast<double>(j));
  }
  return present;
}

PresentValue present_value(const std::vector<FootprintLine>& lines, const PresentValueSpec& spec,
                           const std::map<std::string, ActionWindow>& windows,
                           const std::string& currency) {
  PresentValue result;
  result.currency = currency;
  const auto add = [&](CostItem item, double start, double end) {
    item.present = present_value_of(item.amount, start, end, spec);
    result.total += item.present;
    result.undiscounted += item.amount;
    result.items.push_back(item);
  };
  for (const auto& [action, window] : windows) {
    if (const auto capital = spec.capital.find(action); capital != spec.capital.end())
      add({action, "capital", "capital", capital->second, 0.0}, window.start, window.start);
    else
      result.unpriced.push_back("capital:" + action);
    if (const auto om = spec.om_per_year.find(action); om != spec.om_per_year.end())
      add({action, "om_per_year", "om", om->second * (window.end - window.start) / spec.year_length,
           0.0},
          window.start, window.end);
    else
      result.unpriced.push_back("om_per_year:" + action);
  }
  for (const auto& line : lines) {
    const std::string name = line.ledger.action + ":" + line.factor_key;
    if (std::isnan(line.cost)) {
      if (std::find(result.unpriced.begin(), result.unpriced.end(), name) == result.unpriced.end())
        result.unpriced.push_back(name);
      continue;
    }
    const bool energy = line.factor_key == "electricity" || line.factor_key == "diesel" ||
                        line.factor_key.rfind("supply:", 0) == 0;
    add({line.ledger.action, line.factor_key, energy ? "energy" : phase_name(line.phase), line.cost,
         0.0},
        line.ledger.start, line.ledger.end);
  }
  return result;
}

std::string present_value_csv(const PresentValue& value) {
  const auto field = [](const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (const char c : text)
      quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  std::string text = "action,item,category,amount,present_value\n";
  for (const auto& item : value.items)
    text += fmt::format("{},{},{},{},{}\n", field(item.action), field(item.item), item.category,
                        item.amount, item.present);
  text += fmt::format("total,,{},{},{}\n", field(value.status()), value.undiscounted, value.total);
  for (const auto& name : value.unpriced)
    text += fmt::format("unpriced,{},,,\n", field(name));
  return text;
}

} // namespace terrafate
