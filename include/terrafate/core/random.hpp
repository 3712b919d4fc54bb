#pragma once
// Reproducible random sampling: counter-based random numbers, the normal quantile function, sample
// quantiles and stationary Gaussian random fields on the grid. Plain C++ (no MPI): every value is
// a pure function of its arguments, so results do not depend on the number of ranks or on the
// order in which cells or realizations are evaluated.
#include <array>
#include <cstdint>
#include <vector>

namespace terrafate {

/// Counter-based random numbers: every value is a pure function of (seed, stream, index), so a
/// realization or a cell draws the same numbers whatever the number of MPI ranks or the order
/// of evaluation. (Hash: SplitMix64 finalizer applied to a combination of the three: the state
/// mix(mix(seed + G) ^ stream) is XORed with mix(index + G) and mixed again, G = 2^64 / golden
/// ratio. For a fixed (seed, stream) the map index -> bits is a bijection, so no two indices of a
/// stream ever draw the same 64 bits.)
std::uint64_t random_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

/// Uniform in the open interval (0, 1): the top 52 bits of random_bits, k, give (k + 1/2) / 2^52,
/// so the values lie in [2^-53, 1 - 2^-53] and are never 0 or 1.
double random_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

/// Standard normal (by the inverse normal CDF of random_uniform, so one draw per index); the values
/// lie within +-8.21 (the quantile of 2^-53).
double random_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

/// Inverse of the standard normal CDF, |relative error| < 1e-9 on (0, 1) (measured: below 1e-15):
/// Acklam's rational approximation refined by one Halley step using std::erf / std::erfc (for
/// subnormal p, below about 1e-308, a Newton step on log Phi instead). Symmetric:
/// normal_quantile(1 - p) == -normal_quantile(p) exactly for p in [0.5, 1).
/// normal_quantile(0) = -inf, normal_quantile(1) = +inf; throws std::invalid_argument when p is
/// outside [0, 1] or NaN.
double normal_quantile(double p);

/// The p-quantile (p in [0, 1]) of `values` by linear interpolation between order statistics
/// (Hyndman-Fan type 7, as numpy's default, with numpy's interpolation formula); `values` is taken
/// by value and sorted. Throws std::invalid_argument when `values` is empty or holds a NaN, or when
/// p is outside [0, 1].
double sample_quantile(std::vector<double> values, double p);

/// A stationary Gaussian random field with zero mean, unit variance and a Gaussian correlation
/// function rho(h) = exp(-sum_a (h_a / L_a)^2) over a 3-D rectilinear grid, built as the
/// convolution of white noise on the grid's cells with a separable Gaussian kernel.
///
/// Kernel: per axis, weights w_m proportional to exp(-m^2 / (2 s_a^2)) at cell offsets
/// |m| <= R_a = ceil(4 s_a), with s_a = L_a / (2 dx_a) cells, normalized so that sum_m w_m^2 = 1:
/// the variance is exactly 1 and the correlation at a lag of n cells is sum_m w_m w_{m+n} =
/// exp(-(n dx_a / L_a)^2) to within 2e-4 when L_a >= 2 dx_a (truncation; coarser for shorter
/// lengths, where the lattice shows: up to 0.1 at L_a = dx_a). (The kernel's standard deviation is
/// L_a / 2, not L_a / sqrt(2): the self-convolution of a Gaussian of standard deviation s has
/// standard deviation s sqrt(2), and exp(-h^2 / L^2) has standard deviation L / sqrt(2).)
///
/// Non-uniform axes: the kernel is laid out in index space with the mean cell width
/// dx_a = (centers[a].back() - centers[a].front()) / (n_a - 1) (uniform spacing approximation),
/// so where cells are wider than the mean the correlation length in metres is longer in the same
/// proportion. An axis of a single cell gets no smoothing (one weight, 1): along it the field has
/// one value, and its distribution is the same.
///
/// White noise of cell (i,j,k) (and of the margin cells beyond the grid that the kernel reaches,
/// R_a cells on each side) is random_normal(seed, stream, g), g = i' + E_x (j' + E_y k') the global
/// index of the cell in the grid extended by the margin (i' = i + R_x, E_a = n_a + 2 R_a), so any
/// block of cells evaluates to the same values however the grid is split.
class GaussianField {
public:
  /// centers[a]: cell-centre coordinates [m] along axis a of the whole grid, strictly increasing
  /// (non-uniform allowed, see above); correlation_length[a] [m] (> 0, finite). Throws
  /// std::invalid_argument otherwise, or when the margin-extended grid would have more than 2^63
  /// cells.
  GaussianField(std::array<std::vector<double>, 3> centers,
                std::array<double, 3> correlation_length, std::uint64_t seed, std::uint64_t stream);

  /// Values of the cells offset[a] <= index < offset[a] + count[a], x fastest. The summation order
  /// of every value is fixed (x, then y, then z, each over offsets -R_a..R_a ascending), so a block
  /// is bitwise identical to the same cells of any other block. Memory: the block plus R_a cells on
  /// each side. Throws std::invalid_argument when the block is not inside the grid.
  std::vector<double> block(std::array<int, 3> offset, std::array<int, 3> count) const;

  /// Number of cells of the grid per axis.
  const std::array<int, 3>& cells() const { return cells_; }

private:
  std::array<int, 3> cells_{};
  std::array<std::int64_t, 3> radius_{};         ///< R_a [cells]
  std::array<std::uint64_t, 3> extended_{};      ///< E_a = n_a + 2 R_a [cells]
  std::array<std::vector<double>, 3> weights_{}; ///< w_m for m = -R_a..R_a
  std::uint64_t seed_ = 0;
  std::uint64_t stream_ = 0;
};

} // namespace terrafate
