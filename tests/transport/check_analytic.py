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
The parameters are those of ogata_banks.yaml, mf6_p1_*.yaml and decay_chain.yaml.
Usage: check_analytic.py
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from analytic import SteadyChain, first_type, third_type  # noqa: E402

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


def main():
    # ogata_banks.yaml: v = 0.5 m/d, D = 0.25 m2/d, R = 1.5, mu = 0.002 + 0.001 * (R - 1).
    v, D, R, mu = 0.5, 0.25, 1.5, 0.0025
    check_transient("first_type", first_type, v, D, R, mu)
    check_transient("third_type", third_type, v, D, R, mu)
    # mf6_p1: v = 0.1, D = 0.1, R = 2, mu = 0.002 (the first-type case of the MF6 reference).
    check_transient("first_type (P1)", first_type, 0.1, 0.1, 2.0, 0.002)
    # decay_chain.yaml.
    check_chain(0.5, 0.25, [0.01, 0.005, 0.002, 0.001], [0.8, 0.7, 0.6])
    if failures:
        sys.exit(f"FAIL: {', '.join(failures)}")
    print("PASS")


if __name__ == "__main__":
    main()
