"""us-epa hazard index by target organ end to end (issue 20; RAGS Part A section 8.2.2).

Usage: check_target_organs.py TERRAFATE WORKDIR CHEMICALS_CSV

A still aquifer (equal heads, no diffusion: concentrations stay as set) holds toluene and
xylenes, us-epa resident receptors:
- `tap` (groundwater_ingestion: RSL tap water) at x = 12.5 m, where each species is at 0.6 x
  its published RSL tap water value (Fall 2017, key n: toluene 1100, xylenes 190 ug/L);
- `house` (indoor_vapour, generic attenuation factor 1e-3) at x = 87.5 m, where the groundwater
  gives indoor air at 0.6 x the published RSL resident air values (5200 and 100 ug/m3):
  C_gw = C_air / (1000 H AF) with H of data/chemicals.csv.
IRIS (data/chemicals.csv): toluene RfD urinary, RfC nervous; xylenes RfD other, RfC nervous.
Reference, from the published values only (K = 0.5 L/m3 turns resident air into the inhaled part
of tap water, SL_inh = RSL air / K):
- house: nervous-system HI 0.6 + 0.6 = 1.2 (within 3 %): not compliant (time_to_target nan),
  although each contaminant's HQ is 0.6; risk.csv's `all,all` row is governed by hazard_index.
- tap: nervous 0.6 (1100/10400 + 190/200) = 0.6335, urinary 0.6 (1 - 1100/10400) = 0.5365
  (within 5 %); site HI 1.2 but compliant (time_to_target 0), max_hazard_index = the nervous HI.
"""
import csv
import math
import os
import shutil
import subprocess
import sys

DECK = """title: hazard index by target organ
grid:
  origin: [0, 0, 0]
  size: [100, 1, 1]
  cells: [20, 1, 1]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3,
     dispersivity: [1, 0.1, 0.1]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 2}}
    - {{face: xmax, type: head, head: 2}}
transport:
  species:
    - {{name: T, chemical: toluene}}
    - {{name: X, chemical: xylenes}}
  initial:
    - {{species: T, region: {{box: {{min: [0, 0, 0], max: [50, 1, 1]}}}}, concentration: {t_tap}}}
    - {{species: X, region: {{box: {{min: [0, 0, 0], max: [50, 1, 1]}}}}, concentration: {x_tap}}}
    - {{species: T, region: {{box: {{min: [50, 0, 0], max: [100, 1, 1]}}}}, concentration: {t_air}}}
    - {{species: X, region: {{box: {{min: [50, 0, 0], max: [100, 1, 1]}}}}, concentration: {x_air}}}
risk:
  framework: us-epa
  standard: none
  overrides:
    resident: {{groundwater_attenuation_factor: 1.0e-3}}
  receptors:
    - {{name: tap, position: [12.5, 0.5, 0.5], land_use: resident,
       pathways: [groundwater_ingestion]}}
    - {{name: house, position: [87.5, 0.5, 0.5], land_use: resident, pathways: [indoor_vapour]}}
time:
  end: 100
  initial_step: 50
  max_step: 50
  output_times: [0, 100]
output: {{hdf5: false, vtk: false}}
"""
SHARE = 0.6
RSL_TAP = {"toluene": 1100.0, "xylenes (total)": 190.0}  # [ug/L]
RSL_AIR = {"toluene": 5200.0, "xylenes (total)": 100.0}  # [ug/m3]
K = 0.5  # [L/m3] RSL tap water volatilization factor


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    terrafate, workdir, chemicals_csv = sys.argv[1:4]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    henry = {r["contaminant"]: float(r["H_dimensionless_25C"]) for r in rows(chemicals_csv)
             if r["contaminant"] in RSL_AIR}
    tap = {name: SHARE * value * 1e-3 for name, value in RSL_TAP.items()}  # [mg/L]
    air = {name: SHARE * value * 1e-3 / (1000.0 * henry[name] * 1e-3)  # [mg/L]
           for name, value in RSL_AIR.items()}
    deck = os.path.join(workdir, "deck.yaml")
    with open(deck, "w") as f:
        f.write(DECK.format(t_tap=tap["toluene"], x_tap=tap["xylenes (total)"],
                            t_air=air["toluene"], x_air=air["xylenes (total)"]))
    out = os.path.join(workdir, "out")
    result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        sys.exit(f"FAIL: terrafate run exited {result.returncode}\n{result.stderr}")
    organs = {(r["receptor"], r["target_organ"]): r
              for r in rows(os.path.join(out, "risk_by_target_organ.csv"))
              if float(r["time"]) == 100.0}
    compliance = {r["receptor"]: r for r in rows(os.path.join(out, "compliance.csv"))}
    risk = {(r["receptor"], r["species"], r["pathway"]): r
            for r in rows(os.path.join(out, "risk.csv")) if float(r["time"]) == 100.0}
    failures = []

    def near(label, value, reference, tolerance):
        ok = abs(value / reference - 1.0) <= tolerance
        print(f"{label}: {value:.5g} (published {reference:.5g}, ratio {value / reference:.4f})"
              f" {'ok' if ok else 'FAIL'}")
        if not ok:
            failures.append(label)

    nervous_house = float(organs[("house", "Nervous")]["hazard_index"])
    near("house nervous-system HI", nervous_house, 2 * SHARE, 0.03)
    for species in ("T", "X"):
        near(f"house {species} HQ", float(risk[("house", species, "all")]["hazard_quotient"]),
             SHARE, 0.05)
    if organs[("house", "Nervous")]["judged"] != "1" or \
            organs[("house", "Nervous")]["species"] != "T;X":
        failures.append(f"house row {organs[('house', 'Nervous')]}")
    if not math.isnan(float(compliance["house"]["time_to_target"])):
        failures.append("house complies, but its nervous-system HI exceeds 1")
    if risk[("house", "all", "all")]["criterion"] != "hazard_index":
        failures.append(f"house criterion {risk[('house', 'all', 'all')]['criterion']}")
    near("house max_hazard_index", float(compliance["house"]["max_hazard_index"]), 2 * SHARE,
         0.03)

    nervous_tap = float(organs[("tap", "Nervous")]["hazard_index"])
    near("tap nervous-system HI", nervous_tap,
         SHARE * (1100 / (5200 / K) + 190 / (100 / K)), 0.05)
    near("tap urinary HI", float(organs[("tap", "Urinary")]["hazard_index"]),
         SHARE * (1 - 1100 / (5200 / K)), 0.05)
    near("tap site HI", float(risk[("tap", "all", "all")]["hazard_quotient"]), 2 * SHARE, 0.05)
    if float(compliance["tap"]["time_to_target"]) != 0.0:
        failures.append(f"tap time_to_target {compliance['tap']['time_to_target']}, expected 0")
    if abs(float(compliance["tap"]["max_hazard_index"]) - nervous_tap) > 1e-9 * nervous_tap:
        failures.append("tap max_hazard_index is not its largest organ HI")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
