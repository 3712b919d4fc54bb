#pragma once
// Design spaces (deck key `design_space:`) as decision vectors, and Pareto filtering. Plain C++:
// no PETSc, no MPI. A design is one value per varied parameter; its decision vector holds the
// continuous parameters first (their values) and then the discrete ones (the index of the
// chosen value), the layout pagmo expects for mixed-integer problems.
#include <cstddef>
#include <string>
#include <vector>

namespace terrafate::search {

/// One parameter the optimizer varies: a continuous range or a list of discrete choices, in the
/// parameter's base unit (e.g. d for start and end, m3/d for a pumping rate).
struct DesignParameter {
  std::string action;    ///< name of the remediation action
  std::string parameter; ///< the action's key, as written in design_space (e.g. rate, end)
  std::string unit;      ///< base unit of the values
  bool discrete = false;
  double low = 0.0, high = 0.0; ///< continuous: the range, low < high
  std::vector<double> choices;  ///< discrete: the values, at least one
};

class DesignSpace {
public:
  DesignSpace() = default;
  /// Throws std::invalid_argument for an empty or inverted range or an empty choice list.
  explicit DesignSpace(std::vector<DesignParameter> parameters);

  const std::vector<DesignParameter>& parameters() const { return parameters_; }
  std::size_t dimension() const { return parameters_.size(); }
  /// Number of discrete parameters (the integer part at the end of the decision vector).
  std::size_t integer_dimension() const;
  /// Bounds of the decision vector: the ranges, then [0, choices - 1] per discrete parameter.
  std::vector<double> lower_bounds() const;
  std::vector<double> upper_bounds() const;
  /// The parameter values (in the order of parameters()) of decision vector x; a discrete
  /// entry is rounded to the nearest index and clamped to the choices, a continuous one clamped
  /// to its range.
  std::vector<double> decode(const std::vector<double>& x) const;
  /// The decision vector of parameter values (discrete values must be among the choices;
  /// throws std::invalid_argument otherwise).
  std::vector<double> encode(const std::vector<double>& values) const;
  /// The decision vector with each discrete entry rounded and every entry clamped: two vectors
  /// that decode to the same design are equal after canonical().
  std::vector<double> canonical(const std::vector<double>& x) const;

private:
  std::vector<DesignParameter> parameters_;
  std::vector<std::size_t> order_; ///< decision-vector position -> parameter index
};

/// Whether objective vector a dominates b (every objective minimized; NaN counts as +infinity):
/// no worse in all, better in at least one.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);

/// Indices (ascending) of the points that no other point dominates. Equal points are all kept.
std::vector<std::size_t> non_dominated(const std::vector<std::vector<double>>& points);

} // namespace terrafate::search
