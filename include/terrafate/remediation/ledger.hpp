#pragma once
// The ledger of a run's remediation actions: what they consume and remove (ledger.csv).
#include <string>
#include <vector>

namespace terrafate {

/// Resources and performance per action, summed over the run: ledger.csv.
class Ledger {
public:
  /// Adds `quantity` to the (action, item, unit) entry, created with the window [start, end].
  void add(const std::string& action, const std::string& item, double quantity,
           const std::string& unit, double start, double end);
  /// `action,item,quantity,unit,start,end` and a row per entry, in the order first added.
  std::string csv() const;
  /// The ledger that csv() wrote (a checkpoint's); quantities round-trip exactly.
  static Ledger from_csv(const std::string& text);

  struct Entry {
    std::string action, item, unit;
    double quantity = 0.0, start = 0.0, end = 0.0;
  };
  const std::vector<Entry>& entries() const { return entries_; }

private:
  std::vector<Entry> entries_;
};

} // namespace terrafate
