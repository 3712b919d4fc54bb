"""footprint.csv and cost.csv of a pump-and-treat run through the binary vs hand calculations.

Usage: check_run_footprint.py TERRAFATE WORKDIR

Run day 0 is 2022-07-01 (time.start_date); the system pumps from day 0 to 1,461 (2026-07-01)
on the China national grid with the linear projection (docs/footprint.md). Hand SEFA-style
footprint: the grid factor of each calendar year from the published values (2021 0.5568,
2022 0.5366, 2023 0.5306 kg CO2/kWh, MEE & NBS), projected after 2023 with their least-squares
slope; the run's kWh (ledger.csv) spread uniformly over the 1,461 days, each year's days at
that year's factor (2022 184 d, 2023 365, 2024 366, 2025 365, 2026 181); plus the spent
activated carbon x 4.0 kg/kg (deck). Energy: kWh x 3.6 MJ. Present value at 7 %: capital
100,000 at day 0 (year 0), O&M 150,000 per year over 4 run years of 365.25 d =
150,000 (1 - 1.07^-4) / 0.07, electricity at 0.8 CNY/kWh split evenly over the 4 run years,
activated carbon at 12 CNY/kg likewise; the well drilled at day 0 (10 m x 13.1052 kg CO2e/m, the
deck's factor, 800 CNY/m) in year 0. Without the O&M entry the total is partial and names it.
"""
import csv
import datetime
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402

DECK = """title: pump and treat footprint
grid: {{origin: [-300, -150, 0], size: [600, 300, 10], cells: [60, 30, 1]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10.0, porosity: 0.3, dispersivity: [1, 0.1, 0.1]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 16}}
    - {{face: xmax, type: head, head: 10}}
transport:
  species:
    - {{name: X}}
  initial:
    - {{species: X, region: {{box: {{min: [-50, -50, 0], max: [50, 50, 10]}}}}, concentration: 1.0}}
remediation:
  - name: pt
    type: pump_and_treat
    start: 0
    end: 1461
    wells: [{{name: EW1, position: [5.0, 5.0], screen: [0, 10], rate: -50}}]
    treatment_efficiency: {{X: 0.9}}
    sorbent: {{material: activated_carbon, per_gram: 0.001}}
    system_head: 5
    pump_efficiency: 0.7
    treatment_energy: 0.4
time: {{start_date: 2022-07-01, end: 1461, max_step: 150}}
output: {{hdf5: false, vtk: false}}
carbon:
  grid: {{series: china-national, projection: linear}}
  factors: {{material:activated_carbon: 4.0,
            drilling: {{value: 13.1052, source: "test basis: 2 L diesel/m x 2.6676 + 2.2 kg PVC/m x 3.10 + 1 kg cement/m x 0.95"}}}}
  costs: {{electricity: 0.8, material:activated_carbon: 12, drilling: 800}}
  indicators: [ghg, energy]
  present_value:
    discount_rate: 0.07
    capital: {{pt: 100000}}
{om}
"""
PUBLISHED = {2021: 0.5568, 2022: 0.5366, 2023: 0.5306}


def grid_factor(year):
    xs = list(PUBLISHED)
    mean_x = sum(xs) / len(xs)
    mean_y = sum(PUBLISHED.values()) / len(xs)
    slope = sum((x - mean_x) * (PUBLISHED[x] - mean_y) for x in xs) / sum(
        (x - mean_x) ** 2 for x in xs)
    return PUBLISHED[year] if year in PUBLISHED else PUBLISHED[2023] + slope * (year - 2023)


def days_by_year(start, days):
    shares = {}
    for n in range(days):
        year = (start + datetime.timedelta(days=n)).year
        shares[year] = shares.get(year, 0) + 1
    return shares


def main():
    terrafate, workdir = sys.argv[1:3]
    failures = []
    out = outputs.run_text(terrafate, workdir, "complete",
                           DECK.format(om="    om_per_year: {pt: 150000}"))
    ledger = list(csv.DictReader(open(os.path.join(out, "ledger.csv"))))
    kwh = sum(float(r["quantity"]) for r in ledger if r["item"].startswith("electricity:"))
    gac = sum(float(r["quantity"]) for r in ledger if r["item"] == "material:activated_carbon")
    shares = days_by_year(datetime.date(2022, 7, 1), 1461)
    if shares != {2022: 184, 2023: 365, 2024: 366, 2025: 365, 2026: 181}:
        failures.append(f"calendar {shares}")
    electricity_kg = kwh / 1461 * sum(d * grid_factor(y) for y, d in shares.items())
    drilled = 10.0 - 0.0  # [m] ground surface (grid top) to the screen bottom
    drilling = 2 * 2.6676 + 2.2 * 3.10 + 1.0 * 0.95  # kg CO2e/m (data/emission_factors.csv)
    ghg = (electricity_kg + gac * 4.0 + drilled * drilling) / 1000.0
    rows = list(csv.DictReader(open(os.path.join(out, "footprint.csv"))))
    totals = {}
    for r in rows:
        totals[r["indicator"]] = totals.get(r["indicator"], 0.0) + float(r["quantity"])
    print(f"kWh {kwh:.3f}, GAC {gac:.6f} kg; ghg {totals.get('ghg')} t (hand {ghg}); "
          f"energy {totals.get('energy_grid_electricity')} MJ (hand {kwh * 3.6})")
    if not (kwh > 0 and gac > 0):
        failures.append("the run used no electricity or carbon")
    if not math.isclose(totals.get("ghg", -1), ghg, rel_tol=1e-9):
        failures.append("ghg")
    if not math.isclose(totals.get("energy_grid_electricity", -1), kwh * 3.6, rel_tol=1e-9):
        failures.append("energy_grid_electricity")
    carbon_total = sum(float(r["tco2e"]) for r in csv.DictReader(open(os.path.join(out,
                                                                                    "carbon.csv"))))
    if not math.isclose(carbon_total, ghg, rel_tol=1e-9):
        failures.append(f"carbon.csv total {carbon_total}")

    r = 0.07
    annuity = sum((1 + r) ** -j for j in range(1, 5))
    if not math.isclose(annuity, (1 - 1.07 ** -4) / 0.07, rel_tol=1e-12):
        failures.append("annuity")
    present = 100000 + 800 * drilled + 150000 * annuity + (0.8 * kwh + 12 * gac) / 4 * annuity
    cost = list(csv.DictReader(open(os.path.join(out, "cost.csv"))))
    total = [c for c in cost if c["action"] == "total"][0]
    print(f"present value {total['present_value']} (hand {present}), {total['category']}")
    if total["category"] != "complete":
        failures.append(f"status {total['category']}")
    if not math.isclose(float(total["present_value"]), present, rel_tol=1e-9):
        failures.append("present value")

    out = outputs.run_text(terrafate, workdir, "partial", DECK.format(om=""))
    cost = list(csv.DictReader(open(os.path.join(out, "cost.csv"))))
    total = [c for c in cost if c["action"] == "total"][0]
    unpriced = [c["item"] for c in cost if c["action"] == "unpriced"]
    print(f"without O&M: {total['category']}; unpriced {unpriced}")
    if not total["category"].startswith("partial") or unpriced != ["om_per_year:pt"]:
        failures.append("a missing O&M price must make the total partial and name it")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
