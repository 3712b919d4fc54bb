#!/usr/bin/python3
"""Writes the MODFLOW 6 inputs (mf6_confined/, mf6_water_table/), the terrafate surfaces and
conductivities (layers.h5) and decks (terrafate_confined.yaml, terrafate_water_table.yaml) of the
variable-thickness comparison: one grid whose three layers have their own top and bottom in every
column (MF6 DIS TOP/BOTM arrays, terrafate grid.top/grid.bottoms), the middle one pinching out
(MF6 idomain -1, terrafate: a cell thinner than 1 mm), steady flow between fixed heads on the west
and east columns with a well in the bottom layer; confined, or with every layer convertible (MF6
Newton, terrafate flow.water_table).

25 x 15 columns of 20 m. Column centre x = 20 (c + 0.5), y = 20 (r + 0.5) [m] for the 0-based
MF6 column c and row r (terrafate's i = c, j = r; MF6 layer 1, the top one, is terrafate's k = 2):
  top            = 40 + 0.01 x + 1.5 sin(x / 90) cos(y / 70)
  bottom layer 1 = 25 - 0.006 x + 2 cos(x / 110) sin(y / 60)
  bottom layer 2 = bottom layer 1 - t,  t = min(4, max(0, 0.04 (d - 60))),
                   d = |(x, y) - (330, 170)|
  bottom layer 3 = 0.004 y - 0.003 x
so the aquitard (layer 2) is 4 m thick away from (330, 170) and absent (t = 0) within 60 m of it.
K (horizontal, vertical) [m/d]: layer 1 (8, 0.8), layer 2 (0.02, 0.002), layer 3 (20, 2).
Fixed heads (MF6 CHD, terrafate head on cells): 34 m in column 1 and 30 m in column 25, every
layer. A well of -800 m3/d in layer 3 at column 17, row 8 (x = 330 m, y = 150 m), under the window.
Run from this folder: /usr/bin/python3 make_inputs.py; after running mf6 in a copy of
mf6_<case>/: /usr/bin/python3 make_inputs.py <case> <that copy> keeps its results (results/).
"""
import sys
from pathlib import Path

import h5py
import numpy as np

NCOL, NROW, DX = 25, 15, 20.0
K = [(8.0, 0.8), (0.02, 0.002), (20.0, 2.0)]  # MF6 layers 1, 2, 3
WEST, EAST, RATE = 34.0, 30.0, -800.0
WELL = (7, 16)  # 0-based MF6 row, column: x = 330 m, y = 150 m

here = Path(__file__).resolve().parent

x = DX * (np.arange(NCOL) + 0.5)
y = DX * (np.arange(NROW) + 0.5)
X, Y = np.meshgrid(x, y)  # [row, column]
top = 40.0 + 0.01 * X + 1.5 * np.sin(X / 90.0) * np.cos(Y / 70.0)
bottom1 = 25.0 - 0.006 * X + 2.0 * np.cos(X / 110.0) * np.sin(Y / 60.0)
thickness2 = np.minimum(4.0, np.maximum(0.0, 0.04 * (np.hypot(X - 330.0, Y - 170.0) - 60.0)))
bottom2 = bottom1 - thickness2
bottom3 = 0.004 * Y - 0.003 * X
pinched = thickness2 == 0.0  # MF6 idomain -1 in layer 2
assert pinched.any() and not pinched[:, 0].any() and not pinched[:, -1].any()


def array(values, fmt="{:.17g}"):
    """An MF6 INTERNAL array block body: one line per row."""
    return "\n".join("      " + " ".join(fmt.format(v) for v in row) for row in values)


def write_mf6(folder, water_table):
    """The MF6 simulation in `folder`: confined (ICELLTYPE 0), or with `water_table` every layer
    convertible (ICELLTYPE 1) under the Newton-Raphson formulation."""
    folder.mkdir(exist_ok=True)

    def write(name, text):
        (folder / name).write_text(text.lstrip())

    write("mfsim.nam", """
BEGIN options
END options
BEGIN timing
  TDIS6 surfaces.tdis
END timing
BEGIN models
  gwf6 surfaces.nam surfaces
END models
BEGIN exchanges
END exchanges
BEGIN solutiongroup 1
  ims6 surfaces.ims surfaces
END solutiongroup
""")
    write("surfaces.tdis", """
BEGIN options
  TIME_UNITS days
END options
BEGIN dimensions
  NPER 1
END dimensions
BEGIN perioddata
  1.0 1 1.0
END perioddata
""")
    write("surfaces.nam", f"""
BEGIN options
{"  NEWTON" if water_table else ""}
END options
BEGIN packages
  DIS6 surfaces.dis dis
  IC6 surfaces.ic ic
  NPF6 surfaces.npf npf
  CHD6 surfaces.chd chd
  WEL6 surfaces.wel wel
  OC6 surfaces.oc oc
END packages
""")
    idomain = np.ones((3, NROW, NCOL), dtype=int)
    idomain[1][pinched] = -1
    write("surfaces.dis", f"""
BEGIN options
  LENGTH_UNITS meters
END options
BEGIN dimensions
  NLAY 3
  NROW {NROW}
  NCOL {NCOL}
END dimensions
BEGIN griddata
  delr
    CONSTANT {DX}
  delc
    CONSTANT {DX}
  top
    INTERNAL FACTOR 1.0
{array(top)}
  botm LAYERED
    INTERNAL FACTOR 1.0
{array(bottom1)}
    INTERNAL FACTOR 1.0
{array(bottom2)}
    INTERNAL FACTOR 1.0
{array(bottom3)}
  idomain LAYERED
    CONSTANT 1
    INTERNAL FACTOR 1
{array(idomain[1], "{:d}")}
    CONSTANT 1
END griddata
""")
    write("surfaces.ic", """
BEGIN griddata
  strt
    CONSTANT 32.0
END griddata
""")
    write("surfaces.npf", f"""
BEGIN options
  SAVE_SPECIFIC_DISCHARGE
END options
BEGIN griddata
  icelltype
    CONSTANT {1 if water_table else 0}
  k LAYERED
    CONSTANT {K[0][0]}
    CONSTANT {K[1][0]}
    CONSTANT {K[2][0]}
  k33 LAYERED
    CONSTANT {K[0][1]}
    CONSTANT {K[1][1]}
    CONSTANT {K[2][1]}
END griddata
""")
    chd = "\n".join(f"  {lay} {r + 1} {c + 1} {h}" for lay in (1, 2, 3) for r in range(NROW)
                    for c, h in ((0, WEST), (NCOL - 1, EAST)))
    write("surfaces.chd", f"""
BEGIN options
END options
BEGIN dimensions
  MAXBOUND {6 * NROW}
END dimensions
BEGIN period 1
{chd}
END period
""")
    write("surfaces.wel", f"""
BEGIN options
END options
BEGIN dimensions
  MAXBOUND 1
END dimensions
BEGIN period 1
  3 {WELL[0] + 1} {WELL[1] + 1} {RATE}
END period
""")
    write("surfaces.oc", """
BEGIN options
  HEAD FILEOUT surfaces.hds
  BUDGETCSV FILEOUT surfaces.budget.csv
END options
BEGIN period 1
  SAVE head ALL
  PRINT budget ALL
END period
""")
    write("surfaces.ims", f"""
BEGIN options
  PRINT_OPTION summary
  COMPLEXITY {"complex" if water_table else "simple"}
END options
BEGIN nonlinear
  OUTER_DVCLOSE 1.0e-12
  OUTER_MAXIMUM 50
END nonlinear
BEGIN linear
  INNER_MAXIMUM 500
  INNER_DVCLOSE 1.0e-13
  INNER_RCLOSE 1.0e-10
  LINEAR_ACCELERATION {"bicgstab" if water_table else "cg"}
END linear
""")


# terrafate: layer k = 0 is the bottom one; surfaces and K in layers.h5 ([ny, nx], row j = y).
with h5py.File(here / "layers.h5", "w") as f:
    f["top"] = top
    f["bottom_1"] = bottom1
    f["bottom_2"] = bottom2
    f["bottom_3"] = bottom3
    conductivity = np.zeros((3, NROW, NCOL, 3))
    for k, (kh, kv) in enumerate(reversed(K)):
        conductivity[k, :, :] = (kh, kh, kv)
    f["K"] = conductivity
well_x, well_y = x[WELL[1]], y[WELL[0]]
screen = (bottom3[WELL] + 1.0, bottom2[WELL] - 1.0)  # inside the bottom layer only
west = ", ".join(f"[0, {r}, {k}]" for k in range(3) for r in range(NROW))
east = ", ".join(f"[{NCOL - 1}, {r}, {k}]" for k in range(3) for r in range(NROW))


def terrafate_deck(water_table):
    """The terrafate deck: confined, or with `water_table` every cell convertible with the
    upstream saturation of MODFLOW 6 Newton on horizontal faces."""
    flow_options = ("\n  water_table: true"
                    "\n  saturation_weighting: upstream     # as MODFLOW 6 Newton"
                    if water_table else "")
    kind = "every layer convertible (water table)" if water_table else "confined"
    return f"""# Written by make_inputs.py (tests/reference/mf6_layer_surfaces): the MODFLOW 6
# comparison of variable layer surfaces with a pinched aquitard, {kind}.
title: Variable layer surfaces with a pinched aquitard against MODFLOW 6, {kind}
grid:
  size: [{NCOL * DX}, {NROW * DX}]
  cells: [{NCOL}, {NROW}, 3]
  top: {{hdf5: layers.h5, dataset: /top}}
  bottoms: [{{hdf5: layers.h5, dataset: /bottom_1}}, {{hdf5: layers.h5, dataset: /bottom_2}},
            {{hdf5: layers.h5, dataset: /bottom_3}}]
materials:
  - {{name: layers, region: all, hydraulic_conductivity: {{hdf5: layers.h5, dataset: /K}},
     porosity: 0.3}}
flow:
  type: steady{flow_options}
  boundaries:
    - {{name: west, type: head, head: {WEST}, cells: [{west}]}}
    - {{name: east, type: head, head: {EAST}, cells: [{east}]}}
  wells:
    - {{name: PW, position: [{well_x}, {well_y}], screen: [{screen[0]:.17g}, {screen[1]:.17g}],
       rate: {RATE}}}
time: {{end: 1}}
output: {{hdf5: true, vtk: false}}
"""


for name, water_table in (("confined", False), ("water_table", True)):
    write_mf6(here / f"mf6_{name}", water_table)
    (here / f"terrafate_{name}.yaml").write_text(terrafate_deck(water_table))
print(f"pinched aquitard cells: {int(pinched.sum())}; "
      f"well screen {screen[0]:.3f}-{screen[1]:.3f} m; layer thickness ranges: "
      + ", ".join(f"{t.min():.2f}-{t.max():.2f}" for t in (top - bottom1, thickness2,
                                                         bottom2 - bottom3)))


def collect(case, run_folder):
    """Copies MF6's outputs of `case`, run in `run_folder`, into results/: the heads of every
    cell from the binary head file surfaces.hds (layer, row, column 1-based; vertical
    pass-through cells, HNOFLO 1e30, left out) and the budget CSV."""
    data = (run_folder / "surfaces.hds").read_bytes()
    rows, position = [], 0
    while position < len(data):  # per layer: kstp, kper, pertim, totim, text, ncol, nrow, ilay
        ncol, nrow, layer = np.frombuffer(data[position + 40:position + 52], "<i4")
        position += 52
        values = np.frombuffer(data[position:position + 8 * ncol * nrow], "<f8")
        position += 8 * ncol * nrow
        rows += [f"{layer},{n // ncol + 1},{n % ncol + 1},{v!r}"
                 for n, v in enumerate(values) if v < 1e29]
    results = here / "results"
    results.mkdir(exist_ok=True)
    (results / f"{case}.heads.csv").write_text("layer,row,column,head\n" + "\n".join(rows) + "\n")
    (results / f"{case}.budget.csv").write_bytes((run_folder / "surfaces.budget.csv").read_bytes())


if len(sys.argv) == 3:  # make_inputs.py CASE RUN_FOLDER: keep MF6's results of that run
    collect(sys.argv[1], Path(sys.argv[2]))
