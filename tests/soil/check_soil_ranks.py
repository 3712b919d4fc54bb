"""Soil + groundwater mass balance and 1 vs 2 ranks agreement on soil_coupled.yaml.

Usage: check_soil_ranks.py TERRAFATE DECK WORKDIR MPIEXEC

- mass_balance.csv (groundwater and soil columns together: the leachate leaves the soil and
  enters the aquifer, volatilization and vapour extraction leave the system) closes to 1e-8 for
  both species at every output time, on 1 and on 2 ranks;
- the masses leached, volatilized, in the soil and removed are not trivially zero;
- mass_balance.csv, soil.csv and leaching.csv agree between 1 and 2 ranks within 1e-8 of each
  quantity's largest value (linear solves to 1e-13);
- the ledger's removed masses of the vapour extraction and the excavation agree too;
- soil_standards.csv compares each soil.csv concentration with GB 36600-2018's second-class
  values (PCE screening 53, intervention 183 mg/kg; TCE 2.8 and 20 mg/kg): at 0 d the
  hotspot's 0.5-1 m interval (55 mg/kg PCE) exceeds the screening value only.
"""
import csv
import os
import sys

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "transport"))
sys.path.insert(0, os.path.join(HERE, "..", "remediation"))
import transport_outputs as outputs  # noqa: E402
from ledger import read_ledger  # noqa: E402

SPECIES = ["PCE", "TCE"]


def table(out, name, keys, value):
    with open(os.path.join(out, name), newline="") as f:
        return {tuple(row[k] for k in keys): float(row[value]) for row in csv.DictReader(f)}


def compare(name, one, two, failures):
    if one.keys() != two.keys():
        failures.append(f"{name}: the rows differ between 1 and 2 ranks")
        return
    scale = max(abs(v) for v in one.values()) or 1.0
    worst = max(abs(one[k] - two[k]) for k in one) / scale
    print(f"{name}: 1 vs 2 ranks within {worst:.2e} of the largest value ({scale:.4g})")
    if worst > 1e-8:
        failures.append(f"{name} differs by {worst:.2e} between 1 and 2 ranks")


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    failures = []
    runs = {}
    for ranks in (1, 2):
        out = os.path.join(workdir, f"np{ranks}")
        outputs.run(terrafate, deck, out, ranks=ranks, mpiexec=mpiexec,
                    options=("--", "-transport_ksp_rtol", "1e-13"))
        rows = outputs.check_mass_balance(out, SPECIES, 1.0e-8)
        last = {row["species"]: row for row in rows if row["time"] == 3000.0}
        pce = last["PCE"]
        print(f"{ranks} rank(s), PCE at 3000 d: leached {pce['leached']:.3f} g, volatilized "
              f"{pce['volatilized']:.3f} g, removed {pce['removed']:.3f} g, decayed "
              f"{pce['decayed']:.3f} g")
        for key in ("leached", "volatilized", "removed", "decayed"):
            if not pce[key] > 1.0e-3:
                failures.append(f"{ranks} rank(s): PCE {key} is {pce[key]}: nothing exercised")
        if not last["TCE"]["produced"] > 1.0:
            failures.append("no TCE produced by PCE decay")
        runs[ranks] = out
    one, two = runs[1], runs[2]
    for column in ("dissolved", "sorbed", "soil", "leached", "volatilized", "removed", "decayed",
                   "produced", "outflow"):
        compare(f"mass_balance.csv {column}", table(one, "mass_balance.csv", ("time", "species"),
                                                    column),
                table(two, "mass_balance.csv", ("time", "species"), column), failures)
    keys = ("time", "zone", "species", "depth_top", "depth_bottom")
    compare("soil.csv", table(one, "soil.csv", keys, "concentration_mg_per_kg"),
            table(two, "soil.csv", keys, "concentration_mg_per_kg"), failures)
    keys = ("time", "zone", "species", "process")
    compare("leaching.csv", table(one, "leaching.csv", keys, "value"),
            table(two, "leaching.csv", keys, "value"), failures)
    ledger_one, ledger_two = read_ledger(one), read_ledger(two)
    for key in (("sve", "removed:PCE"), ("sve", "removed:TCE"), ("dig", "removed:PCE"),
                ("dig", "soil_mass")):
        a, b = ledger_one[key], ledger_two[key]
        print(f"ledger {key}: {a} vs {b}")
        if not abs(a - b) <= 1e-8 * abs(a):
            failures.append(f"ledger {key}: {a} on 1 rank, {b} on 2")
    check_standards(one, failures)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


def check_standards(out, failures):
    values = {"PCE": (53.0, 183.0), "TCE": (2.8, 20.0)}
    soil = table(out, "soil.csv", ("time", "zone", "species", "depth_top", "depth_bottom"),
                 "concentration_mg_per_kg")
    with open(os.path.join(out, "soil_standards.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != len(soil):
        failures.append(f"soil_standards.csv has {len(rows)} rows, soil.csv {len(soil)}")
    for row in rows:
        key = tuple(row[k] for k in ("time", "zone", "species", "depth_top", "depth_bottom"))
        concentration = float(row["concentration_mg_per_kg"])
        screening, intervention = values[row["species"]]
        expected = (concentration > screening, concentration > intervention)
        if (row["land_use"] != "second_class" or float(row["screening_mg_per_kg"]) != screening
                or float(row["intervention_mg_per_kg"]) != intervention
                or abs(concentration - soil[key]) > 1e-12 * max(1.0, soil[key])
                or (row["exceeds_screening"], row["exceeds_intervention"])
                != tuple(str(int(e)) for e in expected)):
            failures.append(f"soil_standards.csv row {row} is inconsistent")
            return
    hotspot = next(r for r in rows if r["time"] == "0" and r["zone"] == "hotspot" and
                   r["species"] == "PCE" and r["depth_top"] == "0.5")
    print(f"soil_standards.csv: {len(rows)} rows; hotspot 0.5-1 m at 0 d: PCE "
          f"{float(hotspot['concentration_mg_per_kg']):.4f} mg/kg, exceeds screening "
          f"{hotspot['exceeds_screening']}, intervention {hotspot['exceeds_intervention']}")
    if (hotspot["exceeds_screening"], hotspot["exceeds_intervention"]) != ("1", "0"):
        failures.append("the hotspot's 55 mg/kg PCE must exceed the screening value only")


if __name__ == "__main__":
    main()
