"""terrafate optimize searching a design space: the smallest pump-and-treat rate that keeps a
downgradient receptor compliant, against bisection with independent runs.

Usage: check_design_search.py TERRAFATE WORKDIR MPIEXEC

Site: a 1-D column (200 m x 10 m x 10 m, 80 cells) with steady flow of 25 m3/d, benzene held at
C0 in the first 10 m (a constant source), half-life 100 d, a first-class drinking-water receptor
at x = 180 m. Without pumping the receptor's risk exceeds the target for good. A pump-and-treat
well at x = 100 m (from 100 d on) takes half its rate from downstream: the water between the well
and the receptor slows down, the benzene decays longer on its way, and above a rate the receptor
complies. The pumping energy (and so the footprint) grows with the rate: the lowest-carbon
compliant design is the smallest compliant rate. Just above the smallest compliant rates the
receptor's risk still rises at the horizon (the slowed plume is still arriving): those designs
are unstable and rank after the stable ones, so the recommendation is the smallest rate that
complies and is stable.
1. Design search (NSGA-II, population 8, 3 generations, then COBYLA with 12 evaluations) of the
   rate in [-60, -5] m3/d: the recommended design's rate is within 5 % of the smallest compliant
   and stable rate found by bisection (8 `terrafate run`s of the plain deck at the bisection
   rates; stability by hand from their receptor_series.csv, as check_stability.py).
2. Reproducibility: the same seed on 2 ranks (two evaluations at once) writes the same
   strategies.csv, byte for byte.
3. pareto.csv is the non-dominated set of the feasible rows of strategies.csv (pairwise, over t
   CO2e, time to target and cost): no member dominated, every feasible non-member dominated.
4. The recommended design's deck (designs/<name>.yaml) re-run with `terrafate run` gives the
   footprint and time to target of its strategies.csv row (1e-9 relative).
5. results.h5 holds, for every strategy and design, the all,all rows of its risk.csv.
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_stability as stability  # noqa: E402

SITE = """title: design search site
grid:
  origin: [0, 0, 0]
  size: [200, 10, 10]
  cells: [80, 1, 1]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 50, porosity: 0.3,
     dispersivity: [1, 0.1, 0.1]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 2}}
    - {{face: xmax, type: head, head: 1}}
transport:
  species:
    - {{name: B, chemical: benzene, decay: {{half_life: 100}}}}
  sources:
    - {{species: B, type: concentration, region: {{box: {{min: [0, 0, 0], max: [10, 10, 10]}}}},
       concentration: 0.05}}
remediation:
  - {{name: pt, type: pump_and_treat, start: 100,
     wells: [{{name: EW1, position: [101.25, 5], screen: [0, 10], rate: {rate}}}],
     treatment_efficiency: {{B: 0.99}}, pump_efficiency: 0.6, system_head: 10,
     treatment_energy: 0.5}}
risk:
  framework: hj25.3-2019
  target: {{cancer_risk: 1.0e-6, hazard_quotient: 1}}
  standard: none
  receptors:
    - {{name: well, position: [178.75, 5, 5], land_use: first_class,
       pathways: [groundwater_ingestion]}}
carbon:
  grid: china-national-2022
  factors: {{drilling: {{value: 13.1052, source: "test basis: 2 L diesel/m x 2.6676 + 2.2 kg PVC/m x 3.10 + 1 kg cement/m x 0.95"}}}}
time:
  end: 2000
  max_step: 20
  output_times: [{times}]
output: {{hdf5: false, vtk: false}}
"""
DEADLINE = 1500
OPTIMIZE = """strategies:
  - {name: PT, actions: [pt]}
objective: {deadline: 1500, horizon: 2000, minimize: carbon}
design_space:
  - {action: pt, parameter: rate, range: [-60, -5]}
optimizer: {population: 8, generations: 3, seed: 3, refinement: 12}
"""
TIMES = ", ".join(str(t) for t in range(0, 2001, 20))
LOW, HIGH = -60.0, -5.0


def run(args, expect=0):
    result = subprocess.run(args, capture_output=True, text=True, timeout=900)
    if result.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)} exited {result.returncode}\n{result.stdout}\n"
                 f"{result.stderr}")
    return result


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def compliant(terrafate, workdir, rate, n):
    """Independent run of the plain deck (no strategies) at `rate`: compliant by the deadline
    and stable (the receptor's risk not rising over the last 5 years before the horizon, by
    hand from receptor_series.csv: an unstable design is not recommended over a stable one)?"""
    deck = os.path.join(workdir, f"bisect_{n}.yaml")
    with open(deck, "w") as f:
        f.write(SITE.format(rate=repr(rate), times=TIMES))
    out = os.path.join(workdir, f"bisect_{n}")
    run([terrafate, "run", deck, "-o", out])
    ttt = float(rows(os.path.join(out, "compliance.csv"))[0]["time_to_target"])
    unstable, _ = stability.expected_unstable(out)
    return not math.isnan(ttt) and ttt <= DEADLINE and not unstable


def objectives(r):
    t = float(r["time_to_target"])
    return (float(r["tco2e"]), math.inf if math.isnan(t) else t, float(r["cost"]))


def dominates(a, b):
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))


def main():
    terrafate, workdir, mpiexec = sys.argv[1:4]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    failures = []
    deck = os.path.join(workdir, "site.yaml")
    with open(deck, "w") as f:
        f.write(SITE.format(rate=-40, times=TIMES) + OPTIMIZE)

    started = time.time()
    out = os.path.join(workdir, "optimize")
    result = run([terrafate, "optimize", deck, "-o", out])
    seconds = time.time() - started
    progress = [line for line in result.stdout.splitlines() if "designs " in line]
    print(f"optimize on 1 rank: {seconds:.1f} s; last progress line: {progress[-1]}")
    if not progress or "ETA" not in progress[-1]:
        failures.append("no progress lines with an ETA")
    strategies = rows(os.path.join(out, "strategies.csv"))
    recommendation = json.load(open(os.path.join(out, "recommendation.json")))
    name = recommendation["recommended"]
    designs = [r for r in strategies if r["name"].startswith("design_")]
    print(f"{len(designs)} designs evaluated, {sum(r['feasible'] == '1' for r in designs)} "
          f"feasible; recommended {name}; search {recommendation.get('search')}")
    if not name or not name.startswith("design_"):
        sys.exit(f"FAIL: the recommendation is not a design: {recommendation}")
    best = next(r for r in strategies if r["name"] == name)
    optimum = float(best["pt.rate"])

    # 1. Bisection with independent runs: the smallest |rate| that complies.
    if compliant(terrafate, workdir, HIGH, 0) or not compliant(terrafate, workdir, LOW, 1):
        sys.exit("FAIL: the bracket [-60, -5] does not straddle compliance")
    lo, hi = LOW, HIGH  # lo complies, hi does not
    for n in range(2, 8):
        mid = 0.5 * (lo + hi)
        if compliant(terrafate, workdir, mid, n):
            lo = mid
        else:
            hi = mid
    bisection = 0.5 * (lo + hi)
    error = abs(optimum - bisection) / abs(bisection)
    print(f"smallest compliant rate: optimizer {optimum:.4f} m3/d, bisection {bisection:.4f} m3/d "
          f"(bracket [{lo:.4f}, {hi:.4f}]): {100 * error:.2f} %")
    if error > 0.05:
        failures.append(f"optimum {optimum} vs bisection {bisection}: {100 * error:.2f} %")

    # 2. Same seed, 2 ranks (two evaluations at once): the same strategies.csv.
    started = time.time()
    out2 = os.path.join(workdir, "optimize_np2")
    run([mpiexec, "-n", "2", terrafate, "optimize", deck, "-o", out2])
    print(f"optimize on 2 ranks: {time.time() - started:.1f} s")
    same = open(os.path.join(out, "strategies.csv")).read() == \
        open(os.path.join(out2, "strategies.csv")).read()
    print(f"strategies.csv identical with the same seed on 1 and 2 ranks: {same}")
    if not same:
        failures.append("the same seed did not reproduce strategies.csv")

    # 3. Pareto set = the non-dominated feasible rows.
    feasible = {r["name"]: objectives(r) for r in strategies if r["feasible"] == "1"}
    pareto = [r["name"] for r in rows(os.path.join(out, "pareto.csv"))]
    for p in pareto:
        for q, f in feasible.items():
            if dominates(f, feasible[p]):
                failures.append(f"pareto.csv member {p} is dominated by {q}")
    for q, f in feasible.items():
        if q not in pareto and not any(dominates(feasible[p], f) for p in pareto):
            failures.append(f"{q} is not dominated by any pareto.csv member but is not in it")
    print(f"Pareto set: {len(pareto)} of {len(feasible)} feasible designs, pairwise checked")

    # 4. The recommended design's deck re-run on its own.
    rerun = os.path.join(workdir, "rerun")
    run([terrafate, "run", os.path.join(out, "designs", f"{name}.yaml"), "-o", rerun])
    total = next(r for r in rows(os.path.join(rerun, "carbon_summary.csv")) if r["phase"] == "total")
    ttt = float(rows(os.path.join(rerun, "compliance.csv"))[0]["time_to_target"])
    print(f"{name} re-run: {float(total['tco2e']):.9g} t CO2e (strategies.csv "
          f"{float(best['tco2e']):.9g}), time to target {ttt} d ({best['time_to_target']})")
    if not math.isclose(float(total["tco2e"]), float(best["tco2e"]), rel_tol=1e-9) or \
            ttt != float(best["time_to_target"]):
        failures.append("the design's deck does not reproduce its evaluation")

    # 5. results.h5 = every strategy's risk.csv (all,all rows).
    checked = 0
    with h5py.File(os.path.join(out, "results.h5"), "r") as h5:
        for r in strategies:
            expected = [x for x in rows(os.path.join(out, "strategies", r["name"], "risk.csv"))
                        if x["species"] == "all" and x["pathway"] == "all"]
            group = h5[f"strategies/{r['name']}/well"]
            for column, dataset in (("time", "time"), ("cancer_risk", "cancer_risk"),
                                    ("hazard_quotient", "hazard_quotient")):
                values = list(group[dataset][()])
                if values != [float(x[column]) for x in expected]:
                    failures.append(f"results.h5 {r['name']}/{dataset} differs from risk.csv")
            if group["time"].attrs["unit"] not in ("d", b"d"):
                failures.append("results.h5 time unit")
            checked += 1
    print(f"results.h5: trajectories of {checked} strategies equal their risk.csv")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
