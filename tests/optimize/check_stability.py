"""The post-horizon stability check of terrafate optimize (issue 21): `unstable` in strategies.csv.

Usage: check_stability.py TERRAFATE WORKDIR

The 1-D site of check_optimize.py (benzene plume moving down a 200 m column at about 0.017 m/d,
half-life 400 d, horizon 5000 d) with a second receptor `down` downstream of the source, and
decision.stability_window 1826.25 d (5 years):
- NEAR: `down` at x = 60 m, which the plume has passed by the horizon: its risk falls over the
  last 5 years, and MNA must not be flagged;
- FAR: `down` at x = 120 m, which the plume is still approaching at the horizon: its risk rises,
  and MNA must be flagged unstable (1).
Reference, computed here independently for every strategy from its receptor_series.csv: the
least-squares slope of each receptor's worst ratio (max of CR/1e-6, HI/1, concentration/standard)
over the points of the last window, unstable when slope x window > 1e-3 at some receptor; and,
from risk.csv at the output times, the sign of the change of `down`'s cancer risk over the
window agrees with the flag of MNA.
Ranking: an unstable strategy is not recommended over a stable feasible one. In FAR, MNA has
the least carbon of the feasible strategies but is unstable: the recommendation is the stable
feasible strategy of least carbon (EISB), and the reasons say why MNA is not recommended.
"""
import csv
import math
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_optimize as base  # noqa: E402

WINDOW = 1826.25
TOLERANCE = 1e-3


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def expected_unstable(folder):
    series = {}
    for r in rows(os.path.join(folder, "receptor_series.csv")):
        standard = float(r["max_standard_ratio"])
        ratio = max(float(r["max_cancer_risk"]) / 1e-6, float(r["max_hazard_index"]) / 1.0,
                    standard if not math.isnan(standard) else -math.inf)
        series.setdefault(r["receptor"], []).append((float(r["time"]), ratio))
    rises = {}
    for receptor, points in series.items():
        end = points[-1][0]
        window = [(t, v) for t, v in points if t >= end - WINDOW]
        mt = sum(t for t, _ in window) / len(window)
        mv = sum(v for _, v in window) / len(window)
        slope = sum((t - mt) * (v - mv) for t, v in window) / sum((t - mt) ** 2 for t, _ in window)
        rises[receptor] = slope * WINDOW
    return any(rise > TOLERANCE for rise in rises.values()), rises


def check_ranking(name, s, rec, failures):
    """An unstable strategy is not recommended over a stable feasible one: the recommendation
    is the stable feasible strategy of least carbon (when the stable ones are more than the 10 %
    tolerance apart; else not checked here), an unstable one only when none is stable."""
    feasible = {n: r for n, r in s.items() if r["feasible"] == "1"}
    stable = sorted((float(r["tco2e"]), n) for n, r in feasible.items() if r["unstable"] == "0")
    by_carbon = sorted((float(r["tco2e"]), n) for n, r in feasible.items())
    print(f"{name}: feasible {sorted(feasible)}, stable {[n for _, n in stable]}, recommended "
          f"{rec['recommended']}; reasons: {rec['reasons']}")
    if not stable:
        return
    if len(stable) > 1 and stable[1][0] <= 1.1 * stable[0][0]:
        return
    expected = stable[0][1]
    if rec["recommended"] != expected:
        failures.append(f"{name}: recommended {rec['recommended']}, expected the stable {expected}")
    first = by_carbon[0][1]
    if feasible[first]["unstable"] == "1" and "unstable" not in rec["reasons"]:
        failures.append(f"{name}: the reasons do not say why {first} (unstable) is not "
                        "recommended")
    return first


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    original = base.DECK
    failures = []
    flags = {}
    for name, x in (("near", 60.0), ("far", 120.0)):
        base.DECK = original.replace(
            "       pathways: [groundwater_ingestion]}}\n",
            "       pathways: [groundwater_ingestion]}}\n"
            f"    - {{{{name: down, position: [{x}, 0.5, 0.5], land_use: first_class,\n"
            "       pathways: [groundwater_ingestion]}}\n", 1).replace(
            "objective:", f"decision: {{{{stability_window: {WINDOW}}}}}\nobjective:", 1)
        _, out, s, rec, _ = base.optimize(terrafate, workdir, name, 4500)
        first = check_ranking(name, s, rec, failures)
        if name == "far" and not (first == "MNA" and rec["recommended"] not in (None, "MNA")):
            failures.append(f"far: MNA (unstable) should have the least carbon ({first}) and "
                            f"not be recommended ({rec['recommended']})")
        for strategy, row in s.items():
            folder = os.path.join(out, "strategies", strategy)
            expected, rises = expected_unstable(folder)
            print(f"{name}: {strategy} unstable {row['unstable']} (by hand {int(expected)}; rise "
                  f"over the window per receptor: " +
                  ", ".join(f"{k} {v:.3e}" for k, v in rises.items()) + ")")
            if row["unstable"] != str(int(expected)):
                failures.append(f"{name}: {strategy} unstable {row['unstable']}, by hand "
                                f"{int(expected)}")
        flags[name] = s["MNA"]["unstable"]
        risk = {float(r["time"]): float(r["cancer_risk"]) for r in rows(os.path.join(
            out, "strategies", "MNA", "risk.csv")) if r["receptor"] == "down" and
            r["species"] == "all"}
        end = max(risk)
        start = min(risk, key=lambda t: abs(t - (end - WINDOW)))
        rising = risk[end] > risk[start]
        print(f"{name}: MNA's risk at `down` from {start:g} d to {end:g} d: {risk[start]:.4e} -> "
              f"{risk[end]:.4e} ({'rising' if rising else 'falling'})")
        if flags[name] != ("1" if rising else "0"):
            failures.append(f"{name}: MNA's flag {flags[name]} disagrees with risk.csv")
    if flags != {"near": "0", "far": "1"}:
        failures.append(f"MNA should be stable with `down` at 60 m and unstable at 120 m: {flags}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
