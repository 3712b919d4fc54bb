"""The VTK series of a rotated, EPSG-referenced grid lands on the map (issue 24).

Usage: check_georeference_vtk.py TERRAFATE OUT MPIEXEC RANKS
       (Debian's /usr/bin/python3 with python3-vtk9 and numpy)

Two decks describe one site model on a 20 x 10 x 2 grid of 10 m x 10 m x 5 m cells whose lowest
corner is the projected point O = (500000, 4000000) [m]: the reference deck has no rotation (site
and grid frame coincide), the rotated deck turns the grid by 30 degrees counter-clockwise about O
on EPSG:32633, with the well and the mass-rate source written at their positions mapped by hand,
S = O + R(30 deg) (P - O). Both run at RANKS MPI ranks (steady flow between two fixed-head faces,
a pumping well, 20 days of transport of a released species).

Checked in vtk/:
- the reference run (origin, no rotation) stays rectilinear (fields.pvtr) and its x, y node
  coordinates already are site coordinates: they start at O;
- the rotated run writes structured grids (fields.pvts, one .vts piece per rank) whose node
  coordinates are the site coordinates: the four corners and one inside node against numbers
  worked out by hand (bc -l, cos 30 = sqrt(3)/2, sin 30 = 1/2) to 1e-6 m, and every node against
  the mapping of the reference run's nodes;
- its cell fields (head, darcy_flux, velocity, PCE) equal the reference run's to round-off
  (1e-9 m for heads, 1e-9 relative to the field's largest magnitude otherwise; positions mapped
  by hand carry about 1e-16 x 4e6 m = 4e-10 m of round-off and lie away from cell faces), and
  darcy_flux_site / velocity_site are the reference vectors turned by 30 degrees;
- the field data carries crs, origin and rotation_degree.
"""
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOXML import vtkXMLPRectilinearGridReader, vtkXMLPStructuredGridReader

from site_frame import rotate

ORIGIN = (500000.0, 4000000.0)
ANGLE = 30.0
CRS = "EPSG:32633"
CELLS = (20, 10, 2)  # x, y, z
# Site x, y, z of nodes (i, j, k) of the rotated grid, by hand: x = 500000 + dx sqrt(3)/2 - dy/2,
# y = 4000000 + dx/2 + dy sqrt(3)/2, (dx, dy) = (10 i, 10 j) [m]; z = 5 k.
HAND_NODES = {
    (0, 0, 0): (500000.0, 4000000.0, 0.0),
    (20, 0, 0): (500173.2050807568877, 4000100.0, 0.0),  # (200, 0)
    (0, 10, 2): (499950.0, 4000086.6025403784439, 10.0),  # (0, 100)
    (20, 10, 2): (500123.2050807568877, 4000186.6025403784439, 10.0),  # (200, 100)
    (7, 3, 1): (500045.6217782649107, 4000060.9807621135332, 5.0),  # (70, 30)
}


def deck(angle):
    """The deck; local positions (metres from O along the grid axes) mapped to site."""
    def xy(lx, ly):
        return "[{:.17g}, {:.17g}]".format(*rotate(ORIGIN, ORIGIN[0] + lx, ORIGIN[1] + ly, angle))

    def xyz(lx, ly, z):
        x, y = rotate(ORIGIN, ORIGIN[0] + lx, ORIGIN[1] + ly, angle)
        return "[{:.17g}, {:.17g}, {}]".format(x, y, z)

    georeference = f"  crs: {CRS}\n  rotation: {angle}\n" if angle else ""
    return f"""title: VTK georeference {angle}
grid:
  origin: [{ORIGIN[0]}, {ORIGIN[1]}, 0]
{georeference}  size: [200, 100, 10]
  cells: [{CELLS[0]}, {CELLS[1]}, {CELLS[2]}]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: [15, 5, 1.5], porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 12}}
    - {{face: xmax, type: head, head: 10}}
  wells:
    - {{name: PW1, position: {xy(123.7, 62.3)}, screen: [1, 9], rate: -40}}
transport:
  species:
    - {{name: PCE}}
  sources:
    - {{name: spill, species: PCE, type: mass_rate, position: {xyz(43.3, 38.6, 7.3)}, rate: 20}}
time: {{end: 20, max_step: 5, output_times: [10, 20]}}
output: {{hdf5: false, vtk: true}}
"""


def run(terrafate, mpiexec, ranks, path, out):
    command = [mpiexec, "--oversubscribe", "-n", str(ranks), terrafate, "run", str(path), "-o",
               str(out), "--overwrite", "--no-figures"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=500)
    if result.returncode != 0:
        print(" ".join(command), result.stdout, result.stderr)
        raise SystemExit(1)


def steps(out, summary):
    """The summary files fields.pvd lists; every one must be named `summary`."""
    files = [d.get("file") for d in ET.parse(out / "vtk" / "fields.pvd").getroot().iter("DataSet")]
    wrong = [f for f in files if not f.endswith("/" + summary)]
    if not files or wrong:
        raise SystemExit(f"FAIL: {out}/vtk/fields.pvd lists {files}, expected */{summary}")
    return [out / "vtk" / f for f in files]


def read(reader_type, path):
    reader = reader_type()
    reader.SetFileName(str(path))
    reader.Update()
    return reader.GetOutput()


def cell_arrays(grid):
    data = grid.GetCellData()
    return {data.GetArrayName(n): vtk_to_numpy(data.GetArray(n))
            for n in range(data.GetNumberOfArrays())}


def main():
    terrafate, out, mpiexec, ranks = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    out.mkdir(parents=True, exist_ok=True)
    runs = {}
    for angle in (0.0, ANGLE):
        path = out / f"vtk_georeference_{angle:g}_np{ranks}.yaml"
        path.write_text(deck(angle))
        runs[angle] = out / f"run_{angle:g}_np{ranks}"
        run(terrafate, mpiexec, ranks, path, runs[angle])
    failures = []
    reference_steps, rotated_steps = steps(runs[0.0], "fields.pvtr"), steps(runs[ANGLE],
                                                                            "fields.pvts")
    if len(reference_steps) != len(rotated_steps):
        failures.append(f"{len(reference_steps)} reference steps, {len(rotated_steps)} rotated")
    dims = tuple(n + 1 for n in CELLS)
    largest = {"head": 0.0}
    worst = {}
    for reference_path, rotated_path in zip(reference_steps, rotated_steps):
        pieces = ET.parse(rotated_path).getroot().findall("./PStructuredGrid/Piece")
        if len(pieces) != ranks:
            failures.append(f"{rotated_path} lists {len(pieces)} pieces, expected {ranks}")
        reference = read(vtkXMLPRectilinearGridReader, reference_path)
        rotated = read(vtkXMLPStructuredGridReader, rotated_path)
        x, y, z = (vtk_to_numpy(a) for a in (reference.GetXCoordinates(),
                                              reference.GetYCoordinates(),
                                              reference.GetZCoordinates()))
        if (x[0], y[0]) != ORIGIN:
            failures.append(f"{reference_path}: first node ({x[0]}, {y[0]}), expected {ORIGIN}")
        if rotated.GetDimensions() != dims:
            failures.append(f"{rotated_path}: dimensions {rotated.GetDimensions()}")
            continue
        points = vtk_to_numpy(rotated.GetPoints().GetData()).reshape(dims[2], dims[1], dims[0], 3)
        for (i, j, k), expected in HAND_NODES.items():
            error = float(np.max(np.abs(points[k, j, i] - np.array(expected))))
            worst["hand node"] = max(worst.get("hand node", 0.0), error)
            if not error <= 1e-6:
                failures.append(f"{rotated_path}: node {(i, j, k)} at {points[k, j, i]}, "
                                f"by hand {expected}")
        zz, yy, xx = np.meshgrid(z, y, x, indexing="ij")
        mapped_x, mapped_y = rotate(ORIGIN, xx, yy, ANGLE)
        mapping_error = float(max(np.max(np.abs(points[..., 0] - mapped_x)),
                                  np.max(np.abs(points[..., 1] - mapped_y)),
                                  np.max(np.abs(points[..., 2] - zz))))
        worst["node mapping"] = max(worst.get("node mapping", 0.0), mapping_error)
        if not mapping_error <= 1e-6:
            failures.append(f"{rotated_path}: nodes off the mapped reference by {mapping_error}")

        expected_fields, got = cell_arrays(reference), cell_arrays(rotated)
        for name, value in expected_fields.items():
            if name not in got or got[name].shape != value.shape:
                failures.append(f"{rotated_path}: cell field {name} missing or reshaped")
                continue
            difference = float(np.max(np.abs(got[name] - value)))
            scale = 1.0 if name == "head" else max(float(np.max(np.abs(value))), 1e-30)
            largest[name] = max(largest.get(name, 0.0), float(np.max(np.abs(value))))
            worst[name] = max(worst.get(name, 0.0), difference / scale)
            if not difference <= 1e-9 * scale:
                failures.append(f"{rotated_path}: {name} differs by {difference:.3e}")
            if value.ndim == 2 and value.shape[1] == 3:
                c, s = math.cos(math.radians(ANGLE)), math.sin(math.radians(ANGLE))
                turned = np.stack([c * value[:, 0] - s * value[:, 1],
                                   s * value[:, 0] + c * value[:, 1], value[:, 2]], axis=1)
                site = got.get(name + "_site")
                site_error = math.inf if site is None else float(np.max(np.abs(site - turned)))
                worst[name + "_site"] = max(worst.get(name + "_site", 0.0), site_error / scale)
                if not site_error <= 1e-9 * scale:
                    failures.append(f"{rotated_path}: {name}_site is not {name} in site axes")
        data = rotated.GetFieldData()
        crs, origin = data.GetAbstractArray("crs"), data.GetArray("origin")
        rotation = data.GetArray("rotation_degree")
        if crs is None or crs.GetValue(0) != CRS or origin is None or \
                tuple(vtk_to_numpy(origin)) != ORIGIN or rotation is None or \
                rotation.GetValue(0) != ANGLE:
            failures.append(f"{rotated_path}: field data lacks crs, origin or rotation_degree")
    if not (largest.get("PCE", 0.0) > 1e-3 and largest.get("velocity", 0.0) > 1e-3):
        failures.append(f"the case does not exercise the plume or the flow: largest {largest}")
    print(f"{ranks} rank(s), {len(rotated_steps)} steps; largest |value| "
          + ", ".join(f"{k} {v:.4g}" for k, v in sorted(largest.items())))
    print("worst difference (m for nodes and head, relative otherwise): "
          + ", ".join(f"{k} {v:.3e}" for k, v in sorted(worst.items())))
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
