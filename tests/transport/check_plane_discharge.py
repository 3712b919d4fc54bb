#!/usr/bin/python3
"""Control-plane mass discharge against a hand calculation (plane_discharge.yaml).

Steady 1-D flow: q = K dh/L = 5 * 1 / 100 = 0.05 m/d through a 2 m2 cross-section, Q = 0.1
m3/d. At steady state with upwind advection and no dispersion, cell n of width dx = 2 m and
volume V = 4 m3 satisfies Q C_{n-1} = (Q + lambda theta V) C_n, so C_n = C0 r^(n+1) with
r = Q / (Q + lambda theta V); the discharge through the face after cell n is Q C_n. The planes
at x = 25.3 m and 74.6 m snap to the grid planes at 26 m (after cell 12) and 74 m (after cell
36). Conservative tracer: Q C0 through every plane.
Usage: check_plane_discharge.py TERRAFATE DECK WORKDIR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402


def main():
    terrafate, deck, workdir = sys.argv[1:4]
    out = os.path.join(workdir, "planes")
    outputs.run(terrafate, deck, out)
    rows = outputs.read_csv(os.path.join(out, "mass_discharge.csv"),
                            ["time", "plane", "species", "value", "unit"])
    flow, c0, rate, porosity, volume = 0.1, 2.0, 0.01, 0.25, 4.0
    ratio = flow / (flow + rate * porosity * volume)
    last_cell = {"p25": 12, "p75": 36}
    expected = {("p25", "tracer"): flow * c0, ("p75", "tracer"): flow * c0,
                ("p25", "decaying"): flow * c0 * ratio ** (last_cell["p25"] + 1),
                ("p75", "decaying"): flow * c0 * ratio ** (last_cell["p75"] + 1)}
    failures = []
    for time, plane, species, value, unit in rows:
        if unit != "g/d":
            failures.append(f"unit {unit}")
        reference = expected.pop((plane, species))
        relative = abs(float(value) - reference) / reference
        print(f"{plane} {species}: {float(value):.9g} g/d, hand calculation {reference:.9g} g/d, "
              f"relative difference {relative:.2e}")
        if relative > 1e-6:
            failures.append(f"{plane} {species} differs by {relative:.2e}")
    if expected:
        failures.append(f"missing rows {sorted(expected)}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
