#!/usr/bin/python3
"""`terrafate optimize --posterior posterior.csv` (issue 23): the strategies are judged on the
realizations of an assimilation's posterior.

  check_posterior_optimize.py TERRAFATE WORKDIR

The site is the 1-D column of tests/optimize/check_ensemble_confidence.py (benzene at 1 mg/L in
the first 20 m, a drinking-water receptor inside the source, MNA or EISB), here without an
ensemble: section. A posterior.csv gives four realizations of benzene's half-life: 100 and 150 d
(MNA reaches the target long before the 2150 d deadline) and 2000 and 3000 d (it does not:
decay alone removes 53 % and 39 % by then). Checks:
1. strategies.csv has MNA's probability of compliance 0.5 over 4 realizations, and each
   realization's compliance.csv agrees with that split (the first two comply, the last two not);
2. every realization ran with its posterior value (its provenance.json deck holds the half-life);
3. without an ensemble: section every realization must comply, so MNA is infeasible and EISB
   (which complies in all four) is recommended;
4. a posterior column naming no value of the deck is an input error (exit 2, naming the column).
"""
import csv
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

DECK = """title: posterior optimize site
grid:
  origin: [0, 0, 0]
  size: [200, 1, 1]
  cells: [80, 1, 1]
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3,
     dispersivity: [2, 0.2, 0.2]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 2}
    - {face: xmax, type: head, head: 1.9}
transport:
  species:
    - {name: B, chemical: benzene, decay: {half_life: 400}}
  initial:
    - {species: B, region: {box: {min: [0, 0, 0], max: [20, 1, 1]}}, concentration: 1}
remediation:
  - {name: monitoring, type: monitoring, start: 0, wells: 2, events_per_year: 4,
     vehicle_km_per_event: 50}
  - {name: eisb, type: enhanced_bioremediation, region: {box: {min: [0, 0, 0], max: [40, 1, 1]}},
     start: 100, end: 1100, factor: 20, donor: {material: electron_donor, mass: 1000},
     injection_energy: 200}
risk:
  framework: hj25.3-2019
  target: {cancer_risk: 1.0e-6, hazard_quotient: 1}
  standard: none
  receptors:
    - {name: well, position: [12.5, 0.5, 0.5], land_use: first_class,
       pathways: [groundwater_ingestion]}
carbon:
  grid: china-national-2022
  factors: {material:electron_donor: 1.2, vehicle_km: 0.25}
strategies:
  - {name: MNA, actions: [monitoring]}
  - {name: EISB, actions: [eisb, monitoring]}
objective: {deadline: 2150, horizon: 5000, minimize: carbon}
time:
  end: 5000
  max_step: 50
  output_times: [0, 1000, 2000, 2150, 3000, 4000, 5000]
output: {hdf5: false, vtk: false}
"""
HALF_LIVES = [100.0, 150.0, 2000.0, 3000.0]
DEADLINE = 2150.0


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    terrafate, work = sys.argv[1], Path(sys.argv[2])
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    deck = work / "site.yaml"
    deck.write_text(DECK)
    posterior = work / "posterior.csv"
    posterior.write_text("realization,transport.species.B.decay.half_life\n" + "".join(
        f"{r},{h:g}\n" for r, h in enumerate(HALF_LIVES)))
    out = work / "out"
    result = subprocess.run([terrafate, "optimize", str(deck), "-o", str(out), "--posterior",
                             str(posterior)], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        sys.exit(f"FAIL: optimize exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    failures = []
    strategies = {r["name"]: r for r in rows(out / "strategies.csv")}
    recommendation = json.loads((out / "recommendation.json").read_text())
    p = float(strategies["MNA"]["probability_of_compliance"])
    print(f"MNA: probability of compliance {p}, feasible {strategies['MNA']['feasible']}; "
          f"EISB: {strategies['EISB']['probability_of_compliance']}; recommended "
          f"{recommendation['recommended']}")
    if p != 0.5:
        failures.append(f"MNA probability of compliance {p}, expected 0.5 (2 of 4)")
    for r, half_life in enumerate(HALF_LIVES):
        folder = out / "strategies" / "MNA" / "realizations" / f"{r:04d}"
        times = [float(x["time_to_target"]) for x in rows(folder / "compliance.csv")]
        complies = all(not math.isnan(t) and t <= DEADLINE for t in times)
        if complies != (half_life < 1000):
            failures.append(f"realization {r} (half-life {half_life:g} d): complies {complies}")
        text = json.loads((folder / "provenance.json").read_text())["deck"]
        if f"half_life: {half_life:g}" not in text:
            failures.append(f"realization {r} did not run with half-life {half_life:g}")
    if strategies["MNA"]["feasible"] != "0" or recommendation["recommended"] != "EISB":
        failures.append("without an ensemble: section every realization must comply: MNA "
                        "infeasible and EISB recommended")
    bad = work / "bad.csv"
    bad.write_text("realization,transport.species.X.decay.half_life\n0,100\n1,200\n")
    result = subprocess.run([terrafate, "optimize", str(deck), "-o", str(work / "bad"),
                             "--posterior", str(bad)], capture_output=True, text=True)
    print(f"bad column: exit {result.returncode}: {result.stderr.strip()[:200]}")
    if result.returncode != 2 or "transport.species.X.decay.half_life" not in result.stderr:
        failures.append(f"bad posterior column: exit {result.returncode}, {result.stderr}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
