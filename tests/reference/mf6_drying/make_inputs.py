#!/usr/bin/python3
"""Writes the MODFLOW 6 inputs (mf6/) and the terrafate deck (terrafate.yaml) of the drying and
rewetting comparison: the same grid, materials, general-head cells, well and time steps.

21 x 21 cells of 10 m, two convertible layers (0-5 m and 5-10 m), K = 10 m/d horizontal and 1 m/d
vertical, Ss = 1e-5 1/m, Sy = 0.2. Every perimeter cell of both layers is a general-head cell
(head 6 m, conductance 1000 m2/d); the water table starts at 6 m, 1 m above the upper layer's
bottom. A well in the lower layer of the centre cell pumps 300 m3/d for 10 d and stops; the
upper layer dries around it and rewets. 120 steps of 0.5 d (20 pumping, 100 recovery).
Run from this folder: /usr/bin/python3 make_inputs.py
"""
from pathlib import Path

N, DX, LAYERS = 21, 10.0, [(5.0, 10.0), (0.0, 5.0)]  # MF6 layer 1 is the top one
K, K33, SS, SY, H0 = 10.0, 1.0, 1.0e-5, 0.2, 6.0
GHB_HEAD, GHB_COND, RATE = 6.0, 1000.0, -300.0
PUMP_DAYS, REST_DAYS, DT = 10.0, 50.0, 0.5
CENTRE = N // 2  # 0-based column/row of the well (x = y = 105 m)
# Observation cells (0-based column along +x from the well, MF6 layer): x = 105, 115, 135, 155 m.
OBS = [("well_lower", 2, 0), ("r10_lower", 2, 1), ("r10_upper", 1, 1), ("r30_lower", 2, 3),
       ("r30_upper", 1, 3), ("r50_upper", 1, 5), ("well_upper", 1, 0)]

here = Path(__file__).resolve().parent
mf6 = here / "mf6"
mf6.mkdir(exist_ok=True)
perimeter = [(r, c) for r in range(N) for c in range(N) if r in (0, N - 1) or c in (0, N - 1)]


def write(name, text):
    (mf6 / name).write_text(text.lstrip())


write("mfsim.nam", """
BEGIN options
END options
BEGIN timing
  TDIS6 drying.tdis
END timing
BEGIN models
  gwf6 drying.nam drying
END models
BEGIN exchanges
END exchanges
BEGIN solutiongroup 1
  ims6 drying.ims drying
END solutiongroup
""")
write("drying.tdis", f"""
BEGIN options
  TIME_UNITS days
END options
BEGIN dimensions
  NPER 2
END dimensions
BEGIN perioddata
  {PUMP_DAYS} {int(PUMP_DAYS / DT)} 1.0
  {REST_DAYS} {int(REST_DAYS / DT)} 1.0
END perioddata
""")
write("drying.nam", """
BEGIN options
  NEWTON
END options
BEGIN packages
  DIS6 drying.dis dis
  IC6 drying.ic ic
  NPF6 drying.npf npf
  STO6 drying.sto sto
  GHB6 drying.ghb ghb
  WEL6 drying.wel wel
  OC6 drying.oc oc
  OBS6 drying.obs obs
END packages
""")
write("drying.dis", f"""
BEGIN options
  LENGTH_UNITS meters
END options
BEGIN dimensions
  NLAY 2
  NROW {N}
  NCOL {N}
END dimensions
BEGIN griddata
  delr
    CONSTANT {DX}
  delc
    CONSTANT {DX}
  top
    CONSTANT {LAYERS[0][1]}
  botm LAYERED
    CONSTANT {LAYERS[0][0]}
    CONSTANT {LAYERS[1][0]}
END griddata
""")
write("drying.ic", f"""
BEGIN griddata
  strt
    CONSTANT {H0}
END griddata
""")
write("drying.npf", f"""
BEGIN options
END options
BEGIN griddata
  icelltype
    CONSTANT 1
  k
    CONSTANT {K}
  k33
    CONSTANT {K33}
END griddata
""")
write("drying.sto", f"""
BEGIN options
END options
BEGIN griddata
  iconvert
    CONSTANT 1
  ss
    CONSTANT {SS}
  sy
    CONSTANT {SY}
END griddata
BEGIN period 1
  TRANSIENT
END period
""")
ghb = "\n".join(f"  {lay} {r + 1} {c + 1} {GHB_HEAD} {GHB_COND}" for lay in (1, 2)
                for r, c in perimeter)
write("drying.ghb", f"""
BEGIN options
END options
BEGIN dimensions
  MAXBOUND {2 * len(perimeter)}
END dimensions
BEGIN period 1
{ghb}
END period
""")
write("drying.wel", f"""
BEGIN options
END options
BEGIN dimensions
  MAXBOUND 1
END dimensions
BEGIN period 1
  2 {CENTRE + 1} {CENTRE + 1} {RATE}
END period
BEGIN period 2
END period
""")
write("drying.oc", """
BEGIN options
  BUDGETCSV FILEOUT drying.budget.csv
END options
BEGIN period 1
  PRINT budget ALL
END period
""")
obs = "\n".join(f"  {name} HEAD {lay} {CENTRE + 1} {CENTRE + 1 + dc}" for name, lay, dc in OBS)
write("drying.obs", f"""
BEGIN options
  DIGITS 12
END options
BEGIN continuous FILEOUT drying.head_obs.csv
{obs}
END continuous
""")
write("drying.ims", """
BEGIN options
  PRINT_OPTION summary
  COMPLEXITY complex
  CSV_OUTER_OUTPUT FILEOUT drying.ims_outer.csv
END options
BEGIN nonlinear
  OUTER_DVCLOSE 1.0e-9
  OUTER_MAXIMUM 200
  UNDER_RELAXATION none
END nonlinear
BEGIN linear
  INNER_MAXIMUM 300
  INNER_DVCLOSE 1.0e-11
  INNER_RCLOSE 1.0e-9
  LINEAR_ACCELERATION bicgstab
END linear
""")

# The terrafate deck: layer k = 0 is the bottom one; cell indices are 0-based [i (x), j (y), k].
cells = ", ".join(f"[{c}, {r}, {k}]" for k in (0, 1) for r, c in perimeter)
points = "\n".join(
    f"    - {{name: {name}, position: [{(CENTRE + dc + 0.5) * DX}, {(CENTRE + 0.5) * DX}, "
    f"{2.5 if lay == 2 else 7.5}]}}" for name, lay, dc in OBS)
times = ", ".join(str(t) for t in [1, 2, 5, 10, 11, 12, 15, 20, 30, 45, 60])
(here / "terrafate.yaml").write_text(f"""# Written by make_inputs.py (tests/reference/mf6_drying): the MODFLOW 6 drying comparison.
title: Water table falling through a layer bottom under a well switched on and off
grid: {{size: [{N * DX}, {N * DX}, 10], cells: [{N}, {N}, 2]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: [{K}, {K}, {K33}], porosity: 0.3,
     specific_storage: {SS}, specific_yield: {SY}}}
flow:
  type: transient
  initial_head: {H0}
  water_table: true
  saturation_weighting: upstream     # as MODFLOW 6 Newton
  boundaries:
    - {{name: perimeter, type: general_head, head: {GHB_HEAD}, conductance: {GHB_COND},
       cells: [{cells}]}}
  wells:
    - {{name: PW, position: [{(CENTRE + 0.5) * DX}, {(CENTRE + 0.5) * DX}], screen: [0, 5],
       rate: {RATE}, end: {PUMP_DAYS}}}
time: {{end: {PUMP_DAYS + REST_DAYS}, initial_step: {DT}, max_step: {DT}, step_multiplier: 1,
       output_times: [{times}]}}
observations:
  points:
{points}
output: {{hdf5: false, vtk: false}}
""")
