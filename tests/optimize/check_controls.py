"""Institutional control and vapour mitigation in terrafate optimize (issue 21).

Usage: check_controls.py TERRAFATE WORKDIR

The 1-D site of check_optimize.py (benzene, one drinking-water receptor `well`, deadline
1000 d: natural attenuation misses it, EISB meets it). Added actions:
- no_wells: a groundwater-use restriction at `well` from t = 0 (inspections 116 km/yr): the only
  pathway is groundwater ingestion, so the receptor's risk is 0 and the strategy complies; its
  footprint by hand is 116 km/yr x 5000 d / 365.25 d/yr x 0.25 kg/km / 1000, about a fifth
  of EISB's.
- ssd: vapour mitigation at `well` (4 units of 0.09 kW fans, 20 kg of kit each): no vapour
  pathway there, so it does not help; its ledger by hand: fan electricity 0.09 x 4 x 24 x
  5000 kWh, kit 80 kg.
1. With RESTRICT among the strategies: RESTRICT (level institutional_control) is recommended,
   EISB also complies at 4-6x its carbon; RESTRICT's footprint equals the hand value to 1e-9;
   SSD's ledger equals the hand values; SSD's level is engineering_control.
2. Without RESTRICT: EISB is recommended.
3. `terrafate run` of this deck without --strategy or --all-actions exits 2 naming the strategies.
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_optimize as base  # noqa: E402

KM_PER_YEAR = 116.0


def deck_text(strategies):
    text = base.DECK.replace(
        "remediation:\n",
        "remediation:\n"
        "  - {{name: no_wells, type: institutional_control, start: 0, restrict: groundwater_use,\n"
        f"     receptors: [well], vehicle_km_per_year: {KM_PER_YEAR}}}}}\n"
        "  - {{name: ssd, type: vapour_mitigation, start: 0, receptors: [well], factor: 100,\n"
        "     fan_power: 0.09, units: 4, material: {{name: ssd_kit, per_unit: 20}}}}\n", 1)
    text = text.replace("factors: {{material:electron_donor: 1.2, vehicle_km: 0.25}}",
                        "factors: {{material:electron_donor: 1.2, vehicle_km: 0.25, "
                        "material:ssd_kit: 3.0}}")
    start = text.index("strategies:\n")
    end = text.index("objective:")
    return text[:start] + "strategies:\n" + strategies + text[end:]


def optimize(terrafate, workdir, name, strategies):
    base.DECK = deck_text(strategies)
    return base.optimize(terrafate, workdir, name, 1000)


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    original = base.DECK
    failures = []
    deck, out, s, rec, _ = optimize(terrafate, workdir, "with_restriction",
                                    "  - {{name: MNA, actions: [monitoring]}}\n"
                                    "  - {{name: EISB, actions: [eisb, monitoring]}}\n"
                                    "  - {{name: RESTRICT, actions: [no_wells]}}\n"
                                    "  - {{name: SSD, actions: [ssd]}}\n")
    hand = KM_PER_YEAR * 5000 / 365.25 * 0.25 / 1000
    restrict, eisb = float(s["RESTRICT"]["tco2e"]), float(s["EISB"]["tco2e"])
    print(f"RESTRICT {restrict:.9f} t CO2e (by hand {hand:.9f}), EISB {eisb:.6f} t CO2e "
          f"(ratio {eisb / restrict:.2f}); levels {s['RESTRICT']['level']}, {s['SSD']['level']}")
    if rec["recommended"] != "RESTRICT":
        failures.append(f"with the restriction: recommended {rec['recommended']}")
    if s["RESTRICT"]["level"] != "institutional_control" or \
            s["SSD"]["level"] != "engineering_control":
        failures.append("levels")
    if s["EISB"]["feasible"] != "1" or not 4.0 <= eisb / restrict <= 6.0:
        failures.append("EISB should comply at about 5x the restriction's carbon")
    if not math.isclose(restrict, hand, rel_tol=1e-9):
        failures.append("RESTRICT footprint differs from the hand value")
    ledger = {r["item"]: float(r["quantity"]) for r in csv.DictReader(
        open(os.path.join(out, "strategies", "SSD", "ledger.csv")))}
    fan, kit = 0.09 * 4 * 24 * 5000, 80.0
    print(f"SSD ledger: fan {ledger.get('electricity:fan')} kWh (hand {fan}), kit "
          f"{ledger.get('material:ssd_kit')} kg (hand {kit})")
    if not math.isclose(ledger.get("electricity:fan", -1), fan, rel_tol=1e-12) or \
            not math.isclose(ledger.get("material:ssd_kit", -1), kit, rel_tol=1e-12):
        failures.append("SSD ledger differs from the hand values")
    if s["SSD"]["feasible"] != "0" or s["SSD"]["failing_receptor"] != "well":
        failures.append(f"SSD should fail at well: {s['SSD']}")

    base.DECK = original
    _, _, s2, rec2, _ = optimize(terrafate, workdir, "without_restriction",
                                 "  - {{name: MNA, actions: [monitoring]}}\n"
                                 "  - {{name: EISB, actions: [eisb, monitoring]}}\n")
    if rec2["recommended"] != "EISB":
        failures.append(f"without the restriction: recommended {rec2['recommended']}")

    result = subprocess.run([terrafate, "run", deck, "-o", os.path.join(workdir, "plain")],
                            capture_output=True, text=True, timeout=600)
    print(f"terrafate run without --strategy: exit {result.returncode}: "
          f"{result.stderr.strip()[-200:]}")
    if result.returncode != 2 or "RESTRICT" not in result.stderr or \
            "--all-actions" not in result.stderr:
        failures.append("run without --strategy should exit 2 listing the strategies")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
