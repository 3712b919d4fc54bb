#!/usr/bin/python3
"""Steady 4-member decay chain A -> B -> C -> D in uniform 1-D flow (decay_chain.yaml) against the
closed-form steady solution.

Steady equations (no sorption; v = 0.5 m/d, D = 0.25 m2/d, k = 0.01, 0.005, 0.002, 0.001 /d,
yields y = 0.8, 0.7, 0.6), first-type inlet at x = 0 (the centre of the held first cell) with
C_A(0) = 1, C_B(0) = C_C(0) = C_D(0) = 0, semi-infinite column:

    0 = D C_n'' - v C_n' - k_n C_n + y_{n-1} k_{n-1} C_{n-1}.

Solution (analytic.SteadyChain): C_n = sum_{j<=n} a_nj exp(m_j x), m_j = (v - sqrt(v^2 + 4 D k_j))
/ (2D), a_11 = 1, a_nj = y_{n-1} k_{n-1} a_{n-1,j} / (k_n - k_j) for j < n, and
a_nn = -sum_{j<n} a_nj.

Asserted:
* steady state reached: the 1000 d and 1500 d outputs differ by less than 1e-4 of each species'
  maximum;
* at 1500 d, for every species, |C - C_exact| <= 2 % of the species' maximum at the cell centres
  where C_exact > 1e-3 of that maximum and x <= 290 m (the last 10 m are left out: the column
  ends at 300.25 m with an advective outflow, where the semi-infinite solution does not hold);
* mass accounting of the chain: at every output, the cumulative mass of each daughter produced
  equals the yield times the cumulative mass of its parent decayed, to 1e-6 relative;
* every concentration >= -1e-12 and every relative_closure < 1e-8.
Usage: check_decay_chain.py TERRAFATE DECK WORKDIR
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs  # noqa: E402
from analytic import SteadyChain  # noqa: E402

SPECIES = ("A", "B", "C", "D")
V, D = 0.5, 0.25
RATES = [0.01, 0.005, 0.002, 0.001]
YIELDS = [0.8, 0.7, 0.6]
TIMES = [1000.0, 1500.0]
X_MAX = 290.0
TOLERANCE = 0.02


def main():
    terrafate, deck, workdir = sys.argv[1:4]
    out = os.path.join(workdir, "decay_chain")
    transport_outputs.run(terrafate, deck, out)
    balance = transport_outputs.check_mass_balance(out, SPECIES, 1e-8)
    (x, _, _), outputs = transport_outputs.read_fields(out, SPECIES)
    if [t for t, _ in outputs] != TIMES:
        sys.exit(f"FAIL: output times {[t for t, _ in outputs]}, expected {TIMES}")
    (_, before), (_, final) = outputs
    chain = SteadyChain(V, D, RATES, YIELDS)
    inside = x <= X_MAX
    failures = []
    for n, name in enumerate(SPECIES):
        c = final[name][0, 0, :]
        exact = np.array([chain(n, xi) for xi in x])
        scale = exact[inside].max()
        checked = inside & (exact > 1e-3 * scale)
        error = np.abs(c - exact)[checked] / scale
        worst = int(np.argmax(error))
        change = np.abs(c - before[name][0, 0, :]).max() / scale
        print(f"{name}: max |C - C_exact| / max C_exact = {error[worst]:.5f} at x = "
              f"{x[checked][worst]:g} m ({np.count_nonzero(checked)} cells, max C_exact "
              f"{scale:.4f}); change 1000 -> 1500 d {change:.2e}; min C {c.min():.3e}")
        if error[worst] > TOLERANCE:
            failures.append(f"{name}: error {error[worst]:.5f}")
        if change > 1e-4:
            failures.append(f"{name}: not steady ({change:.2e})")
        if min(f[name].min() for _, f in outputs) < -1e-12:
            failures.append(f"{name}: negative concentration")
    by_key = {(row["time"], row["species"]): row for row in balance}
    for t in sorted({row["time"] for row in balance}):
        for parent, daughter, y in zip(SPECIES, SPECIES[1:], YIELDS):
            decayed = by_key[(t, parent)]["decayed"]
            produced = by_key[(t, daughter)]["produced"]
            if abs(produced - y * decayed) > 1e-6 * max(abs(y * decayed), 1e-30):
                failures.append(f"t = {t:g} d: {daughter} produced {produced} g != {y} x "
                                f"{parent} decayed {decayed} g")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print(f"PASS (every species within {TOLERANCE:.0%} of its maximum)")


if __name__ == "__main__":
    main()
