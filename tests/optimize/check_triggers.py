"""Contingency: an action that starts on a trigger instead of a date (issue 21).

Usage: check_triggers.py TERRAFATE WORKDIR

The ensemble site of check_ensemble_confidence.py (lognormal benzene half-life, 6 realizations)
with a sentinel well MW_sentinel at x = 42.5 m, downstream of the source, and a contingent EISB
(`start: {trigger: {location: MW_sentinel, species: B, above: THRESHOLD mg/L, checked: 100 d}}`).
Strategies: MNA (monitoring only: the no-action run, as monitoring does not change the physics)
and MNA_CONTINGENT (monitoring and the contingent EISB).
For every realization, from MNA's observations.csv (an output every 100 d, so at every check):
the trigger must fire at the first check time k x 100 d (k >= 1) at which MNA's sentinel
concentration exceeds THRESHOLD, and not at all where it never does. Checked against
MNA_CONTINGENT's ledger.csv of that realization:
- fired: the contingent action's rows start at that check time (its donor mass 1000 kg);
- not fired: the ledger has no row of the contingent action, and the realization's footprint
  equals MNA's (monitoring only) to 1e-12.
The threshold must split the realizations (some fire, some do not).
"""
import csv
import math
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ensemble_confidence as base  # noqa: E402

THRESHOLD = 0.04  # [mg/L]
EVERY = 100.0     # [d]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    deck = base.DECK.replace(
        "risk:\n",
        "  - {{name: eisb_if_needed, type: enhanced_bioremediation,\n"
        "     region: {{box: {{min: [0, 0, 0], max: [60, 1, 1]}}}},\n"
        "     start: {{trigger: {{location: MW_sentinel, species: B, above: "
        f"\"{THRESHOLD} mg/L\", checked: \"{EVERY:g} d\"}}}}}}}},\n"
        "     factor: 20, donor: {{material: electron_donor, mass: 1000}}}}\n"
        "risk:\n", 1)
    deck = deck.replace("output: {{hdf5: false, vtk: false}}\n",
                        "observations:\n  points:\n"
                        "    - {{name: MW_sentinel, position: [42.5, 0.5, 0.5]}}\n"
                        "output: {{hdf5: false, vtk: false}}\n")
    deck = deck.replace("  - {{name: EISB, actions: [eisb, monitoring]}}\n",
                        "  - {{name: MNA_CONTINGENT, actions: [monitoring, eisb_if_needed]}}\n")
    base.DECK = deck
    out, s, _ = base.optimize(terrafate, workdir, "triggers", 0.5)
    failures = []
    fired_count = 0
    members = sorted(os.listdir(os.path.join(out, "strategies", "MNA", "realizations")))
    for member in members:
        mna = os.path.join(out, "strategies", "MNA", "realizations", member)
        contingent = os.path.join(out, "strategies", "MNA_CONTINGENT", "realizations", member)
        sentinel = {float(r["time"]): float(r["value"]) for r in rows(os.path.join(
            mna, "observations.csv")) if r["location"] == "MW_sentinel" and r["variable"] == "B"}
        checks = [k * EVERY for k in range(1, 100) if k * EVERY < 5000]
        expected = next((t for t in checks if sentinel[t] > THRESHOLD), None)
        peak = max(sentinel[t] for t in checks)
        ledger = [r for r in rows(os.path.join(contingent, "ledger.csv"))
                  if r["action"] == "eisb_if_needed"]
        starts = sorted({float(r["start"]) for r in ledger})
        donor = [float(r["quantity"]) for r in ledger if r["item"] == "material:electron_donor"]
        print(f"realization {member}: MNA sentinel peak at the checks {peak:.5f} mg/L; expected "
              f"firing {expected} d; ledger of the contingent action: {len(ledger)} rows, "
              f"start {starts}, donor {donor}")
        if expected is None:
            if ledger:
                failures.append(f"{member}: the trigger fired, the sentinel never exceeds it")
            carbon_mna = sum(float(r["tco2e"]) for r in rows(os.path.join(mna, "carbon.csv")))
            carbon_c = sum(float(r["tco2e"]) for r in rows(os.path.join(contingent, "carbon.csv")))
            if not math.isclose(carbon_mna, carbon_c, rel_tol=1e-12):
                failures.append(f"{member}: footprint {carbon_c} differs from MNA's {carbon_mna}")
        else:
            fired_count += 1
            if starts != [expected] or donor != [1000.0]:
                failures.append(f"{member}: fired at {starts} (expected [{expected}]), donor "
                                f"{donor}")
    print(f"the trigger fired in {fired_count} of {len(members)} realizations")
    if not 0 < fired_count < len(members):
        failures.append("the threshold should split the realizations")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
