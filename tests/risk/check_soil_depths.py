"""Vapour-intrusion depths from the simulated soil column and water table (issue 20, review R6).

Usage: check_soil_depths.py TERRAFATE WORKDIR

A vinyl chloride receptor `house` (HJ 25.3 first class: indoor vapour from groundwater and from
subsurface soil) over an aquifer whose top (the water table) is at 5 m, with a `soil:` section:
- SOIL: ground surface at 9 m: depth to groundwater L_gw = 4 m and subsurface soil thickness
  ds = L_gw - L_s = 4 - 0.5 = 3.5 m, from the run, not the table (L_gw 3 m, ds 1 m);
- DECK: ground surface at 8 m (the soil column gives 3 m and 2.5 m), with the depths of SOIL
  given explicitly (risk.overrides: depth_to_groundwater 4, subsurface_soil_thickness 3.5),
  which win over the soil column;
- SHALLOW: ground surface at 8 m, no overrides (3 m and 2.5 m).
A second receptor `yard` breathes outdoor vapours from the subsurface soil only.
Reference: SOIL's risk_based_concentrations.csv equals DECK's to 1e-12 (it would not if SOIL
used the table's depths or DECK the soil column's) for house groundwater (the J&E attenuation
through L_gw), house soil and yard soil (the mass limit of VF_suboa, ds rho_b / (DF_oa tau)), and
differs from SHALLOW's by more than 1 % for house groundwater (1.5 %: J&E from 3 to 4 m) and
yard soil (mass-limited: x 3.5/2.5), so the test can tell the depths apart. (House soil's
indoor VF is not mass-limited for vinyl chloride, so ds does not change it.)
"""
import csv
import os
import shutil
import subprocess
import sys

DECK = """title: vapour depths from the soil column
grid:
  origin: [0, 0, 0]
  size: [20, 10, 5]
  cells: [2, 1, 1]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.6,
     foc: 0.001, dispersivity: [1, 0.1, 0.1]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 5}}
    - {{face: xmax, type: head, head: 5}}
transport:
  species:
    - {{name: VC, chemical: vinyl chloride, henry: 1.137, air_diffusion: 0.92}}
{soil}risk:
  framework: hj25.3-2019
  standard: none
{overrides}  receptors:
    - {{name: house, position: [5, 5, 2.5], land_use: first_class,
       pathways: [indoor_vapour, soil_indoor_vapour]}}
    - {{name: yard, position: [5, 5, 2.5], land_use: first_class, pathways: [soil_outdoor_vapour]}}
time:
  end: 1
  initial_step: 1
  max_step: 1
  output_times: [0, 1]
output: {{hdf5: false, vtk: false}}
"""
SOIL = """soil:
  ground_surface: {surface}
  resolution: 0.05
  layers:
    - {{name: loam, top: 0, bottom: {depth}, texture: {{alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}}, bulk_density: 1.6, foc: 0.005}}
  zones:
    - {{name: site, footprint: {{min: [0, 0], max: [10, 10]}}, depth: [0.5, 2],
       concentrations: {{VC: 1}}}}
"""
OVERRIDES = """  overrides:
    first_class: {depth_to_groundwater: 4, subsurface_soil_thickness: 3.5}
"""


def run(terrafate, workdir, name, surface, overrides):
    deck = os.path.join(workdir, f"{name}.yaml")
    with open(deck, "w") as f:
        f.write(DECK.format(soil=SOIL.format(surface=surface, depth=surface - 5),
                            overrides=overrides))
    out = os.path.join(workdir, name)
    result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True, text=True,
                            timeout=300)
    if result.returncode != 0:
        sys.exit(f"FAIL: {deck} exited {result.returncode}\n{result.stderr}")
    with open(os.path.join(out, "risk_based_concentrations.csv"), newline="") as f:
        return {f"{r['receptor']} {r['medium']}": float(r["risk_based_concentration"])
                for r in csv.DictReader(f)}


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    soil = run(terrafate, workdir, "soil", 9, "")
    deck = run(terrafate, workdir, "deck", 8, OVERRIDES)
    table = run(terrafate, workdir, "shallow", 8, "")
    failures = []
    for medium in ("house groundwater", "house soil", "yard soil"):
        same = abs(soil[medium] / deck[medium] - 1.0)
        apart = abs(soil[medium] / table[medium] - 1.0)
        print(f"{medium}: soil column {soil[medium]:.10g}, explicit depths {deck[medium]:.10g} "
              f"(relative difference {same:.2e}), shallower soil column {table[medium]:.6g} "
              f"(differs by {100 * apart:.1f} %)")
        if same > 1e-12:
            failures.append(f"{medium}: the soil column's depths are not used")
        if apart < 0.01 and medium != "house soil":
            failures.append(f"{medium}: the depths do not change the value: the test is blind")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
