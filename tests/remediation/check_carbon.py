"""carbon.csv and carbon_summary.csv of a run with every remediation action vs the ledger x
factors by hand.

Usage: check_carbon.py TERRAFATE DECK WORKDIR

all_actions.yaml plus `carbon:` with the China national 2022 grid (0.5366 kg CO2/kWh), and
factors for the materials and the monitoring travel that data/emission_factors.csv lacks. Every
ledger.csv row that is electricity, diesel, haulage, a material or vehicle_km must appear in
carbon.csv with tco2e = quantity x factor / 1000, where the factor is the table's (ZVI 2.032,
diesel 2.6676 kg/L, haulage 0.15399 kg/(t*km), HDPE ...) or the deck's, and cost = quantity x
unit cost where one is given; carbon_summary.csv's phases add up to the total. Drilling, lab
analysis and landfill have no sourced table value: the deck gives them as {value, source}, and
carbon.csv's factor_source must carry the stated basis after the deck's file:line.
"""
import csv
import math
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402

CARBON = """carbon:
  grid: china-national-2022
  factors: {material:MnO4: 1.5, material:activated_carbon: 4.0, material:clay: 0.01,
            material:clean_fill: 0.005, material:emulsified_vegetable_oil: 1.2, vehicle_km: 0.25,
            drilling: {value: 13.1052, source: "test basis: 2 L diesel + 2.2 kg PVC + 1 kg cement per m"},
            lab_analysis: {value: 7.306, source: "test basis: 10 kWh x 0.5306 + 2 kg"},
            disposal:landfill: {value: 4.1944, source: "test basis: 1.5 L diesel + 0.1 kg HDPE per t"}}
  costs: {electricity: 0.8, diesel: 7.5}
"""
# Deck factors given as {value, source}: carbon.csv's factor_source is "deck FILE:LINE: source".
SOURCES = {"drilling": "test basis: 2 L diesel + 2.2 kg PVC + 1 kg cement per m",
           "lab_analysis": "test basis: 10 kWh x 0.5306 + 2 kg",
           "disposal:landfill": "test basis: 1.5 L diesel + 0.1 kg HDPE per t"}
TABLE = {"electricity": 0.5366, "diesel": 2.6676, "haulage": 0.15399,
         "material:zero_valent_iron": 2.032, "material:MnO4": 1.5,
         "material:activated_carbon": 4.0, "material:clay": 0.01, "material:clean_fill": 0.005,
         "material:emulsified_vegetable_oil": 1.2, "vehicle_km": 0.25,
         # the deck's (data/emission_factors.csv has these rows `missing`): kg CO2e per m,
         # sample, t, by hand from the stated bases
         "drilling": 2 * 2.6676 + 2.2 * 3.10 + 1.0 * 0.95, "lab_analysis": 10 * 0.5306 + 2.0,
         "disposal:landfill": 1.5 * 2.6676 + 0.1 * 1.93,
         # Liu et al. 2022 (ex-situ thermal desorption, East China): 212.22 kg CO2e/m3 / 1.8 t/m3
         "disposal:thermal_desorption": 212.22 / 1.8}
COSTS = {"electricity": 0.8, "diesel": 7.5}


def key(item, unit):
    if item.startswith("electricity:") and unit == "kWh":
        return "electricity"
    if (item, unit) in (("diesel", "L"), ("haulage", "t*km"), ("vehicle_km", "km"),
                        ("drilling", "m"), ("lab_analysis", "sample")):
        return item
    if item.startswith("disposal:") and unit == "t":
        return item
    if item.startswith("material:") and unit == "kg":
        return item
    return None


def main():
    terrafate, deck, workdir = sys.argv[1:4]
    out = outputs.run_text(terrafate, workdir, "carbon", open(deck).read() + CARBON)
    ledger = list(csv.DictReader(open(os.path.join(out, "ledger.csv"))))
    carbon = {(r["action"], r["item"]): r for r in csv.DictReader(open(os.path.join(out,
                                                                                   "carbon.csv")))}
    failures = []
    total = 0.0
    for row in ledger:
        k = key(row["item"], row["unit"])
        if k is None:
            if (row["action"], row["item"]) in carbon:
                failures.append(f"{row['item']} is outside the inventory but in carbon.csv")
            continue
        expected = float(row["quantity"]) * TABLE[k] / 1000.0
        total += expected
        line = carbon.get((row["action"], row["item"]))
        if line is None:
            failures.append(f"carbon.csv lacks {row['action']} {row['item']}")
            continue
        if not math.isclose(float(line["tco2e"]), expected, rel_tol=1e-12, abs_tol=1e-15):
            failures.append(f"{row['action']} {row['item']}: {line['tco2e']} t, hand {expected}")
        if k in SOURCES and not (line["factor_status"] == "deck" and re.fullmatch(
                r"deck .+:\d+: " + re.escape(SOURCES[k]), line["factor_source"])):
            failures.append(f"{row['action']} {row['item']}: factor source "
                            f"'{line['factor_source']}' status '{line['factor_status']}'")
        if k in COSTS and not math.isclose(float(line["cost"]), float(row["quantity"]) * COSTS[k],
                                           rel_tol=1e-12, abs_tol=1e-12):
            failures.append(f"{row['action']} {row['item']}: cost {line['cost']}")
    summary = {r["phase"]: float(r["tco2e"]) for r in csv.DictReader(open(os.path.join(
        out, "carbon_summary.csv")))}
    phases = sum(v for p, v in summary.items() if p != "total")
    print(f"{len(carbon)} emitting ledger items; total {summary['total']:.6f} t CO2e "
          f"(hand {total:.6f}); phases {', '.join(f'{p} {v:.4f}' for p, v in summary.items())}")
    if not math.isclose(summary["total"], total, rel_tol=1e-12):
        failures.append("total")
    if not math.isclose(phases, summary["total"], rel_tol=1e-12):
        failures.append("the phases do not add up to the total")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
