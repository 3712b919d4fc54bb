"""Consistency of the sourced factor tables (data/emission_factors.csv, data/footprint_factors.csv)
and hand checks of retrieved factors' conversions.

Usage: check_data_tables.py SOURCE_DIR

Every row has a source and a status; the status's first word is one of verified, derived,
unverified, missing (data/README.md); a row has a value exactly when it is not missing; a
`verified` row's source names a document (a year, an address, a repository, a table or a
definition), where "same file/report/announcement" refers to the rows above it. The values read
from published tables are recomputed here by hand, to 1e-6 relative:

- diesel NOx: AP-42 Table 3.3-1 4.41 lb/MMBtu x 0.45359237 kg/lb / 1055.05585262 MJ/MMBtu x
  (45.59 GJ/t x 0.8368 t/m3 = 38.149712 MJ/L, DEFRA gross CV and density) = 0.0723302794 kg/L;
  the NPI manual's own conversion of the same factor (72.5 kg/m3 at 38.21 MJ/L) agrees within
  0.1 % when redone at 38.21 MJ/L (72.4446 kg/m3);
- diesel PM10: 0.31 lb/MMBtu likewise = 0.00508444141 kg/L;
- haulage NOx: NPI Table 22 22.3 kg/m3 x (0.1292 / 2.6676 L/(t*km)) / 1000 = 0.00108005698;
- grid NOx: 1.26e9 kg / 6.2758e12 kWh (2017) = 2.00771216e-4 kg/kWh;
- accidents: 9.6 / 100,000 / 2,000 h = 4.8e-8 and 2.4 / 100 / 2,000 h = 1.2e-5 per hour;
- thermal desorption: 212.22 kg CO2e/m3 / 1.8 t/m3 = 117.9 kg CO2e/t;
- EVO: 4.25 kg CO2e/kg soybean oil x (0.5 x 0.92) / (0.5 x 0.92 + 0.5 x 1.00) = 2.0364583;
- P.O cement: 735 kg CO2e/t / 1000 = 0.735 kg/kg.
A value whose source says "recalled", "not retrieved" or "not found" fails in any row: such a
factor is `missing` (empty) and the deck supplies it; the factors without a published source
(KMnO4, persulfate, regenerated GAC, landfill, cement kiln, drilling, lab analysis) are checked
to be missing.
"""
import csv
import math
import os
import re
import sys

STATUSES = {"verified", "derived", "unverified", "missing"}
DOCUMENT = re.compile(r"(19|20)\d\d|https?://|www\.|github|\.csv|Table|definition|identity|"
                      r"\b[\w-]+\.(com|org|net|cn|gov|uk|life|int|edu)\b")
VAGUE = ("not found", "recalled", "not retrieved")


def first_word(status):
    return re.split(r"[ ;(]", status.strip(), maxsplit=1)[0]


def check_table(path, failures):
    rows = list(csv.DictReader(open(path, newline="")))
    name = os.path.basename(path)
    previous_document = None
    for line, row in enumerate(rows, start=2):
        where = f"{name}:{line}"
        source, status, value = row["source"].strip(), row["status"].strip(), row["value"].strip()
        if not source:
            failures.append(f"{where}: no source")
        if first_word(status) not in STATUSES:
            failures.append(f"{where}: status '{status}' is not one of {sorted(STATUSES)}")
        if (value == "") != (first_word(status) == "missing"):
            failures.append(f"{where}: value '{value}' with status '{status}'")
        refers_back = source.startswith("same") or "(same " in source
        named = source + " " + (previous_document or "") if refers_back else source
        # Issue 22: no value without a source. A value whose source says it was recalled or not
        # read is not sourced: its row must be `missing` (empty), whatever its status word.
        if value and any(v in source for v in VAGUE):
            failures.append(f"{where}: a value ({value}) whose source was not read: {source}")
        if first_word(status) == "verified":
            if not value:
                failures.append(f"{where}: verified without a value")
            if not named or not DOCUMENT.search(named) or any(v in source for v in VAGUE):
                failures.append(f"{where}: verified, but the source names no document: {source}")
        if not source.startswith("same"):
            previous_document = source
    return rows


def value(rows, failures, **keys):
    found = [r for r in rows if all(r[k] == v for k, v in keys.items())]
    if len(found) != 1:
        failures.append(f"{keys}: {len(found)} rows")
        return math.nan
    return float(found[0]["value"])


def close(name, table, hand, failures, rel=1e-6):
    ok = math.isclose(table, hand, rel_tol=rel)
    print(f"{name}: table {table:.10g}, hand {hand:.10g} {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(name)


def main():
    data = os.path.join(sys.argv[1], "data")
    failures = []
    emission = check_table(os.path.join(data, "emission_factors.csv"), failures)
    footprint = check_table(os.path.join(data, "footprint_factors.csv"), failures)

    lb, mmbtu = 0.45359237, 1055.05585262  # kg/lb, MJ/MMBtu (exact definitions)
    gross_mj_per_l = 45.59 * 0.8368           # DEFRA gross CV [GJ/t] x density [t/m3]
    nox_ap42 = 4.41 * lb / mmbtu * gross_mj_per_l
    close("diesel nox (AP-42 4.41 lb/MMBtu)", value(footprint, failures, key="diesel",
                                                      indicator="nox"), nox_ap42, failures)
    close("NPI Table 50 NOx at 38.21 MJ/L", 72.5, 4.41 * lb / mmbtu * 38.21 * 1000, failures,
          rel=1e-3)
    close("diesel pm10 (AP-42 0.31 lb/MMBtu)", value(footprint, failures, key="diesel",
                                                       indicator="pm10"),
          0.31 * lb / mmbtu * gross_mj_per_l, failures)
    litres_per_tkm = 0.1292 / 2.6676  # DEFRA all-HGV direct kg CO2e/(t*km) / kg CO2e/L
    close("haulage nox (NPI Table 22)", value(footprint, failures, key="haulage", indicator="nox"),
          22.3e-3 * litres_per_tkm, failures)
    close("haulage energy", value(footprint, failures, key="haulage",
                                  indicator="energy_transport_fuel"),
          litres_per_tkm * 42.85 * 0.8368, failures)
    close("grid nox 2017", value(footprint, failures, key="electricity", indicator="nox"),
          1.26e9 / 6.2758e12, failures)
    close("fatalities per hour", value(footprint, failures, key="worker_hours",
                                       indicator="accident_fatalities"), 9.6 / 1e5 / 2000,
          failures)
    close("injuries per hour", value(footprint, failures, key="worker_hours",
                                     indicator="accident_injuries"), 2.4 / 100 / 2000, failures)
    close("thermal desorption per t", value(emission, failures, key="disposal:thermal_desorption"),
          212.22 / 1.8, failures)
    # EVO: soybean oil 4.25 kg CO2e/kg (Alcock et al. 2022) x oil mass share of a concentrate of
    # 50 % oil by volume at 0.92 kg/L oil, 1.00 kg/L water.
    soybean = value(emission, failures, key="material:soybean_oil")
    close("soybean oil (Alcock et al. 2022 median)", soybean, 4.25, failures)
    close("EVO per kg of product", value(emission, failures,
                                         key="material:emulsified_vegetable_oil"),
          4.25 * (0.5 * 0.92) / (0.5 * 0.92 + 0.5 * 1.00), failures)
    # Ordinary Portland cement, Chinese market average: 735 kg CO2e/t.
    close("P.O cement per kg", value(emission, failures, key="material:cement_po425_china"),
          735.0 / 1000.0, failures)
    # The factors without a published source have no value (the deck supplies them).
    for key in ("material:potassium_permanganate", "material:sodium_persulfate",
                "material:activated_carbon_regenerated", "disposal:landfill",
                "disposal:cement_kiln", "drilling", "lab_analysis"):
        found = [r for r in emission if r["key"] == key]
        if len(found) != 1 or found[0]["value"] or first_word(found[0]["status"]) != "missing":
            failures.append(f"{key}: expected one missing row without a value")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("data tables consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
