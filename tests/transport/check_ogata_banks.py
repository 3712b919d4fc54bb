#!/usr/bin/python3
"""1-D column with a flux (third-type) inlet, retardation and first-order decay
(ogata_banks.yaml) against the analytical solution.

The deck lets water carrying C0 = 1 enter through the xmin boundary (transport.boundaries), so
the mass entering is q C0 and no dispersive flux crosses the inlet: v C - D C_x = v C0 at x = 0,
a third-type condition. (A concentration source on the first cell would instead fix C there, a
first-type condition with a different solution.) The solution compared is therefore van Genuchten
& Alves (1982), third-type inlet with first-order decay, semi-infinite column, C(x, 0) = 0,
for R C_t = D C_xx - v C_x - mu C (analytic.third_type):

    C/C0 = v/(v+u) exp[(v-u)x/2D] erfc[(Rx - ut)/(2 sqrt(DRt))]
         + v/(v-u) exp[(v+u)x/2D] erfc[(Rx + ut)/(2 sqrt(DRt))]
         + v^2/(2 mu D) exp[vx/D - mu t/R] erfc[(Rx + vt)/(2 sqrt(DRt))],
    u = v sqrt(1 + 4 mu D / v^2),

with v = 0.5 m/d, D = 0.25 m2/d, R = 1.5, mu = 0.002 + 0.001 (R - 1) = 0.0025 /d (the deck's
comments derive them). Asserted: max |C - C_exact| < 0.01 (1 % of C0) at the cell centres with
x <= 150 m (the inlet face is at x = 0; the outlet at 200 m, where the finite column departs from
the semi-infinite one, stays 50 m and several dispersion lengths beyond the checked cells) at
t = 50, 100, ..., 300 d; every concentration >= -1e-12; every relative_closure < 1e-8.
Usage: check_ogata_banks.py TERRAFATE DECK WORKDIR
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs  # noqa: E402
from analytic import third_type  # noqa: E402

SPECIES = "A"
V, D, R, MU = 0.5, 0.25, 1.5, 0.0025
TIMES = [50.0, 100.0, 150.0, 200.0, 250.0, 300.0]
X_MAX = 150.0
TOLERANCE = 0.01


def main():
    terrafate, deck, workdir = sys.argv[1:4]
    out = os.path.join(workdir, "ogata_banks")
    transport_outputs.run(terrafate, deck, out)
    transport_outputs.check_mass_balance(out, (SPECIES,), 1e-8)
    (x, _, _), outputs = transport_outputs.read_fields(out, (SPECIES,))
    if [t for t, _ in outputs] != TIMES:
        sys.exit(f"FAIL: output times {[t for t, _ in outputs]}, expected {TIMES}")
    checked = x <= X_MAX
    failures = []
    for t, fields in outputs:
        c = fields[SPECIES][0, 0, :]
        exact = np.array([third_type(xi, t, V, D, R, MU) for xi in x[checked]])
        error = np.abs(c[checked] - exact)
        worst = int(np.argmax(error))
        print(f"t = {t:5g} d: max |C - C_exact| = {error[worst]:.5f} at x = {x[checked][worst]:g} m"
              f" (C_exact {exact[worst]:.4f}); min C = {c.min():.3e}")
        if error[worst] >= TOLERANCE:
            failures.append(f"error {error[worst]:.5f} at t = {t:g} d")
        if c.min() < -1e-12:
            failures.append(f"negative concentration {c.min():.3e} at t = {t:g} d")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print(f"PASS (max error < {TOLERANCE} C0 at the {np.count_nonzero(checked)} cells with "
          f"x <= {X_MAX:g} m)")


if __name__ == "__main__":
    main()
