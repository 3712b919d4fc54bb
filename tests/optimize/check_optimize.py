"""terrafate optimize on a 1-D site with three objectives, against what each must recommend.

Usage: check_optimize.py TERRAFATE WORKDIR

Site: benzene at 1 mg/L in the first 20 m of a 200 m column, half-life 400 d, a first-class
drinking-water receptor at x = 12.5 m (inside the source). Strategies: MNA (monitoring only), EISB (a bioremediation
factor 20 over 100-1100 d on the source, 1000 kg of donor) and THERMAL (0.1 /d over 100-1100 d,
1.5 kWh/m3/d). Every action that changes the physics starts at 100 d: the shared history is
100 d.
1. Deadline 4500 d: MNA complies (natural attenuation alone) and is recommended although the
   active options reach the target sooner (lower level, far less carbon).
2. Deadline 1000 d: MNA misses it; EISB and THERMAL comply; EISB has less carbon and is
   recommended; its footprint in strategies.csv equals the ledger x factors by hand (donor
   1000 kg x 1.2 + monitoring travel km x 0.25 + injection kWh x 0.5366, / 1000).
3. Deadline 50 d: nothing complies; exit 0, recommendation.json has recommended null and names
   the closest strategy.
4. Branching: `terrafate run --strategy NAME` of each strategy alone gives risk.csv,
   compliance.csv, ledger.csv and carbon.csv equal within 1e-10 (relative to each column's
   largest value) to the strategy's evaluation continued from the shared history.
5. pareto.csv is non-dominated over (t CO2e, time to target, cost).
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys

DECK = """title: optimize test site
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
  - {{name: thermal, type: thermal, region: {{box: {{min: [0, 0, 0], max: [40, 1, 1]}}}},
     start: 100, end: 1100, rates: {{B: 0.1}}, electricity: 1.5}}
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
  costs: {{electricity: 0.8, material:electron_donor: 15}}
strategies:
  - {{name: MNA, actions: [monitoring]}}
  - {{name: EISB, actions: [eisb, monitoring]}}
  - {{name: THERMAL, actions: [thermal, monitoring]}}
objective: {{deadline: {deadline}, horizon: 5000, minimize: carbon}}
time:
  end: 5000
  max_step: 25
  output_times: [{times}]
output: {{hdf5: false, vtk: false}}
"""
TIMES = ", ".join(str(t) for t in range(0, 5001, 50))


def run(args, expect=0):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if result.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)} exited {result.returncode}\n{result.stderr}")
    return result


def optimize(terrafate, workdir, name, deadline):
    deck = os.path.join(workdir, f"{name}.yaml")
    with open(deck, "w") as f:
        f.write(DECK.format(deadline=deadline, times=TIMES))
    out = os.path.join(workdir, name)
    result = run([terrafate, "optimize", deck, "-o", out])
    strategies = {r["name"]: r for r in csv.DictReader(open(os.path.join(out, "strategies.csv")))}
    recommendation = json.load(open(os.path.join(out, "recommendation.json")))
    print(f"deadline {deadline} d: " + "; ".join(
        f"{n} feasible {r['feasible']} ttt {r['time_to_target']} tCO2e {float(r['tco2e']):.4f}"
        for n, r in strategies.items()) + f" -> recommended {recommendation['recommended']}")
    return deck, out, strategies, recommendation, result.stdout


def table(path, keys):
    rows = list(csv.DictReader(open(path)))
    return rows, keys


def compare_close(a_path, b_path, keys, failures, label):
    a = list(csv.DictReader(open(a_path)))
    b = list(csv.DictReader(open(b_path)))
    if len(a) != len(b):
        failures.append(f"{label}: {len(a)} rows vs {len(b)}")
        return 0.0
    worst = 0.0
    for column in a[0]:
        try:
            x = [float(r[column]) for r in a]
            y = [float(r[column]) for r in b]
        except ValueError:
            if [r[column] for r in a] != [r[column] for r in b]:
                failures.append(f"{label}: column {column} differs")
            continue
        finite = [(p, q) for p, q in zip(x, y) if not (math.isnan(p) and math.isnan(q))]
        scale = max((abs(p) for p, _ in finite), default=0.0)
        if scale > 0:
            worst = max(worst, max(abs(p - q) for p, q in finite) / scale)
    return worst


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    failures = []

    _, out, s, rec, _ = optimize(terrafate, workdir, "late_deadline", 4500)
    if rec["recommended"] != "MNA":
        failures.append(f"deadline 4500 d: recommended {rec['recommended']}, not MNA")
    if not (s["MNA"]["feasible"] == "1" and float(s["EISB"]["time_to_target"]) <
            float(s["MNA"]["time_to_target"])):
        failures.append("deadline 4500 d: MNA should comply, later than EISB")
    if s["MNA"]["level"] != "natural_attenuation" or s["EISB"]["level"] != "active_remediation":
        failures.append("intervention levels")

    deck, out, s, rec, _ = optimize(terrafate, workdir, "mid_deadline", 1000)
    if rec["recommended"] != "EISB" or s["MNA"]["feasible"] != "0" or s["THERMAL"]["feasible"] != "1":
        failures.append(f"deadline 1000 d: {rec}")
    ledger = list(csv.DictReader(open(os.path.join(out, "strategies", "EISB", "ledger.csv"))))
    factors = {"material:electron_donor": 1.2, "vehicle_km": 0.25}
    hand = 0.0
    for row in ledger:
        if row["item"] in factors:
            hand += float(row["quantity"]) * factors[row["item"]] / 1000
        elif row["item"].startswith("electricity:"):
            hand += float(row["quantity"]) * 0.5366 / 1000
    print(f"EISB footprint {float(s['EISB']['tco2e']):.9f} t CO2e, ledger x factors by hand "
          f"{hand:.9f}")
    if not math.isclose(float(s["EISB"]["tco2e"]), hand, rel_tol=1e-12):
        failures.append("EISB footprint differs from the hand calculation")
    if not float(s["EISB"]["tco2e"]) < float(s["THERMAL"]["tco2e"]):
        failures.append("EISB should have less carbon than THERMAL")
    if rec.get("runner_up") != "THERMAL":
        failures.append("runner-up")
    # Pareto set: no member dominated by a feasible strategy.
    pareto = list(csv.DictReader(open(os.path.join(out, "pareto.csv"))))
    feasible = [r for r in s.values() if r["feasible"] == "1"]
    for p in pareto:
        for q in feasible:
            better = (float(q["tco2e"]) <= float(p["tco2e"]) and
                      float(q["time_to_target"]) <= float(p["time_to_target"]) and
                      float(q["cost"]) <= float(p["cost"]) and
                      (float(q["tco2e"]), float(q["time_to_target"]), float(q["cost"])) !=
                      (float(p["tco2e"]), float(p["time_to_target"]), float(p["cost"])))
            if better:
                failures.append(f"pareto.csv member {p['name']} is dominated by {q['name']}")
    # Branching vs full runs of each strategy.
    worst = 0.0
    for name in ("MNA", "EISB", "THERMAL"):
        full = os.path.join(workdir, f"full_{name}")
        run([terrafate, "run", deck, "--strategy", name, "-o", full])
        for table_name in ("risk.csv", "compliance.csv", "ledger.csv", "carbon.csv",
                           "mass_balance.csv"):
            worst = max(worst, compare_close(os.path.join(full, table_name),
                                             os.path.join(out, "strategies", name, table_name),
                                             None, failures, f"{name} {table_name}"))
    print(f"branched from the {json.load(open(os.path.join(out, 'recommendation.json')))['shared_history_days']} "
          f"d shared history vs full runs: within {worst:.2e}")
    if worst > 1e-10:
        failures.append(f"branching differs from full runs by {worst:.2e}")

    _, out, s, rec, stdout = optimize(terrafate, workdir, "early_deadline", 50)
    if rec["recommended"] is not None or rec.get("closest") not in ("EISB", "THERMAL", "MNA"):
        failures.append(f"deadline 50 d: {rec}")
    print(f"deadline 50 d: {rec['reasons']}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
