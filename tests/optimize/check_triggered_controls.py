"""Contingent controls with a duration (issue 21): vapour mitigation and a groundwater-use
restriction that start on a trigger and run for `duration` from it.

Usage: check_triggered_controls.py TERRAFATE WORKDIR

The ensemble site of check_triggers.py (6 realizations of a lognormal benzene half-life, a
sentinel well MW_sentinel at x = 42.5 m) with two contingent actions, both
`start: {trigger: {location: MW_sentinel, species: B, above: 0.04 mg/L, checked: 100 d}},
duration: 1000 d`:
- ssd_if_needed, vapour_mitigation at the receptor: 4 fans of 90 W;
- no_wells_if_needed, institutional_control (groundwater-use restriction at the receptor), with
  inspections of 100 km a year.
Strategies MNA (monitoring only: the no-action run) and MNA_CONTROLS (monitoring and both
contingent actions). For every realization, the firing time expected from MNA's sentinel series
(the first check k x 100 d at which it exceeds 0.04 mg/L), against MNA_CONTROLS' outputs:
- fired at t_f: both actions' ledger rows run from t_f to t_f + 1000 d; electricity:fan equals
  4 x 0.09 kW x 24 h x 1000 d = 8640 kWh and vehicle_km 100 km x 1000 / 365.25 (by hand); the
  receptor's cancer risk (risk.csv, all species and pathways) is 0 at the output times in
  (t_f, t_f + 1000 d] (ingestion is its only pathway) and equals MNA's elsewhere (1e-12);
- not fired: no ledger row of either action, the footprint and risk equal MNA's.
The threshold must split the realizations. Bad input: `end` and `duration` together exit 2
with a message naming the key `duration` and the deck's file:line.
"""
import csv
import math
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ensemble_confidence as base  # noqa: E402

THRESHOLD = 0.04  # [mg/L]
EVERY = 100.0     # [d]
DURATION = 1000.0  # [d]
FAN_KW, UNITS = 0.09, 4
KM_PER_YEAR = 100.0
TRIGGER = ("start: {{trigger: {{location: MW_sentinel, species: B, above: "
           f"\"{THRESHOLD} mg/L\", checked: \"{EVERY:g} d\"}}}}}}}}, duration: \"{DURATION:g} d\"")


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def deck_text():
    deck = base.DECK.replace(
        "risk:\n",
        "  - {{name: ssd_if_needed, type: vapour_mitigation, receptors: [well], factor: 100,\n"
        f"     fan_power: \"90 W\", units: {UNITS},\n     {TRIGGER}}}}}\n"
        "  - {{name: no_wells_if_needed, type: institutional_control, restrict: groundwater_use,\n"
        f"     receptors: [well], vehicle_km_per_year: {KM_PER_YEAR:g},\n     {TRIGGER}}}}}\n"
        "risk:\n", 1)
    deck = deck.replace("output: {{hdf5: false, vtk: false}}\n",
                        "observations:\n  points:\n"
                        "    - {{name: MW_sentinel, position: [42.5, 0.5, 0.5]}}\n"
                        "output: {{hdf5: false, vtk: false}}\n")
    return deck.replace("  - {{name: EISB, actions: [eisb, monitoring]}}\n",
                        "  - {{name: MNA_CONTROLS, actions: [monitoring, ssd_if_needed, "
                        "no_wells_if_needed]}}\n")


def site_risk(folder):
    return {float(r["time"]): float(r["cancer_risk"]) for r in rows(os.path.join(
        folder, "risk.csv")) if r["species"] == "all" and r["pathway"] == "all"}


def check_member(mna, controls, member, failures):
    """Returns whether the trigger fired in this realization."""
    sentinel = {float(r["time"]): float(r["value"]) for r in rows(os.path.join(
        mna, "observations.csv")) if r["location"] == "MW_sentinel" and r["variable"] == "B"}
    checks = [k * EVERY for k in range(1, 100) if k * EVERY < 5000]
    expected = next((t for t in checks if sentinel[t] > THRESHOLD), None)
    ledger = [r for r in rows(os.path.join(controls, "ledger.csv"))
              if r["action"] in ("ssd_if_needed", "no_wells_if_needed")]
    windows = sorted({(float(r["start"]), float(r["end"])) for r in ledger})
    items = {r["item"]: float(r["quantity"]) for r in ledger}
    risk_mna, risk_controls = site_risk(mna), site_risk(controls)
    print(f"realization {member}: expected firing {expected} d; ledger windows {windows}; "
          f"items {items}")
    if expected is None:
        if ledger:
            failures.append(f"{member}: the trigger fired, the sentinel never exceeds it")
        carbon = [sum(float(r["tco2e"]) for r in rows(os.path.join(f, "carbon.csv")))
                  for f in (mna, controls)]
        if not math.isclose(carbon[0], carbon[1], rel_tol=1e-12):
            failures.append(f"{member}: footprint {carbon[1]} differs from MNA's {carbon[0]}")
        window = (math.inf, math.inf)
    else:
        window = (expected, expected + DURATION)
        fan = FAN_KW * UNITS * 24.0 * DURATION
        km = KM_PER_YEAR * DURATION / 365.25
        if windows != [window]:
            failures.append(f"{member}: ledger windows {windows}, expected [{window}]")
        if not math.isclose(items.get("electricity:fan", math.nan), fan, rel_tol=1e-12):
            failures.append(f"{member}: electricity:fan {items.get('electricity:fan')} kWh, by "
                            f"hand {fan}")
        if not math.isclose(items.get("vehicle_km", math.nan), km, rel_tol=1e-12):
            failures.append(f"{member}: vehicle_km {items.get('vehicle_km')}, by hand {km}")
    restricted = 0
    for t, value in risk_controls.items():
        inside = window[0] < t <= window[1]
        reference = 0.0 if inside else risk_mna[t]
        restricted += inside
        if abs(value - reference) > 1e-12 * max(abs(reference), 1e-30):
            failures.append(f"{member}: cancer risk at {t:g} d is {value}, expected {reference}")
            break
    print(f"  risk: 0 at {restricted} output times inside the window, MNA's at the others")
    if expected is not None and restricted != round(DURATION / base_step()):
        failures.append(f"{member}: {restricted} output times inside the window")
    return expected is not None


def base_step():
    times = [float(t) for t in base.TIMES.split(",")]
    return times[1] - times[0]


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    base.DECK = deck_text()
    out, _, _ = base.optimize(terrafate, workdir, "triggered_controls", 0.5)
    failures = []
    members = sorted(os.listdir(os.path.join(out, "strategies", "MNA", "realizations")))
    fired = sum(check_member(os.path.join(out, "strategies", "MNA", "realizations", m),
                             os.path.join(out, "strategies", "MNA_CONTROLS", "realizations", m),
                             m, failures) for m in members)
    print(f"the triggers fired in {fired} of {len(members)} realizations")
    if not 0 < fired < len(members):
        failures.append("the threshold should split the realizations")

    # end and duration together: exit 2 naming the key and the deck's file:line.
    bad = os.path.join(workdir, "end_and_duration.yaml")
    with open(bad, "w") as f:
        f.write(base.DECK.format(deadline=base.DEADLINE, confidence=0.5, times=base.TIMES)
                .replace("units: 4,", "units: 4, end: 3000,", 1))
    line = next(n for n, text in enumerate(open(bad).read().splitlines(), 1)
                if "end: 3000" in text)
    result = subprocess.run([terrafate, "run", bad, "-o", os.path.join(workdir, "bad"),
                             "--strategy", "MNA_CONTROLS"], capture_output=True, text=True,
                            timeout=120)
    print(f"end and duration: exit {result.returncode}: {result.stderr.strip()}")
    if result.returncode != 2 or "duration" not in result.stderr or \
            f"end_and_duration.yaml:{line + 1}" not in result.stderr:
        failures.append(f"end and duration: exit {result.returncode}, {result.stderr!r} (expected"
                        f" 2 naming duration at end_and_duration.yaml:{line + 1})")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
