#include "terrafate/remediation/ledger.hpp"

#include <fmt/format.h>

#include "terrafate/core/csv_table.hpp"

namespace terrafate {

void Ledger::add(const std::string& action, const std::string& item, double quantity,
                 const std::string& unit, double start, double end) {
  for (auto& entry : entries_)
    if (entry.action == action && entry.item == item && entry.unit == unit) {
      entry.quantity += quantity;
      return;
    }
  entries_.push_back({action, item, unit, quantity, start, end});
}

std::string Ledger::csv() const {
  std::string text = "action,item,quantity,unit,start,end\n";
  for (const auto& entry : entries_)
    text += fmt::format("{},{},{},{},{},{}\n", entry.action, entry.item, entry.quantity, entry.unit,
                        entry.start, entry.end);
  return text;
}

Ledger Ledger::from_csv(const std::string& text) {
  const CsvTable table = parse_csv_table(text, "ledger");
  Ledger ledger;
  for (const auto& row : table.rows)
    ledger.entries_.push_back(
        {row[0], row[1], row[3], std::stod(row[2]), std::stod(row[4]), std::stod(row[5])});
  return ledger;
}

} // namespace terrafate
