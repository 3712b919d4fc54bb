"""A contingent pump-and-treat with a duration (issue 21): its wells pump from the trigger's
firing for `duration`, in the flow and the transport as well as in the ledger.

Usage: check_triggered_pump.py TERRAFATE WORKDIR

The 1-D site of check_optimize.py (benzene plume, half-life 400 d) with a sentinel well
MW_sentinel at x = 42.5 m and pt_if_needed: one extraction well at x = 30 m pumping 0.002 m3/d,
`start: {trigger: {location: MW_sentinel, species: B, above: 0.02 mg/L, checked: 100 d}},
duration: 1000 d`. Strategies MNA (monitoring only: the no-action run) and MNA_PT.
- The firing time t_f is the first check k x 100 d at which MNA's sentinel (observations.csv)
  exceeds 0.02 mg/L; pt_if_needed's ledger rows run from t_f to t_f + 1000 d (drilling: at t_f).
- By hand: water_pumped = 0.002 m3/d x 1000 d = 2 m3, electricity:treatment = 0.4 kWh/m3 x 2 m3,
  electricity:pumping = rho g V lift / efficiency with lift = surface - well head + system head
  is positive (not checked to the digit: the well head comes from the flow).
- The wells are in the flow and transport only from t_f: MNA_PT's risk at the receptor equals
  MNA's (1e-12) at every output time up to t_f, differs after it, and benzene is extracted
  (extracted:B > 0).
"""
import csv
import math
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_optimize as base  # noqa: E402

THRESHOLD = 0.02  # [mg/L]
EVERY = 100.0     # [d]
DURATION = 1000.0  # [d]
RATE = 0.002      # [m3/d]
TREATMENT = 0.4   # [kWh/m3]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def site_risk(folder):
    return {float(r["time"]): float(r["cancer_risk"]) for r in rows(os.path.join(
        folder, "risk.csv")) if r["species"] == "all" and r["pathway"] == "all"}


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    deck = base.DECK.replace(
        "risk:\n",
        "  - {{name: pt_if_needed, type: pump_and_treat,\n"
        f"     wells: [{{{{name: EW1, position: [30, 0.5], screen: [0, 1], rate: {-RATE}}}}}],\n"
        f"     treatment_efficiency: {{{{B: 0.9}}}}, pump_efficiency: 0.7, system_head: 5,\n"
        f"     treatment_energy: {TREATMENT},\n"
        "     start: {{trigger: {{location: MW_sentinel, species: B, above: "
        f"\"{THRESHOLD} mg/L\", checked: \"{EVERY:g} d\"}}}}}}}}, duration: \"{DURATION:g} d\"}}}}\n"
        "risk:\n", 1)
    deck = deck.replace("output: {{hdf5: false, vtk: false}}\n",
                        "observations:\n  points:\n"
                        "    - {{name: MW_sentinel, position: [42.5, 0.5, 0.5]}}\n"
                        "output: {{hdf5: false, vtk: false}}\n")
    deck = deck.replace("  - {{name: EISB, actions: [eisb, monitoring]}}\n"
                        "  - {{name: THERMAL, actions: [thermal, monitoring]}}\n",
                        "  - {{name: MNA_PT, actions: [monitoring, pt_if_needed]}}\n")
    # The pump-and-treat's well is drilled: drilling has no sourced table factor (its row is
    # missing), so the deck gives it with its basis.
    factors = "  factors: {{material:electron_donor: 1.2, vehicle_km: 0.25}}\n"
    assert factors in deck, "check_optimize.py's carbon factors changed; update this check"
    deck = deck.replace(factors, "  factors: {{material:electron_donor: 1.2, vehicle_km: 0.25,\n"
                        "            drilling: {{value: 13.1052, source: \"test basis: 2 L diesel/m "
                        "x 2.6676 + 2.2 kg PVC/m x 3.10 + 1 kg cement/m x 0.95\"}}}}\n")
    base.DECK = deck
    _, out, _, _, _ = base.optimize(terrafate, workdir, "triggered_pump", 4500)
    failures = []
    mna = os.path.join(out, "strategies", "MNA")
    pumped = os.path.join(out, "strategies", "MNA_PT")
    sentinel = {float(r["time"]): float(r["value"]) for r in rows(os.path.join(
        mna, "observations.csv")) if r["location"] == "MW_sentinel" and r["variable"] == "B"}
    checks = [k * EVERY for k in range(1, 100) if k * EVERY < 5000]
    expected = next((t for t in checks if sentinel[t] > THRESHOLD), None)
    ledger = [r for r in rows(os.path.join(pumped, "ledger.csv")) if r["action"] == "pt_if_needed"]
    # Every row runs from the firing for the duration, but drilling (done when it fires).
    windows = sorted({(float(r["start"]), float(r["end"])) for r in ledger
                      if r["item"] != "drilling"})
    drilled = sorted({(float(r["start"]), float(r["end"])) for r in ledger
                      if r["item"] == "drilling"})
    items = {r["item"]: float(r["quantity"]) for r in ledger}
    print(f"expected firing {expected} d (sentinel peak {max(sentinel.values()):.4f} mg/L); "
          f"ledger windows {windows}; items {items}")
    if expected is None:
        sys.exit("FAIL: the sentinel never exceeds the threshold: the test needs a firing")
    water = RATE * DURATION
    if windows != [(expected, expected + DURATION)]:
        failures.append(f"ledger windows {windows}, expected [({expected}, "
                        f"{expected + DURATION})]")
    if drilled != [(expected, expected)]:
        failures.append(f"drilling {drilled}, expected at the firing [({expected}, {expected})]")
    if not math.isclose(items.get("water_pumped", math.nan), water, rel_tol=1e-9):
        failures.append(f"water_pumped {items.get('water_pumped')} m3, by hand {water}")
    if not math.isclose(items.get("electricity:treatment", math.nan), TREATMENT * water,
                        rel_tol=1e-9):
        failures.append(f"electricity:treatment {items.get('electricity:treatment')} kWh, by "
                        f"hand {TREATMENT * water}")
    if not items.get("electricity:pumping", 0.0) > 0.0:
        failures.append(f"electricity:pumping {items.get('electricity:pumping')}")
    if not items.get("extracted:B", 0.0) > 0.0:
        failures.append(f"extracted:B {items.get('extracted:B')} g: the well pumped no benzene")
    risk_mna, risk_pt = site_risk(mna), site_risk(pumped)
    before = [t for t in risk_pt if t <= expected]
    after = [t for t in risk_pt if t > expected]
    worst_before = max(abs(risk_pt[t] - risk_mna[t]) / max(risk_mna[t], 1e-30) for t in before)
    changed = sum(abs(risk_pt[t] - risk_mna[t]) > 1e-9 * max(risk_mna[t], 1e-30) for t in after)
    print(f"risk vs MNA: largest relative difference up to {expected} d {worst_before:.2e} "
          f"({len(before)} times); differs at {changed} of the {len(after)} times after it")
    if worst_before > 1e-12:
        failures.append(f"the risk differs from MNA's before the firing ({worst_before})")
    if changed == 0:
        failures.append("the risk after the firing equals MNA's: the well did not pump")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
