"""risk.csv, compliance.csv, plume.csv and risk_based_concentrations.csv of a batch decay case
vs hand calculations.

Usage: check_risk_outputs.py TERRAFATE WORKDIR

Benzene (chemical: benzene; SFo 0.055 (mg/kg/d)^-1, RfDo 0.004 mg/kg/d from data/chemicals.csv)
at 1 mg/L everywhere in still groundwater decays at 1e-3 /d (steps of 36.5 d). A second-class
receptor drinks it. HJ 25.3-2019 second class (data/exposure.csv): GWCRa 1 L/d, EFa 250 d/a,
EDa 25 a, BWa 61.8 kg, ATca 27740 d, ATnc 9125 d, WAF 0.5 (HJ 25.3-2019; 0.2 was the 2014
edition's value, review R3):
  CR = C GWCRa EFa EDa / (BWa ATca) SFo,  HQ = C GWCRa EFa EDa / (BWa ATnc) / (RfDo WAF)
with C the receptor's concentration in observations.csv (an observation point at the same
place): to 1e-12. The risk-based concentration is min(1e-6 / CR per mg/L, 1 / HQ per mg/L).
compliance.csv: the first time of the per-step series (receptor_series.csv: every 36.5 d step)
from which CR <= 1e-6 (and HQ <= 1) through the end, with C by hand from the backward-Euler
recursion C_i = C_(i-1) / (1 + k (t_i - t_(i-1))) over the series' times (the series' CR equals
it to 1e-12); the maximum at t = 0. plume.csv: C is uniform, so while it
exceeds GB/T 14848 class III (10 ug/L) the whole grid (2000 m3, 200 m2) is above the standard;
the dissolved mass is 0.3 x 2000 m3 x C; the centre of mass is (10, 5, 5) m and the spreads
(5, 0, 0) m (two 10 m cells along x).
"""
import csv
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402

TIMES = [0] + [365 * n for n in range(1, 21)]
DECK = f"""title: risk outputs
grid:
  origin: [0, 0, 0]
  size: [20, 10, 10]
  cells: [2, 1, 1]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10}}
    - {{face: xmax, type: head, head: 10}}
transport:
  species:
    - {{name: B, chemical: benzene, decay: {{rate: 0.001}}}}
  initial:
    - {{species: B, region: all, concentration: 1}}
risk:
  framework: hj25.3-2019
  target: {{cancer_risk: 1.0e-6, hazard_quotient: 1}}
  standard: gbt14848-III
  receptors:
    - {{name: well, position: [5, 5, 5], land_use: second_class,
       pathways: [groundwater_ingestion]}}
observations:
  points:
    - {{name: well, position: [5, 5, 5]}}
time:
  end: 7300
  max_step: 36.5
  output_times: {TIMES}
output: {{hdf5: false, vtk: false}}
"""


def rows(out, name):
    with open(os.path.join(out, name), newline="") as f:
        return list(csv.DictReader(f))


def main():
    terrafate, workdir = sys.argv[1:3]
    out = outputs.run_text(terrafate, workdir, "risk_outputs", DECK)
    failures = []
    intake = 1.0 * 250 * 25 / 61.8
    cr_unit = intake / 27740 * 0.055
    hq_unit = intake / 9125 / (0.004 * 0.5)
    concentration = {float(r["time"]): float(r["value"]) for r in rows(out, "observations.csv")
                     if r["variable"] == "B"}
    risk = [r for r in rows(out, "risk.csv")
            if r["species"] == "B" and r["pathway"] == "groundwater_ingestion"]
    worst = 0.0
    for r in risk:
        c = concentration[float(r["time"])]
        for column, unit in (("cancer_risk", cr_unit), ("hazard_quotient", hq_unit)):
            expected = c * unit
            error = abs(float(r[column]) - expected) / expected
            worst = max(worst, error)
    print(f"risk.csv vs hand calculation: largest relative difference {worst:.2e} "
          f"({len(risk)} rows; CR per mg/L {cr_unit:.6e}, HQ per mg/L {hq_unit:.6e})")
    if worst > 1e-12:
        failures.append(f"risk.csv off by {worst:.2e}")
    rbc = rows(out, "risk_based_concentrations.csv")[0]
    expected_rbc = min(1e-6 / cr_unit, 1.0 / hq_unit)
    print(f"risk-based concentration {rbc['risk_based_concentration']} mg/L "
          f"(hand {expected_rbc:.10e}, governed by {rbc['governed_by']})")
    if abs(float(rbc["risk_based_concentration"]) / expected_rbc - 1) > 1e-12:
        failures.append("risk-based concentration")
    # HJ 25.3 leaching and saturation for benzene (H' 0.2269, Koc 145.8, S 1790 mg/L) with the
    # second-class defaults: theta = 1 - 1.5/2.65, theta_ws = 1.5 x 0.2 = 0.30, theta_as =
    # theta - 0.30, Kd = Koc 15/1700; Ksw = (theta_ws + Kd rho_b + H theta_as)/rho_b;
    # soil value = GB/T 14848 III 0.010 mg/L x Ksw x (1 + 25 x 2 / (0.3 x 40)); Csat = S Ksw.
    theta = 1 - 1.5 / 2.65
    ksw = (0.3 + 145.8 * 15 / 1700 * 1.5 + 0.2269 * (theta - 0.3)) / 1.5
    for column, expected in (("soil_value_protecting_groundwater_mg_per_kg",
                              0.010 * ksw * (1 + 25 * 2 / (0.3 * 40))),
                             ("soil_saturation_limit_mg_per_kg", 1790 * ksw)):
        print(f"{column}: {rbc[column]} (hand {expected:.10e})")
        if abs(float(rbc[column]) / expected - 1) > 1e-12:
            failures.append(column)
    # The per-step series against the backward-Euler recursion by hand.
    series = rows(out, "receptor_series.csv")
    times = [float(r["time"]) for r in series]
    by_hand = [1.0]
    for a, b in zip(times, times[1:]):
        by_hand.append(by_hand[-1] / (1 + 1e-3 * (b - a)))
    series_error = max(abs(float(r["max_cancer_risk"]) / (c * cr_unit) - 1)
                       for r, c in zip(series, by_hand))
    print(f"receptor_series.csv: {len(times)} times (outputs every 365 d, steps of 36.5 d); CR "
          f"vs backward Euler by hand: largest relative difference {series_error:.2e}")
    if series_error > 1e-12 or len(times) != 201:
        failures.append("receptor_series.csv")
    exceeding = [c * cr_unit > 1e-6 or c * hq_unit > 1 for c in by_hand]
    expected_ttt = math.nan
    for t, e in reversed(list(zip(times, exceeding))):
        if e:
            break
        expected_ttt = t
    compliance = rows(out, "compliance.csv")[0]
    # One contaminant: the site totals equal the contaminant's values.
    if float(compliance["max_site_cancer_risk"]) != float(compliance["max_cancer_risk"]):
        failures.append("max_site_cancer_risk")
    print(f"time_to_target {compliance['time_to_target']} d (hand {expected_ttt} d); max CR "
          f"{compliance['max_cancer_risk']} at {compliance['time_of_max']} d")
    if float(compliance["time_to_target"]) != expected_ttt:
        failures.append("time_to_target")
    if abs(float(compliance["max_cancer_risk"]) / cr_unit - 1) > 1e-12 or \
            float(compliance["time_of_max"]) != 0:
        failures.append("max_cancer_risk")
    # The analytic crossing of exp(-k t) (the BE series decays a little slower, by about
    # k dt / 2 = 1.8 %): within 3 % of it.
    crossing = math.log(cr_unit / 1e-6) / 1e-3
    print(f"analytic crossing of 1e-6 by CR0 exp(-kt): {crossing:.1f} d")
    if not 0 <= float(compliance["time_to_target"]) - crossing <= 0.03 * crossing:
        failures.append("time_to_target far from the analytic crossing")
    for r in rows(out, "plume.csv"):
        t = float(r["time"])
        c = concentration[t]
        above = c > 0.010
        expected = {"area_above_standard_m2": 200.0 if above else 0.0,
                    "volume_above_standard_m3": 2000.0 if above else 0.0,
                    "dissolved_g": 0.3 * 2000 * c, "x_center": 10.0, "y_center": 5.0,
                    "z_center": 5.0, "x_spread": 5.0, "y_spread": 0.0, "z_spread": 0.0}
        for column, value in expected.items():
            if abs(float(r[column]) - value) > 1e-9 * max(1.0, abs(value)):
                failures.append(f"plume.csv {column} at {t} d: {r[column]} vs {value}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures[:5]))
    print("PASS")


if __name__ == "__main__":
    main()
