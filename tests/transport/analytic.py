"""Closed-form solutions of 1-D advection-dispersion with linear sorption and first-order decay,
and of steady 2-D transport from a continuous line source (line_source_steady), used by the
transport verification checks.

Equation (one species, uniform steady flow, semi-infinite domain x >= 0):

    R dC/dt = D d2C/dx2 - v dC/dx - mu C,    C(x, 0) = 0,

with pore velocity v [m/d], dispersion coefficient D [m2/d], retardation R = 1 + rho_b Kd / theta
and the decay coefficient mu = lambda_w + lambda_s (R - 1) [1/d] (dissolved and sorbed rates).
Every solution below is for a unit inlet concentration (C0 = 1) and uses

    u = v sqrt(1 + 4 mu D / v^2).

Products exp(a) erfc(z) are evaluated as exp(a + log erfc(z)) so that neither factor overflows or
underflows on its own (a can reach hundreds at the far end of a long column, where erfc(z) is
below the smallest double).

References: M. Th. van Genuchten and W. J. Alves (1982), Analytical solutions of the
one-dimensional convective-dispersive solute transport equation, USDA Technical Bulletin 1661
(first-type and third-type inlet solutions with first-order decay); the MODFLOW 6 reference
README (../shared/reference/mf6/README.md, problem 1) for the first-type formula; E. J. Wilson and
R. A. Miller (1978), Two-dimensional plume in uniform ground-water flow, J. Hydraulics Division
ASCE 104(HY4), 503-514 (line_source_steady is the steady limit of their solution, also given by
Hunt 1978).
"""
import math

import numpy as np


def log_erfc(z):
    """log(erfc(z)) for any real z, accurate where erfc(z) underflows.

    math.erfc keeps full relative accuracy down to about 1e-300 (z < 26); beyond, erfc(z) =
    exp(-z^2) / sqrt(pi) * 1 / (z + (1/2) / (z + 1 / (z + (3/2) / (z + 2 / (z + ...))))), the
    Laplace continued fraction, evaluated bottom-up (converged to rounding for z >= 26 with 40
    terms).
    """
    if z < 26.0:
        return math.log(math.erfc(z))
    fraction = z
    for k in range(40, 0, -1):
        fraction = z + 0.5 * k / fraction
    return -z * z - math.log(math.sqrt(math.pi) * fraction)


def exp_erfc(a, z):
    """exp(a) * erfc(z) without intermediate overflow or underflow."""
    exponent = a + log_erfc(z)
    return 0.0 if exponent < -745.0 else math.exp(exponent)


def first_type(x, t, v, D, R, mu):
    """C/C0 for a first-type (Dirichlet) inlet C(0, t) = 1 (van Genuchten & Alves 1982):

        C = 1/2 exp[(v-u)x/2D] erfc[(Rx - ut) / (2 sqrt(DRt))]
          + 1/2 exp[(v+u)x/2D] erfc[(Rx + ut) / (2 sqrt(DRt))].
    """
    if t <= 0.0:
        return 0.0
    u = v * math.sqrt(1.0 + 4.0 * mu * D / (v * v))
    s = 2.0 * math.sqrt(D * R * t)
    return (0.5 * exp_erfc((v - u) * x / (2.0 * D), (R * x - u * t) / s)
            + 0.5 * exp_erfc((v + u) * x / (2.0 * D), (R * x + u * t) / s))


def third_type(x, t, v, D, R, mu):
    """C/C0 for a third-type (Cauchy, flux) inlet v C - D dC/dx = v at x = 0, i.e. the water
    entering the column carries C0 = 1 and no dispersive flux crosses the inlet (van Genuchten &
    Alves 1982, third-type inlet with first-order decay, mu > 0):

        C = v/(v+u) exp[(v-u)x/2D] erfc[(Rx - ut) / (2 sqrt(DRt))]
          + v/(v-u) exp[(v+u)x/2D] erfc[(Rx + ut) / (2 sqrt(DRt))]
          + v^2/(2 mu D) exp[vx/D - mu t/R] erfc[(Rx + vt) / (2 sqrt(DRt))].

    The last two terms nearly cancel when mu D / v^2 is small (v/(v-u) ~ -v^2/(2 mu D)); the
    loss is about log10(v^2 / (2 mu D)) digits, two for the decks here.
    """
    if t <= 0.0:
        return 0.0
    u = v * math.sqrt(1.0 + 4.0 * mu * D / (v * v))
    s = 2.0 * math.sqrt(D * R * t)
    return (v / (v + u) * exp_erfc((v - u) * x / (2.0 * D), (R * x - u * t) / s)
            + v / (v - u) * exp_erfc((v + u) * x / (2.0 * D), (R * x + u * t) / s)
            + v * v / (2.0 * mu * D) * exp_erfc(v * x / D - mu * t / R, (R * x + v * t) / s))


def third_type_no_decay(x, t, v, D, R):
    """C/C0 for the third-type inlet of third_type without decay (mu = 0, where third_type's
    last two terms are singular; van Genuchten & Alves 1982, solution C6):

        C = 1/2 erfc[(Rx - vt) / (2 sqrt(DRt))] + sqrt(v^2 t / (pi D R)) exp[-(Rx - vt)^2 / (4DRt)]
          - 1/2 (1 + vx/D + v^2 t/(DR)) exp(vx/D) erfc[(Rx + vt) / (2 sqrt(DRt))].
    """
    if t <= 0.0:
        return 0.0
    s = 2.0 * math.sqrt(D * R * t)
    return (0.5 * math.erfc((R * x - v * t) / s)
            + math.sqrt(v * v * t / (math.pi * D * R)) * math.exp(-((R * x - v * t) / s) ** 2)
            - 0.5 * (1.0 + v * x / D + v * v * t / (D * R)) * exp_erfc(v * x / D, (R * x + v * t) / s))


class SteadyChain:
    """Steady state of a sequential first-order decay chain 1 -> 2 -> ... -> N in 1-D uniform
    flow on x >= 0 with first-type inlet C_1(0) = 1, C_n(0) = 0 for n > 1:

        0 = D C_n'' - v C_n' - k_n C_n + y_{n-1} k_{n-1} C_{n-1}     (no term for n = 1),

    k_n the decay rate of member n (all distinct, no sorption: at steady state R plays no role
    anyway), y_{n-1} the mass of member n produced per mass of member n-1 decayed.

    Solution: C_n(x) = sum_{j <= n} a_nj exp(m_j x) with m_j = (v - sqrt(v^2 + 4 D k_j)) / (2D),
    the decaying root of D m^2 - v m - k_j = 0. Substituting, the exp(m_j x) terms of member n
    satisfy (D m_j^2 - v m_j - k_n) a_nj + y_{n-1} k_{n-1} a_{n-1,j} = 0 and D m_j^2 - v m_j = k_j,
    so

        a_11 = 1,   a_nj = y_{n-1} k_{n-1} a_{n-1,j} / (k_n - k_j)   (j < n),
        a_nn = -sum_{j < n} a_nj                                      (C_n(0) = 0).
    """

    def __init__(self, v, D, rates, yields):
        if len(yields) != len(rates) - 1:
            raise ValueError("a chain of N members needs N - 1 yields")
        if len(set(rates)) != len(rates):
            raise ValueError("the closed form needs distinct decay rates")
        self.m = [(v - math.sqrt(v * v + 4.0 * D * k)) / (2.0 * D) for k in rates]
        self.a = [[1.0]]
        for n in range(1, len(rates)):
            row = [yields[n - 1] * rates[n - 1] * self.a[n - 1][j] / (rates[n] - rates[j])
                   for j in range(n)]
            row.append(-sum(row))
            self.a.append(row)

    def __call__(self, n, x):
        """Concentration of member n (0-based) at x [m]."""
        return sum(a * math.exp(m * x) for a, m in zip(self.a[n], self.m))


EULER_GAMMA = 0.5772156649015329


def bessel_k0_series(z):
    """K0(z) from the ascending series (Abramowitz & Stegun 9.6.13):

        K0(z) = -(ln(z/2) + gamma) I0(z) + sum_{k>=1} (z^2/4)^k / (k!)^2 H_k,
        I0(z) = sum_{k>=0} (z^2/4)^k / (k!)^2,   H_k = 1 + 1/2 + ... + 1/k.

    Accurate to rounding for z <= 2; for larger z the two parts cancel (a relative error of
    about 1e-12 at z = 5), hence bessel_k0_integral there.
    """
    quarter_z2 = 0.25 * z * z
    term = i0 = 1.0
    harmonic_sum = harmonic = 0.0
    for k in range(1, 100):
        term *= quarter_z2 / (k * k)
        harmonic += 1.0 / k
        i0 += term
        harmonic_sum += term * harmonic
        if term < 1e-17 * i0:
            break
    return -(math.log(0.5 * z) + EULER_GAMMA) * i0 + harmonic_sum


def bessel_k0_integral(z, h=0.05):
    """K0(z) = int_0^inf exp(-z cosh t) dt by the trapezoid rule with step h, truncated where
    z cosh t > 750 (the integrand is below 1e-325 there). The integrand is even in t and analytic,
    so the rule converges geometrically: with h = 0.05 it is exact to rounding for z >= 0.1."""
    t_max = math.acosh(max(750.0 / z, 1.0)) + h
    values = np.exp(-z * np.cosh(np.arange(0.0, t_max, h)))
    return h * (values.sum() - 0.5 * values[0])


def bessel_k0(z):
    """The modified Bessel function of the second kind K0(z), z > 0 (series for z <= 2, the
    integral beyond)."""
    return bessel_k0_series(z) if z <= 2.0 else bessel_k0_integral(z)


def line_source_steady(x, y, m, theta, v, DL, DT, decay=0.0):
    """Steady concentration around a continuous line source at the origin in uniform flow v along
    x (infinite 2-D domain, no sorption needed at steady state), for

        0 = DL C_xx + DT C_yy - v C_x - decay C + m / theta delta(x) delta(y),

    m the mass injected per unit time and unit length of the line [g/d/m] (M / b for a point
    source of M g/d in a layer of thickness b), theta the porosity (Wilson & Miller 1978, steady
    limit; Hunt 1978):

        C = m / (2 pi theta sqrt(DL DT)) exp(v x / (2 DL)) K0(kappa sqrt(x^2 + y^2 DL / DT)),
        kappa = sqrt(v^2 / (4 DL^2) + decay / DL).

    Derivation: with y' = y sqrt(DL/DT) and C = exp(v x / 2DL) u, u solves the modified Helmholtz
    equation u_xx + u_y'y' - kappa^2 u = -(m / (theta sqrt(DL DT))) delta(x) delta(y'), whose
    decaying solution is that factor times K0(kappa r') / (2 pi).
    """
    kappa = math.sqrt(v * v / (4.0 * DL * DL) + decay / DL)
    r = math.sqrt(x * x + y * y * DL / DT)
    return (m / (2.0 * math.pi * theta * math.sqrt(DL * DT)) * math.exp(v * x / (2.0 * DL))
            * bessel_k0(kappa * r))
