#!/usr/bin/python3
"""Issue 24, calendar: a deck written in dates runs on the right days and its outputs carry
dates (ctest calendar_deck).

Usage: check_calendar.py TERRAFATE WORKDIR

Run day 0 is time.start_date 2024-01-01; time.end 2034-01-01 is day 3653 (ten years of 365 d and
the leap days of 2024, 2028 and 2032, counted by hand); the monitoring action starts on
2026-07-01, day 912 (366 + 365 + 31 + 28 + 31 + 30 + 31 + 30); output_times [0, 2026-07-01,
2034-01-01]; max_step "0.5 a" (the year a = 365.25 d). Checked:
- observations.csv: times 0, 912, 3653 with dates 2024-01-01, 2026-07-01, 2034-01-01 in its last
  column `date`, the columns before it unchanged;
- receptor_series.csv and risk.csv: every row's date is 2024-01-01 + floor(time) days (Python's
  datetime, independent of the C++ calendar); compliance.csv: date_of_max 2024-01-01 (the
  maximum is at t = 0: the benzene only decays);
- ledger.csv: the monitoring action's items start on day 912 and run to 3653 (the drilling is
  at its start), with 2 x 2741 / 365.25 sampling events (two a year, in the one year);
- results.h5: /provenance attribute start_date = "2024-01-01";
- `terrafate validate` exits 2 naming the key and file:line for the action's date without
  time.start_date, for a date before it, and for a date given as max_step (a duration).
"""
import csv
import datetime
import math
import os
import subprocess
import sys

import h5py

DECK = """title: calendar
grid:
  origin: [0, 0, 0]
  size: [20, 10, 10]
  cells: [2, 1, 1]
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 10}
transport:
  species:
    - {name: B, chemical: benzene, decay: {rate: 0.001}}
  initial:
    - {species: B, region: all, concentration: 1}
risk:
  framework: hj25.3-2019
  target: {cancer_risk: 1.0e-6, hazard_quotient: 1}
  receptors:
    - {name: well, position: [5, 5, 5], land_use: second_class,
       pathways: [groundwater_ingestion]}
remediation:
  - name: mon
    type: monitoring
    start: START
    wells: 2
    events_per_year: 2
    vehicle_km_per_event: 10
    analyte_suites: 1
    purge_volume: 0.05
    well_depth: 10
observations:
  points:
    - {name: well, position: [5, 5, 5]}
time:
  START_DATE
  end: END
  max_step: MAX_STEP
  output_times: [0, OUTPUT, END]
output: {hdf5: true, vtk: false}
"""
START = datetime.date(2024, 1, 1)
failures = []


def expect(what, ok, got):
    print(("ok  " if ok else "FAIL") + f" {what}: {got}")
    if not ok:
        failures.append(what)


def deck(start="2026-07-01", start_date="start_date: 2024-01-01", end="2034-01-01",
         max_step='"0.5 a"', output="2026-07-01"):
    return (DECK.replace("START_DATE", start_date).replace("START", start)
            .replace("END", end).replace("MAX_STEP", max_step).replace("OUTPUT", output))


def write(workdir, name, text):
    path = os.path.join(workdir, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def rows(out, name):
    with open(os.path.join(out, name), newline="") as f:
        return list(csv.DictReader(f))


def header(out, name):
    with open(os.path.join(out, name), newline="") as f:
        return next(csv.reader(f))


def date_of(time):
    return (START + datetime.timedelta(days=math.floor(float(time) + 1e-6))).isoformat()


def line_of(text, needle):
    return next(n + 1 for n, line in enumerate(text.splitlines()) if needle in line)


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    out = os.path.join(workdir, "dated")
    path = write(workdir, "dated", deck())
    run = subprocess.run([terrafate, "run", path, "-o", out, "--overwrite"], capture_output=True,
                         text=True, timeout=600)
    if run.returncode != 0:
        sys.exit(f"FAIL: terrafate run exited {run.returncode}\n{run.stderr}")

    expect("observations.csv columns", header(out, "observations.csv") ==
           ["time", "location", "variable", "value", "unit", "date"],
           header(out, "observations.csv"))
    observed = [(float(r["time"]), r["date"]) for r in rows(out, "observations.csv")
                if r["variable"] == "B"]
    expect("observation times and dates", observed ==
           [(0.0, "2024-01-01"), (912.0, "2026-07-01"), (3653.0, "2034-01-01")], observed)
    for name in ["receptor_series.csv", "risk.csv"]:
        table = rows(out, name)
        wrong = [(r["time"], r["date"]) for r in table if r["date"] != date_of(r["time"])]
        expect(f"{name}: {len(table)} rows dated 2024-01-01 + floor(time)", table and not wrong,
               wrong[:3])
        expect(f"{name} ends on 2034-01-01", float(table[-1]["time"]) == 3653.0 and
               table[-1]["date"] == "2034-01-01", (table[-1]["time"], table[-1]["date"]))
    compliance = rows(out, "compliance.csv")[0]
    expect("compliance date_of_max", compliance["date_of_max"] == "2024-01-01" and
           float(compliance["time_of_max"]) == 0.0, compliance)
    ledger = [r for r in rows(out, "ledger.csv") if r["action"] == "mon"]
    windows = {(float(r["start"]), float(r["end"])) for r in ledger if r["item"] != "drilling"}
    expect("monitoring from 2026-07-01 (day 912) to 2034-01-01 (day 3653)",
           ledger and windows == {(912.0, 3653.0)}, windows)
    starts = {float(r["start"]) for r in ledger}
    expect("every ledger item starts on day 912", starts == {912.0}, starts)
    # 2 campaigns a year over 2741 d in years of 365.25 d.
    events = [float(r["quantity"]) for r in ledger if r["item"] == "sampling_events"]
    expect("sampling events 2 x 2741 / 365.25", len(events) == 1 and
           abs(events[0] - 2 * 2741 / 365.25) < 1e-12, events)
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        value = f["provenance"].attrs.get("start_date")
        value = value.decode() if isinstance(value, bytes) else value
        expect("results.h5 /provenance start_date", value == "2024-01-01", value)

    # Bad dates: exit 2, the key, the file and the line.
    for name, text, key, words in [
            ("undated", deck(start_date="", end="3653", output="912"), "remediation[0].start",
             "needs time.start_date"),
            ("early", deck(start="2023-06-01"), "remediation[0].start", "before time.start_date"),
            ("step", deck(max_step="2024-02-01"), "time.max_step", "duration")]:
        bad = write(workdir, name, text)
        needle = "start: 2023" if name == "early" else "start: 2026" if name == "undated" \
            else "max_step:"
        where = f"{name}.yaml:{line_of(text, needle)}"
        result = subprocess.run([terrafate, "validate", bad], capture_output=True, text=True,
                                timeout=120)
        expect(f"{name}: exit 2 naming {key} at {where}", result.returncode == 2 and
               key in result.stderr and where in result.stderr and words in result.stderr,
               (result.returncode, result.stderr.strip().splitlines()[-1:]))
    if failures:
        sys.exit(f"{len(failures)} failures: {failures}")
    print("calendar_deck: all checks pass")


if __name__ == "__main__":
    main()
