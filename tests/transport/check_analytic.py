#!/usr/bin/python3
"""Self-test of the closed-form solutions in analytic.py, independent of terrafate.

A solution of R C_t = D C_xx - v C_x - mu C that is bounded in x, vanishes at t -> 0 for x > 0
and meets the inlet condition is the unique one, so each formula is checked on exactly those
properties, with derivatives taken by fourth-order central finite differences (not from the
formulas' algebra); the residuals are relative to the largest term over all sample points:

* first_type and third_type: the PDE residual R C_t - D C_xx + v C_x + mu C below 1e-7 at points
  across the front (x = 1 ... 150 m, t = 20 ... 400 d, step 0.03);
  the inlet conditions C(0, t) = 1 (first type) and v C - D C_x = v at x = 0 (third type) to 1e-7;
  C(x, t) -> 0 as t -> 0 (x > 0); and the steady limit at large t, C = exp(m x) (first type) and
  C = 2v/(v+u) exp(m x) (third type), m = (v - u) / 2D.
* SteadyChain: D C_n'' - v C_n' - k_n C_n + y_{n-1} k_{n-1} C_{n-1} below 1e-9 for every member
  (x = 0.5 ... 300 m, step 0.1), and C_1(0) = 1, C_n(0) = 0.
* bessel_k0: the tabulated K0(0.1) = 2.4270690, K0(1) = 0.4210244, K0(2) = 0.1138939,
  K0(5) = 0.0036911 (Abramowitz & Stegun table 9.8) to half a unit in the last digit, and its
  two independent evaluations (series and integral) agreeing to 1e-11 relative for z = 0.05 ... 5.
* line_source_steady: the PDE residual DL C_xx + DT C_yy - v C_x - decay C below 1e-7 (step 0.01)
  at points around the source, with and without decay, and the source strength: at steady state
  all the mass injected decays, so int int decay theta C dx dy = m (to 1e-8, by quadrature in
  polar coordinates around the source).
The parameters are those of ogata_banks.yaml, mf6_p1_*.yaml, decay_chain.yaml and
hunt_line_source.yaml.
Usage: check_analytic.py
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from analytic import (SteadyChain, bessel_k0, bessel_k0_integral, bessel_k0_series,  # noqa: E402
                      first_type, line_source_steady, third_type)

failures = []


def expect(name, value, limit):
    ok = value <= limit
    print(f"{'PASS' if ok else 'FAIL'} {name}: {value:.3e} (limit {limit:.0e})")
    if not ok:
        failures.append(name)


def d1(f, h):
    """f'(0) by the fourth-order central difference."""
    return (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h)


def d2(f, h):
    """f''(0) by the fourth-order central difference."""
    return (-f(2 * h) + 16 * f(h) - 30 * f(0.0) + 16 * f(-h) - f(-2 * h)) / (12 * h * h)


def pde_residual(solution, v, D, R, mu):
    """Largest |R C_t - D C_xx + v C_x + mu C| over a grid of (x, t), relative to the largest
    term."""
    h = 0.03
    residual = scale = 0.0
    for t in (20.0, 50.0, 100.0, 200.0, 400.0):
        for x in (1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 150.0):
            def in_x(dx):
                return solution(x + dx, t, v, D, R, mu)

            def in_t(dt):
                return solution(x, t + dt, v, D, R, mu)
            terms = (R * d1(in_t, h), -D * d2(in_x, h), v * d1(in_x, h), mu * in_x(0.0))
            scale = max(scale, max(abs(term) for term in terms))
            residual = max(residual, abs(sum(terms)))
    return residual / scale


def check_transient(name, solution, v, D, R, mu):
    u = v * math.sqrt(1 + 4 * mu * D / v ** 2)
    expect(f"{name}: PDE residual", pde_residual(solution, v, D, R, mu), 1e-7)
    inlet = 0.0
    for t in (1.0, 10.0, 100.0, 1000.0):
        def profile(x):
            return solution(x, t, v, D, R, mu)
        if solution is first_type:
            inlet = max(inlet, abs(profile(0.0) - 1.0))
        else:
            inlet = max(inlet, abs(v * profile(0.0) - D * d1(profile, 1e-3) - v) / v)
    expect(f"{name}: inlet condition", inlet, 1e-7)
    expect(f"{name}: C(x, t -> 0)",
           max(abs(solution(x, 1e-6, v, D, R, mu)) for x in (0.5, 5.0, 50.0)), 1e-12)
    # Steady state: D C'' - v C' - mu C = 0 with the inlet condition gives A exp(m x).
    m = (v - u) / (2 * D)
    amplitude = 1.0 if solution is first_type else 2 * v / (v + u)
    steady = max(abs(solution(x, 1e6, v, D, R, mu) - amplitude * math.exp(m * x))
                 for x in (0.0, 10.0, 100.0))
    expect(f"{name}: steady limit", steady, 1e-10)


def check_chain(v, D, rates, yields):
    chain = SteadyChain(v, D, rates, yields)
    h = 0.1
    for n, k in enumerate(rates):
        residual = scale = 0.0
        for x in (0.5, 5.0, 20.0, 50.0, 100.0, 200.0, 300.0):
            def member(dx):
                return chain(n, x + dx)
            terms = [D * d2(member, h), -v * d1(member, h), -k * member(0.0)]
            if n > 0:
                terms.append(yields[n - 1] * rates[n - 1] * chain(n - 1, x))
            scale = max(scale, max(abs(term) for term in terms))
            residual = max(residual, abs(sum(terms)))
        expect(f"steady chain member {n + 1}: ODE residual", residual / scale, 1e-9)
    inlet = max([abs(chain(0, 0.0) - 1.0)] + [abs(chain(n, 0.0)) for n in range(1, len(rates))])
    expect("steady chain: inlet values", inlet, 1e-14)


def check_bessel_k0():
    table = {0.1: 2.4270690, 1.0: 0.4210244, 2.0: 0.1138939, 5.0: 0.0036911}
    expect("K0: tabulated values", max(abs(bessel_k0(z) - k0) for z, k0 in table.items()), 5e-8)
    expect("K0: series vs integral",
           max(abs(bessel_k0_series(z) / bessel_k0_integral(z) - 1.0)
               for z in (0.05, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0)), 1e-11)


def check_line_source(m, theta, v, DL, DT, decay):
    """PDE residual around the source and, with decay, the source strength."""
    def c(x, y):
        return line_source_steady(x, y, m, theta, v, DL, DT, decay)
    h = 0.01
    residual = scale = 0.0
    for x, y in ((5.0, 0.0), (-5.0, 1.0), (20.0, 3.0), (50.0, -5.0), (0.0, 2.0), (100.0, 10.0)):
        terms = (DL * d2(lambda dx: c(x + dx, y), h), DT * d2(lambda dy: c(x, y + dy), h),
                 -v * d1(lambda dx: c(x + dx, y), h), -decay * c(x, y))
        scale = max(scale, max(abs(term) for term in terms))
        residual = max(residual, abs(sum(terms)))
    expect(f"line source (decay {decay:g}): PDE residual", residual / scale, 1e-7)
    if decay > 0.0:
        # In the coordinates (x, y') = (x, y sqrt(DL/DT)) = r (cos phi, sin phi), C is
        # exp(a x) times a function of r (a = v / 2DL), so its mean over a circle is
        # I0(a r) C(0, y' = r), and int int C dx dy = sqrt(DT/DL) int 2 pi r I0(a r) C(0, r') dr,
        # integrated with r = exp(u) by the trapezoid rule in u (geometrically convergent here).
        a = v / (2.0 * DL)
        r = np.exp(np.arange(math.log(1e-9), math.log(3000.0), 0.01))
        integrand = [2.0 * math.pi * ri * ri * np.i0(a * ri) * c(0.0, ri * math.sqrt(DT / DL))
                     for ri in r]
        mass = math.sqrt(DT / DL) * 0.01 * sum(integrand)
        expect("line source: source strength, int int decay theta C / m - 1",
               abs(decay * theta * mass / m - 1.0), 1e-8)


def main():
    # ogata_banks.yaml: v = 0.5 m/d, D = 0.25 m2/d, R = 1.5, mu = 0.002 + 0.001 * (R - 1).
    v, D, R, mu = 0.5, 0.25, 1.5, 0.0025
    check_transient("first_type", first_type, v, D, R, mu)
    check_transient("third_type", third_type, v, D, R, mu)
    # mf6_p1: v = 0.1, D = 0.1, R = 2, mu = 0.002 (the first-type case of the MF6 reference).
    check_transient("first_type (P1)", first_type, 0.1, 0.1, 2.0, 0.002)
    # decay_chain.yaml.
    check_chain(0.5, 0.25, [0.01, 0.005, 0.002, 0.001], [0.8, 0.7, 0.6])
    check_bessel_k0()
    # hunt_line_source.yaml: q = 0.1 m/d, porosity 0.3 (v = 1/3 m/d), aL = 5 m, aT = 0.5 m,
    # decay 0.01 /d; and the same without decay. Both checks are linear in m: m = 1 g/d/m.
    v = 0.1 / 0.3
    for decay in (0.01, 0.0):
        check_line_source(1.0, 0.3, v, 5.0 * v, 0.5 * v, decay)
    if failures:
        sys.exit(f"FAIL: {', '.join(failures)}")
    print("PASS")


if __name__ == "__main__":
    main()
