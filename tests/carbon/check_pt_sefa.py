"""A pump-and-treat case's footprint through the binary vs a hand SEFA-style calculation from
the published factors (to 1e-9 relative; the acceptance asks 1e-6), and the same case with
on-site photovoltaics covering 40 % of the system's electricity.

Usage: check_pt_sefa.py TERRAFATE WORKDIR

Run day 0 is 2022-07-01 (time.start_date); two extraction wells pump from day 0 to 1,461
(2026-07-01); a monitoring programme samples 4 wells twice a year with 2 analyte suites per
sample and 0.05 m3 purge water per sample, driving 60 km per campaign. Hand calculation
(SEFA style: quantity x factor per item, summed):
- electricity: the run's kWh (ledger.csv, from the simulated heads) spread over the 1,461 days,
  each calendar year's days at that year's China national factor (2021 0.5568, 2022 0.5366,
  2023 0.5306 kg CO2/kWh, MEE & NBS) and after 2023 the least-squares projection;
- activated carbon: the run's kg (ledger.csv) x 12.92 kg CO2e/kg (DESOTEC, upper end of
  7.05-12.92 t/t for new GAC);
- drilling: 2 wells x (ground surface 10 m - screen bottom 0 m) = 20 m by hand from the deck,
  x 13.1052 kg CO2e/m (deck: 2 L/m x 2.6676 + 2.2 kg/m x 3.10 + 1 kg/m x 0.95; the table's
  drilling and lab_analysis rows are missing);
- laboratory analysis: 2 events/yr x 4 years x 4 wells x 2 suites = 64 analyses by hand,
  x 7.306 kg CO2e per analysis (deck: 10 kWh x 0.5306 + 2);
- travel: 8 campaigns x 60 km = 480 km x 0.25 kg CO2e/km (deck).
With PV on 40 % of the pump-and-treat's kWh: 0.6 of the grid part plus 0.4 x 0.045 kg/kWh
(Hsu et al. 2012); the monitoring's items are unchanged.
Indicators: water_used = purge water 4 x 8 x 0.05 = 1.6 m3; energy_pv = 0.4 kWh x 3.6 MJ.
"""
import csv
import datetime
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402

DECK = """title: pump and treat SEFA-style footprint
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
    wells: [{{name: EW1, position: [5.0, 5.0], screen: [0, 10], rate: -50}},
            {{name: EW2, position: [-25.0, 5.0], screen: [0, 10], rate: -30}}]
    treatment_efficiency: {{X: 0.9}}
    sorbent: {{material: activated_carbon, per_gram: 0.001}}
    system_head: 5
    pump_efficiency: 0.7
    treatment_energy: 0.4
  - name: mon
    type: monitoring
    start: 0
    end: 1461
    wells: 4
    events_per_year: 2
    vehicle_km_per_event: 60
    analyte_suites: 2
    purge_volume: 0.05
time: {{start_date: 2022-07-01, end: 1461, max_step: 150}}
output: {{hdf5: false, vtk: false}}
carbon:
  grid: {{series: china-national, projection: linear}}
  factors: {{vehicle_km: 0.25,
            drilling: {{value: 13.1052, source: "test basis: 2 L diesel/m x 2.6676 + 2.2 kg PVC/m x 3.10 + 1 kg cement/m x 0.95"}},
            lab_analysis: {{value: 7.306, source: "test basis: 10 kWh x 0.5306 + 2 kg"}}}}
  indicators: [ghg, energy, water]
  indicator_factors: {{vehicle_km: {{energy_transport_fuel: 2.5}}}}   # MJ/km, deck value
{supply}
"""
PUBLISHED = {2021: 0.5568, 2022: 0.5366, 2023: 0.5306}  # kg CO2/kWh, MEE & NBS
GAC = 12.92  # kg CO2e/kg
DRILLING = 2 * 2.6676 + 2.2 * 3.10 + 1.0 * 0.95  # kg CO2e/m
LAB = 10 * 0.5306 + 2.0  # kg CO2e per analysis
VEHICLE = 0.25  # kg CO2e/km (deck)
PV = 0.045  # kg CO2e/kWh


def grid_factor(year):
    xs = list(PUBLISHED)
    mean_x = sum(xs) / len(xs)
    mean_y = sum(PUBLISHED.values()) / len(xs)
    slope = sum((x - mean_x) * (PUBLISHED[x] - mean_y) for x in xs) / sum(
        (x - mean_x) ** 2 for x in xs)
    return PUBLISHED[year] if year in PUBLISHED else PUBLISHED[2023] + slope * (year - 2023)


def totals(out):
    sums = {}
    for r in csv.DictReader(open(os.path.join(out, "footprint.csv"))):
        sums[r["indicator"]] = sums.get(r["indicator"], 0.0) + float(r["quantity"])
    return sums


def main():
    terrafate, workdir = sys.argv[1:3]
    failures = []
    out = outputs.run_text(terrafate, workdir, "grid", DECK.format(supply=""))
    ledger = {(r["action"], r["item"]): float(r["quantity"])
              for r in csv.DictReader(open(os.path.join(out, "ledger.csv")))}
    kwh = sum(q for (a, item), q in ledger.items() if item.startswith("electricity:"))
    gac = ledger.get(("pt", "material:activated_carbon"), 0.0)
    drilled, analyses, km, purge = 2 * (10 - 0), 2 * 4 * 4 * 2, 2 * 4 * 60, 2 * 4 * 4 * 0.05
    for key, hand in ((("pt", "drilling"), drilled), (("mon", "lab_analysis"), analyses),
                      (("mon", "vehicle_km"), km), (("mon", "purge_water"), purge),
                      (("pt", "waste:hazardous"), gac / 1000)):
        if not math.isclose(ledger.get(key, -1.0), hand, rel_tol=1e-9):
            failures.append(f"ledger {key} = {ledger.get(key)}, by hand {hand}")
    days = {}
    for n in range(1461):
        year = (datetime.date(2022, 7, 1) + datetime.timedelta(days=n)).year
        days[year] = days.get(year, 0) + 1
    grid_kg_per_kwh = sum(d * grid_factor(y) for y, d in days.items()) / 1461
    others = gac * GAC + drilled * DRILLING + analyses * LAB + km * VEHICLE  # kg
    hand = (kwh * grid_kg_per_kwh + others) / 1000
    sums = totals(out)
    print(f"kWh {kwh:.3f} (mean grid factor {grid_kg_per_kwh:.6f}), GAC {gac:.6f} kg, drilling "
          f"{drilled} m, lab {analyses}, {km} km: ghg {sums.get('ghg')} t, hand {hand} t")
    if not (kwh > 0 and gac > 0):
        failures.append("the run used no electricity or carbon")
    if not math.isclose(sums.get("ghg", -1), hand, rel_tol=1e-9):
        failures.append(f"ghg {sums.get('ghg')} != hand {hand}")
    if not math.isclose(sums.get("water_used", -1), purge, rel_tol=1e-9):
        failures.append(f"water_used {sums.get('water_used')}")

    out = outputs.run_text(terrafate, workdir, "pv40", DECK.format(
        supply="  energy_supply: {pt: {pv: 0.4}}"))
    ledger_pv = {(r["action"], r["item"]): float(r["quantity"])
                 for r in csv.DictReader(open(os.path.join(out, "ledger.csv")))}
    if ledger_pv != ledger:
        failures.append("the PV case's ledger differs from the grid case's")
    pt_kwh = sum(q for (a, item), q in ledger.items()
                 if a == "pt" and item.startswith("electricity:"))
    hand_pv = ((kwh - 0.4 * pt_kwh) * grid_kg_per_kwh + 0.4 * pt_kwh * PV + others) / 1000
    sums = totals(out)
    print(f"PV 40 % of {pt_kwh:.3f} kWh: ghg {sums.get('ghg')} t, hand {hand_pv} t "
          f"({100 * (1 - hand_pv / hand):.2f} % less)")
    if not math.isclose(sums.get("ghg", -1), hand_pv, rel_tol=1e-9):
        failures.append(f"PV ghg {sums.get('ghg')} != hand {hand_pv}")
    if not math.isclose(sums.get("energy_pv", -1), 0.4 * pt_kwh * 3.6, rel_tol=1e-9):
        failures.append(f"energy_pv {sums.get('energy_pv')}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
