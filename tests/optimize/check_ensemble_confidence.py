"""terrafate optimize with an ensemble: the probability of compliance of each strategy is the
fraction of its realizations that comply, and feasibility flips at the confidence threshold.

Usage: check_ensemble_confidence.py TERRAFATE WORKDIR

Site: the 1-D column of check_optimize.py (benzene at 1 mg/L in the first 20 m, a drinking-water
receptor inside the source) with a lognormal half-life (median 400 d, geometric standard
deviation 1.5) over 6 realizations: natural attenuation (MNA) reaches the target before the
deadline in some realizations and not in others.
1. Confidence 0.99: strategies.csv's probability_of_compliance of MNA equals the fraction of
   its realizations whose compliance.csv time to target is at or before the deadline (computed
   here from strategies/MNA/realizations/NNNN/), strictly between 0 and 1, so MNA is infeasible.
2. Confidence = that fraction: MNA is feasible and recommended (the same numbers).
3. results.h5 holds every realization's trajectory, equal to its risk.csv.
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

DECK = """title: ensemble confidence site
grid:
  origin: [0, 0, 0]
  size: [200, 1, 1]
  cells: [80, 1, 1]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3,
     dispersivity: [2, 0.2, 0.2]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 2}}
    - {{face: xmax, type: head, head: 1.9}}
transport:
  species:
    - {{name: B, chemical: benzene, decay: {{half_life: 400}}}}
  initial:
    - {{species: B, region: {{box: {{min: [0, 0, 0], max: [20, 1, 1]}}}}, concentration: 1}}
remediation:
  - {{name: monitoring, type: monitoring, start: 0, wells: 2, events_per_year: 4,
     vehicle_km_per_event: 50}}
  - {{name: eisb, type: enhanced_bioremediation, region: {{box: {{min: [0, 0, 0], max: [40, 1, 1]}}}},
     start: 100, end: 1100, factor: 20, donor: {{material: electron_donor, mass: 1000}},
     injection_energy: 200}}
risk:
  framework: hj25.3-2019
  target: {{cancer_risk: 1.0e-6, hazard_quotient: 1}}
  standard: none
  receptors:
    - {{name: well, position: [12.5, 0.5, 0.5], land_use: first_class,
       pathways: [groundwater_ingestion]}}
carbon:
  grid: china-national-2022
  factors: {{material:electron_donor: 1.2, vehicle_km: 0.25}}
ensemble:
  realizations: 6
  seed: 11
  parameters:
    - {{path: transport.species.B.decay.half_life, distribution: lognormal, median: 400, gsd: 1.5}}
strategies:
  - {{name: MNA, actions: [monitoring]}}
  - {{name: EISB, actions: [eisb, monitoring]}}
objective: {{deadline: {deadline}, horizon: 5000, minimize: carbon, confidence: {confidence}}}
time:
  end: 5000
  max_step: 50
  output_times: [{times}]
output: {{hdf5: false, vtk: false}}
"""
DEADLINE = 2150
TIMES = ", ".join(str(t) for t in range(0, 5001, 100))


def run(args):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {result.returncode}\n{result.stdout}\n"
                 f"{result.stderr}")
    return result


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def optimize(terrafate, workdir, name, confidence):
    deck = os.path.join(workdir, f"{name}.yaml")
    with open(deck, "w") as f:
        f.write(DECK.format(deadline=DEADLINE, confidence=repr(confidence), times=TIMES))
    out = os.path.join(workdir, name)
    started = time.time()
    run([terrafate, "optimize", deck, "-o", out])
    strategies = {r["name"]: r for r in rows(os.path.join(out, "strategies.csv"))}
    recommendation = json.load(open(os.path.join(out, "recommendation.json")))
    print(f"confidence {confidence}: {time.time() - started:.1f} s; " + "; ".join(
        f"{n} P(compliance) {r['probability_of_compliance']} feasible {r['feasible']}"
        for n, r in strategies.items()) + f" -> recommended {recommendation['recommended']}")
    return out, strategies, recommendation


def fraction_compliant(out, strategy):
    """From the per-realization outputs: the fraction of realizations compliant by DEADLINE."""
    folder = os.path.join(out, "strategies", strategy, "realizations")
    members = sorted(os.listdir(folder))
    compliant = 0
    for member in members:
        times = [float(r["time_to_target"]) for r in rows(os.path.join(folder, member,
                                                                       "compliance.csv"))]
        if all(not math.isnan(t) and t <= DEADLINE for t in times):
            compliant += 1
    return compliant / len(members), len(members)


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    failures = []

    out, s, rec = optimize(terrafate, workdir, "strict", 0.99)
    fraction, members = fraction_compliant(out, "MNA")
    p = float(s["MNA"]["probability_of_compliance"])
    print(f"MNA: probability of compliance {p} in strategies.csv, {fraction} from the "
          f"{members} realizations' compliance.csv")
    if members != 6 or p != fraction:
        failures.append(f"MNA probability {p} vs {fraction} from the realizations")
    if not 0.0 < fraction < 1.0:
        failures.append(f"MNA should comply in some realizations only ({fraction})")
    if s["MNA"]["feasible"] != "0":
        failures.append("MNA should be infeasible at confidence 0.99")
    eisb_fraction, _ = fraction_compliant(out, "EISB")
    if float(s["EISB"]["probability_of_compliance"]) != eisb_fraction:
        failures.append("EISB probability differs from its realizations")

    out2, s2, rec2 = optimize(terrafate, workdir, "at_fraction", fraction)
    if s2["MNA"]["feasible"] != "1" or float(s2["MNA"]["probability_of_compliance"]) != fraction:
        failures.append(f"MNA should be feasible at confidence {fraction}")
    if rec2["recommended"] != "MNA":
        failures.append(f"confidence {fraction}: recommended {rec2['recommended']}, not MNA")

    checked = 0
    with h5py.File(os.path.join(out, "results.h5"), "r") as h5:
        for name in ("MNA", "EISB"):
            for member in range(6):
                expected = [r for r in rows(os.path.join(
                    out, "strategies", name, "realizations", f"{member:04d}", "risk.csv"))
                    if r["species"] == "all" and r["pathway"] == "all"]
                group = h5[f"strategies/{name}/realizations/{member:04d}/well"]
                if list(group["cancer_risk"][()]) != [float(r["cancer_risk"]) for r in expected] \
                        or list(group["time"][()]) != [float(r["time"]) for r in expected]:
                    failures.append(f"results.h5 {name} realization {member}")
                checked += 1
    print(f"results.h5: {checked} realization trajectories equal their risk.csv")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
