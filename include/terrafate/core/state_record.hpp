#pragma once
// The state of a run as named values, for checkpoints: what each part of the model (flow,
// transport, soil, remediation, outputs) must keep to continue exactly where it stopped.
// Plain C++; the io module writes and reads it (HDF5), the physics only fills and reads it.
#include <map>
#include <string>
#include <vector>

namespace terrafate {

struct StateRecord {
  /// Per owned grid cell (x fastest): a global cell field in the file, so a run may restart on
  /// another number of ranks. A name's values hold `components` values per cell.
  std::map<std::string, std::vector<double>> cells;
  /// Rank 0's values (the same on every rank, or known on rank 0 only); read back on every rank.
  std::map<std::string, std::vector<double>> values;
  /// This rank's partial sums (the same length on every rank). Read back: each rank's own row
  /// when the rank count is the same; otherwise rank 0 gets the sum over the written ranks and
  /// the others zeros, which keeps the totals.
  std::map<std::string, std::vector<double>> per_rank;
  /// Rank 0's texts; read back on every rank.
  std::map<std::string, std::string> texts;

  /// The values stored under `name`; throws std::out_of_range naming it when absent.
  const std::vector<double>& value(const std::string& name) const;
  double scalar(const std::string& name) const { return value(name).at(0); }
};

} // namespace terrafate
