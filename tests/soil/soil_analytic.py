"""Closed forms for the soil-column checks (no terrafate involved).

- van Genuchten-Mualem: K(theta) = Ks Se^(1/2) [1 - (1 - Se^(1/m))^m]^2, m = 1 - 1/n, and the
  water content that drains a flux q under unit gradient, K(theta) = q (bisection on Se).
- A slug of uniform water concentration C0 between depths a and b in an infinite column with
  pore velocity V = q / (theta R) and dispersion D_R = (alpha_L q + ...) / (theta R): the
  concentration is C0/2 [erf((z - a - Vt)/s) - erf((z - b - Vt)/s)], s = sqrt(4 D_R t), and the
  mass that has passed depth L by time t is the mass below L:
  M(t) = A theta R C0 s/2 [ierfc((L - b - Vt)/s) - ierfc((L - a - Vt)/s)],
  ierfc(u) = exp(-u^2)/sqrt(pi) - u erfc(u) (the integral of erfc from u to infinity).
"""
import math


def mualem_conductivity(theta, alpha, n, theta_r, theta_s, ks):
    se = (theta - theta_r) / (theta_s - theta_r)
    m = 1.0 - 1.0 / n
    return ks * math.sqrt(se) * (1.0 - (1.0 - se ** (1.0 / m)) ** m) ** 2


def unit_gradient_theta(q, alpha, n, theta_r, theta_s, ks):
    """Bisection of K(theta) = q on theta itself."""
    low, high = theta_r, theta_s
    for _ in range(200):
        middle = 0.5 * (low + high)
        if mualem_conductivity(middle, alpha, n, theta_r, theta_s, ks) < q:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def ierfc(u):
    return math.exp(-u * u) / math.sqrt(math.pi) - u * math.erfc(u)


def slug_passed(t, top, bottom, depth, velocity, dispersion, mass):
    """Mass [g] of a slug of total `mass` [g] initially uniform in [top, bottom] [m] that
    has passed `depth` [m] by time t [d] (retarded velocity [m/d] and dispersion [m2/d])."""
    if t <= 0.0:
        return 0.0
    spread = math.sqrt(4.0 * dispersion * t)
    shift = velocity * t
    width = bottom - top
    return mass / width * spread / 2.0 * (ierfc((depth - bottom - shift) / spread) -
                                          ierfc((depth - top - shift) / spread))
