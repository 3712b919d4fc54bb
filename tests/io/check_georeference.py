"""A rotated, EPSG-referenced grid gives the results of the unrotated one (issue 24).

Usage: check_georeference.py TERRAFATE OUT SHIPPED   (Debian's /usr/bin/python3 with h5py, vtk)
       check_georeference.py --write SHIPPED        (regenerates the shipped decks)

SHIPPED is the folder with the two decks as files (georeference_{reference,rotated}.yaml, so that
the deck reference sees grid.crs and grid.rotation); the test fails when they differ from the
decks written here.

Two decks describe the same site model: both have the grid's lowest corner at the projected
point O = (512000, 5405000) [m]. The reference deck has no rotation, so site and grid frame
coincide; the rotated deck turns the grid by 32 degrees (counter-clockwise) about O and names
EPSG:25832. Every position of the reference deck (wells, observation points, a mass-rate source,
polygons of the idomain and of a recharge zone, a general-head polyline, the box of a material
and of the initial plume, given as the rectangle's four corners) is written into the rotated deck
mapped by hand: S = O + R(32 deg) (P - O). The model works in the grid frame, so both runs must
solve the same discrete problem: heads and concentrations at every cell of every output and at the
observation points agree to round-off (tolerance 1e-9 m for heads, 1e-9 relative for
concentrations; the mapping round-off is about 1e-16 x 5.4e6 m = 5e-10 m in positions, chosen
away from cell faces and centres).

The outputs carry the georeference: results.h5 /grid attributes crs, origin_x, origin_y and
rotation_degree; the XDMF names the CRS and, for the rotated grid, uses a 3DSMesh whose node
coordinates (/grid/site_nodes, XYZ) are the site coordinates (checked at the four corners against
the hand mapping); the VTK pieces are structured grids on the site coordinates and carry crs,
origin and rotation_degree as field data (check_georeference_vtk.py checks their nodes and fields
in full). (ParaView
5.11's XDMF reader was checked by hand on this XYZ form: bounds x 511841.02-512339.22, y
5405000-5405466.38, the four rotated corners; it reads nothing from the X_Y_Z form. Its Python,
python3-paraview, cannot be installed next to python3-vtk9, so it is not part of the test.)
"""
import csv
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import h5py
import numpy as np

from site_frame import rotate

ORIGIN = (512000.0, 5405000.0)
ANGLE = 32.0
CRS = "EPSG:25832"


def deck(angle):
    """The deck text; local positions (metres from O along the grid axes) mapped to site."""
    def xy(lx, ly):
        x, y = rotate(ORIGIN, ORIGIN[0] + lx, ORIGIN[1] + ly, angle)
        return f"[{x:.17g}, {y:.17g}]"

    def xyz(lx, ly, z):
        x, y = rotate(ORIGIN, ORIGIN[0] + lx, ORIGIN[1] + ly, angle)
        return f"[{x:.17g}, {y:.17g}, {z}]"

    def poly(points):
        return "[" + ", ".join(xy(lx, ly) for lx, ly in points) + "]"

    def rectangle(x0, y0, x1, y1):
        return poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])

    # The reference deck writes the rectangles as boxes; the rotated one as site polygons.
    if angle == 0.0:
        silt = "{box: {min: [%.17g, %.17g, 0], max: [%.17g, %.17g, 6]}}" % (
            ORIGIN[0] + 120, ORIGIN[1] + 60, ORIGIN[0] + 200, ORIGIN[1] + 160)
        plume = "{box: {min: [%.17g, %.17g, 5], max: [%.17g, %.17g, 15]}}" % (
            ORIGIN[0] + 60, ORIGIN[1] + 130, ORIGIN[0] + 100, ORIGIN[1] + 170)
        georeference = ""
    else:
        silt = "{polygon: %s, z: [0, 6]}" % rectangle(120, 60, 200, 160)
        plume = "{polygon: %s, z: [5, 15]}" % rectangle(60, 130, 100, 170)
        georeference = f"  crs: {CRS}\n  rotation: {angle}\n"
    return f"""title: georeference {angle}
grid:
  origin: [{ORIGIN[0]}, {ORIGIN[1]}, 0]
{georeference}  size: [400, 300, 15]
  cells: [40, 30, 3]
  idomain: {{inactive: [{{polygon: {poly([(300, 0), (400, 0), (400, 80), (330, 40)])}}}]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: [12, 6, 1.2], porosity: 0.3, specific_storage: 2.0e-5}}
  - {{name: silt, region: {silt}, hydraulic_conductivity: 0.4, porosity: 0.4, specific_storage: 1.0e-4}}
flow:
  type: transient
  initial_head: steady
  boundaries:
    - {{face: xmin, type: head, head: 20}}
    - {{face: xmax, type: head, head: 18}}
    - {{type: general_head, name: ditch, polyline: {poly([(33.3, 281.7), (212.9, 236.1), (371.4, 277.7)])}, head: [19.6, 19.3, 18.7], conductance: 3}}
    - {{type: flux, name: recharge, polygon: {poly([(41.3, 38.7), (261.7, 21.9), (238.2, 141.3), (58.6, 122.4)])}, flux: "250 mm/yr"}}
  wells:
    - {{name: PW1, position: {xy(243.3, 127.6)}, screen: [1, 9], rate: -90, start: 20, end: 70}}
transport:
  species:
    - {{name: PCE, decay: {{half_life: "3 yr"}}}}
  initial:
    - {{species: PCE, region: {plume}, concentration: 5}}
  sources:
    - {{name: spill, species: PCE, type: mass_rate, position: {xyz(81.7, 148.2, 11.3)}, rate: 20, end: 60}}
time: {{end: 100, max_step: 10, initial_step: 1, step_multiplier: 1.5, output_times: [20, 60, 100]}}
observations:
  points:
    - {{name: MW1, position: {xyz(152.4, 148.9, 7.7)}}}
    - {{name: MW2, position: {xyz(251.6, 131.2, 3.3)}}}
    - {{name: MW3, position: {xyz(17.8, 212.6, 12.9)}}}
output: {{hdf5: true, vtk: true}}
"""


def run(terrafate, path, out):
    result = subprocess.run([terrafate, "run", str(path), "-o", str(out), "--overwrite",
                             "--no-figures"], capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout, result.stderr)
        raise SystemExit(1)


def observations(out):
    with open(out / "observations.csv") as f:
        return {(r["time"], r["location"], r["variable"]): float(r["value"])
                for r in csv.DictReader(f)}


def fields(out):
    with h5py.File(out / "results.h5", "r") as f:
        return {(g, name): f[f"/outputs/{g}/{name}"][()]
                for g in f["/outputs"] for name in ("head", "PCE")}


SHIPPED_NAMES = {0.0: "georeference_reference.yaml", ANGLE: "georeference_rotated.yaml"}
HEADER = "# Generated by tests/io/check_georeference.py --write (issue 24 georeference test).\n"


def main():
    if sys.argv[1] == "--write":
        for angle, name in SHIPPED_NAMES.items():
            (Path(sys.argv[2]) / name).write_text(HEADER + deck(angle))
        return 0
    terrafate, out, shipped = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    runs = {}
    for angle, name in SHIPPED_NAMES.items():
        if (shipped / name).read_text() != HEADER + deck(angle):
            failures.append(f"{shipped / name} differs from the generated deck: rerun "
                            "check_georeference.py --write tests/io")
        path = out / name
        path.write_text(deck(angle))
        run(terrafate, path, out / f"run_{angle:g}")
        runs[angle] = out / f"run_{angle:g}"

    reference, rotated = fields(runs[0.0]), fields(runs[ANGLE])
    if reference.keys() != rotated.keys() or not reference:
        failures.append(f"different outputs: {sorted(reference)} vs {sorted(rotated)}")
    head_difference = concentration_difference = 0.0
    for key, value in reference.items():
        other = rotated.get(key)
        if other is None or other.shape != value.shape:
            failures.append(f"{key}: missing or another shape in the rotated run")
            continue
        if not np.array_equal(np.isnan(value), np.isnan(other)):
            failures.append(f"{key}: inactive (NaN) cells differ")
        finite = np.isfinite(value)
        difference = float(np.max(np.abs(value[finite] - other[finite])))
        if key[1] == "head":
            head_difference = max(head_difference, difference)
        else:
            scale = max(float(np.max(np.abs(value[finite]))), 1e-30)
            concentration_difference = max(concentration_difference, difference / scale)
    heads = [v for k, v in sorted(reference.items()) if k[1] == "head"]
    inactive = int(np.isnan(heads[0]).sum()) if heads else 0
    points_ref, points_rot = observations(runs[0.0]), observations(runs[ANGLE])
    point_difference = max((abs(points_ref[k] - points_rot.get(k, math.inf)) for k in points_ref),
                           default=math.inf)
    if points_ref.keys() != points_rot.keys():
        failures.append("observations.csv rows differ")
    pce_max = max((float(np.nanmax(v)) for k, v in reference.items() if k[1] == "PCE"), default=0)
    print(f"cells compared: {len(reference)} fields x {reference[sorted(reference)[0]].size} cells,"
          f" {inactive} inactive; PCE max {pce_max:.4g} mg/L")
    print(f"max |head difference| {head_difference:.3e} m; max relative PCE difference "
          f"{concentration_difference:.3e}; max observation difference {point_difference:.3e}")
    if not head_difference <= 1e-9:
        failures.append(f"heads differ by {head_difference:.3e} m > 1e-9 m")
    if not concentration_difference <= 1e-9:
        failures.append(f"concentrations differ by {concentration_difference:.3e} > 1e-9 relative")
    if not point_difference <= 1e-9 * max(1.0, max(abs(v) for v in points_ref.values())):
        failures.append(f"observations differ by {point_difference:.3e}")
    if not (inactive > 0 and pce_max > 1e-3):
        failures.append("the case does not exercise the idomain polygon or the plume")

    # Georeference in results.h5 and the XDMF.
    nx, ny, nz = 40, 30, 3
    with h5py.File(runs[ANGLE] / "results.h5", "r") as f:
        attrs = f["/grid"].attrs
        got = (attrs.get("crs"), attrs.get("origin_x"), attrs.get("origin_y"),
               attrs.get("rotation_degree"))
        if isinstance(got[0], bytes):
            got = (got[0].decode(),) + got[1:]
        if got != (CRS, ORIGIN[0], ORIGIN[1], ANGLE):
            failures.append(f"/grid attributes {got}")
        site = f["/grid/site_nodes"][()]
    if site.shape != (nz + 1, ny + 1, nx + 1, 3):
        failures.append(f"/grid/site_nodes has shape {site.shape}")
    else:
        for i, j in ((0, 0), (nx, 0), (0, ny), (nx, ny)):
            expected = rotate(ORIGIN, ORIGIN[0] + 10.0 * i, ORIGIN[1] + 10.0 * j, ANGLE)
            got = (site[nz, j, i, 0], site[nz, j, i, 1])
            if max(abs(got[0] - expected[0]), abs(got[1] - expected[1])) > 1e-6:
                failures.append(f"site node ({i}, {j}) at {got}, expected {expected}")
        if abs(site[nz, 0, 0, 2] - 15.0) > 1e-12:
            failures.append(f"site z of the top node {site[nz, 0, 0, 2]}")
    with h5py.File(runs[0.0] / "results.h5", "r") as f:
        if "crs" in f["/grid"].attrs or "site_nodes" in f["/grid"]:
            failures.append("the unreferenced run carries a georeference")
    xdmf = ET.parse(runs[ANGLE] / "results.xmf").getroot()
    info = {e.get("Name"): e.get("Value") for e in xdmf.iter("Information")}
    topologies = {e.get("TopologyType") for e in xdmf.iter("Topology")}
    geometries = {e.get("GeometryType") for e in xdmf.iter("Geometry")}
    if info.get("crs") != CRS or topologies != {"3DSMesh"} or geometries != {"XYZ"}:
        failures.append(f"XDMF information {info}, topologies {topologies}, geometry {geometries}")

    # The VTK pieces carry the CRS, origin and rotation as field data.
    try:
        import vtk
        from vtk.util.numpy_support import vtk_to_numpy
    except ImportError:
        print("python vtk missing: the VTK field data check is skipped")
    else:
        pieces = sorted((runs[ANGLE] / "vtk").rglob("*.vts"))
        if not pieces:
            raise SystemExit("FAIL: the rotated run wrote no structured (.vts) VTK pieces")
        piece = pieces[0]
        reader = vtk.vtkXMLStructuredGridReader()
        reader.SetFileName(str(piece))
        reader.Update()
        points = vtk_to_numpy(reader.GetOutput().GetPoints().GetData()).reshape(
            nz + 1, ny + 1, nx + 1, 3)
        for i, j in ((nx, 0), (0, ny), (nx, ny)):  # a serial run: one piece, the whole grid
            expected = rotate(ORIGIN, ORIGIN[0] + 10.0 * i, ORIGIN[1] + 10.0 * j, ANGLE)
            got = points[nz, j, i]
            if max(abs(got[0] - expected[0]), abs(got[1] - expected[1])) > 1e-6:
                failures.append(f"VTK node ({i}, {j}) at {got}, expected {expected}")
        data = reader.GetOutput().GetFieldData()
        crs = data.GetAbstractArray("crs")
        origin = data.GetArray("origin")
        rotation = data.GetArray("rotation_degree")
        if crs is None or crs.GetValue(0) != CRS or origin is None or rotation is None or \
                tuple(vtk_to_numpy(origin)) != ORIGIN or rotation.GetValue(0) != ANGLE:
            failures.append(f"VTK field data of {piece.name} lacks the georeference")
        else:
            print(f"VTK {piece.parent.name}/{piece.name}: crs {crs.GetValue(0)}, origin "
                  f"{tuple(vtk_to_numpy(origin))}, rotation {rotation.GetValue(0)}")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
