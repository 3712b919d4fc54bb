#!/usr/bin/python3
"""Generates the SYNTHETIC monitoring record monitoring.csv of site.yaml from the deck's own model:
runs site.yaml (without its monitoring: section) with terrafate, takes the concentrations at the
observation points MW1..MW6 at the quarterly output times from year 10 (2018-01-01 + 3653 d),
multiplies them by lognormal noise (25 %, seed 2018), converts them to ug/L and reports values
below 0.5 ug/L as non-detects "<0.5".
Usage: generate_monitoring.py TERRAFATE [OUT_CSV]
"""
import csv
import datetime
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
START = datetime.date(2008, 1, 1)  # time.start_date of site.yaml
FIRST_SAMPLE = 3653.0              # [d] the first monitoring round (2018-01-02)
REPORTING_LIMIT = 0.5              # [ug/L]
NOISE = 0.25                       # lognormal sigma of the laboratory and sampling error


def main():
    terrafate = sys.argv[1]
    out_csv = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "monitoring.csv")
    deck = open(os.path.join(HERE, "site.yaml")).read()
    truth = deck[:deck.index("\nmonitoring:")] + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "truth.yaml")
        open(path, "w").write(truth)
        subprocess.run([terrafate, "run", path, "-o", os.path.join(tmp, "out")], check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(tmp, "out", "observations.csv")) as f:
            rows = [r for r in csv.DictReader(f)
                    if r["unit"] == "mg/L" and float(r["time"]) >= FIRST_SAMPLE]
    rng = np.random.default_rng(2018)
    with open(out_csv, "w") as f:
        f.write("well,time,species,value,unit,detection_limit\n")
        for r in rows:
            value = float(r["value"]) * 1000.0 * np.exp(NOISE * rng.standard_normal())
            date = START + datetime.timedelta(days=round(float(r["time"])))
            text = f"{float(f'{value:.3g}'):g}" if value >= REPORTING_LIMIT else f"<{REPORTING_LIMIT}"
            f.write(f"{r['location']},{date.isoformat()},{r['variable']},{text},ug/L,"
                    f"{REPORTING_LIMIT}\n")
    print(f"{len(rows)} samples -> {out_csv}")


if __name__ == "__main__":
    main()
