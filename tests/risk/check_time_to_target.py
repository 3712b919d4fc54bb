"""Time to target at every time step (issue 21) against bisection on a finer run.

Usage: check_time_to_target.py TERRAFATE WORKDIR

Site: benzene at 1 mg/L in the first 20 m of a 200 m sand column (half-life 400 d), a drinking
water receptor `well` at x = 12.5 m inside the source; risk target 1e-6. Its risk falls through
the target once, about 5 years in.
1. Coarse run: steps of 20 d, outputs every 1000 d only. compliance.csv's time_to_target must
   come from the per-step series (receptor_series.csv), not the outputs.
2. Finer run (the same 20 d steps, an output at every step): the reference is the time its risk
   (risk.csv, pathway all, linear between outputs) falls through the target for the last time,
   found by bisection to 1e-6 d. Pass: |coarse time to target - reference| <= 20 d (one step),
   and the coarse value is the first step end of its receptor_series.csv from which every later
   one is met.
3. Finer steps (2 d, an output every 10 d): the same bisection; the coarse value must lie within
   5 % of it (backward Euler in time is first order: the 20 d steps decay a little slower, so
   the crossing comes later by a few steps; printed).
"""
import csv
import math
import os
import shutil
import subprocess
import sys

DECK = """title: time to target at every step
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
risk:
  framework: hj25.3-2019
  target: {{cancer_risk: 1.0e-6, hazard_quotient: 1}}
  standard: none
  receptors:
    - {{name: well, position: [12.5, 0.5, 0.5], land_use: first_class,
       pathways: [groundwater_ingestion]}}
time:
  end: 8000
  initial_step: {step}
  max_step: {step}
  output_times: [{times}]
output: {{hdf5: false, vtk: false}}
"""
COARSE_STEP = 20.0
FINE_STEP = 2.0
TARGET = 1.0e-6


def run(terrafate, workdir, name, step, every):
    deck = os.path.join(workdir, f"{name}.yaml")
    times = ", ".join(f"{t:g}" for t in frange(0.0, 8000.0, every))
    with open(deck, "w") as f:
        f.write(DECK.format(step=step, times=times))
    out = os.path.join(workdir, name)
    result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        sys.exit(f"FAIL: terrafate run {deck} exited {result.returncode}\n{result.stderr}")
    return out


def frange(begin, end, step):
    n = int(round((end - begin) / step))
    return [begin + i * step for i in range(n + 1)]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def bisection(folder):
    """The last time the run's risk (risk.csv, linear between outputs) falls through the
    target, by bisection to 1e-6 d."""
    series = [(float(r["time"]), float(r["cancer_risk"])) for r in rows(os.path.join(folder,
              "risk.csv")) if r["receptor"] == "well" and r["species"] == "all"]
    last_above = max(i for i, (_, cr) in enumerate(series) if cr > TARGET)
    (t0, r0), (t1, r1) = series[last_above], series[last_above + 1]
    lo, hi = t0, t1
    while hi - lo > 1e-6:
        mid = 0.5 * (lo + hi)
        if r0 + (r1 - r0) * (mid - t0) / (t1 - t0) > TARGET:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    failures = []

    coarse = run(terrafate, workdir, "coarse", COARSE_STEP, 1000.0)
    fine = run(terrafate, workdir, "fine", COARSE_STEP, COARSE_STEP)
    finer_steps = run(terrafate, workdir, "finer_steps", FINE_STEP, 10.0)
    reference = bisection(fine)
    reference_steps = bisection(finer_steps)

    ttt = float(rows(os.path.join(coarse, "compliance.csv"))[0]["time_to_target"])
    fine_ttt = float(rows(os.path.join(fine, "compliance.csv"))[0]["time_to_target"])
    # What the output times alone would give: the first output from which all are met.
    outputs = [(float(r["time"]), float(r["cancer_risk"])) for r in rows(os.path.join(coarse,
               "risk.csv")) if r["receptor"] == "well" and r["species"] == "all"]
    at_outputs = math.nan
    for t, cr in reversed(outputs):
        if cr > TARGET:
            break
        at_outputs = t
    print(f"time to target: coarse run (steps {COARSE_STEP:g} d, outputs every 1000 d) "
          f"{ttt:.6g} d; bisection on the finer run (an output every step) {reference:.6f} d, "
          f"difference {ttt - reference:+.3f} d; that run's own {fine_ttt:.6g} d; from the "
          f"coarse output times alone {at_outputs:g} d; bisection with {FINE_STEP:g} d steps "
          f"{reference_steps:.3f} d (coarse {100 * (ttt / reference_steps - 1):+.2f} %)")
    if not abs(ttt - reference) <= COARSE_STEP:
        failures.append(f"coarse time to target {ttt} d is more than one step ({COARSE_STEP} d) "
                        f"from the bisection {reference:.3f} d")
    if fine_ttt != ttt:
        failures.append(f"the time to target depends on the output times: {fine_ttt} vs {ttt}")
    if not abs(ttt / reference_steps - 1) <= 0.05:
        failures.append(f"coarse time to target {ttt} d is not within 5 % of the {FINE_STEP:g} d "
                        f"steps' {reference_steps:.3f} d")
    # The coarse value is the first step end of receptor_series.csv from which all are met.
    steps = [(float(r["time"]), r["met"] == "1", float(r["max_cancer_risk"]))
             for r in rows(os.path.join(coarse, "receptor_series.csv")) if r["receptor"] == "well"]
    expected = math.nan
    for t, met, cr in reversed(steps):
        if not met or cr > TARGET:
            break
        expected = t
    gaps = [b[0] - a[0] for a, b in zip(steps, steps[1:])]
    print(f"receptor_series.csv: {len(steps)} times, largest gap {max(gaps):g} d; first step "
          f"from which every later one is met {expected:g} d")
    if ttt != expected:
        failures.append(f"compliance.csv time_to_target {ttt} is not the series' {expected}")
    if max(gaps) > COARSE_STEP * (1 + 1e-12):
        failures.append("receptor_series.csv skips steps")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
