"""Reads back what test_io --output-dir=DIR wrote, with VTK's own readers and with h5py (the
rotated grid's nodes against site coordinates worked out by hand).

Usage: check_io_output.py DIR RANKS   (run with Debian's /usr/bin/python3: python3-vtk9, h5py)

The known fields are those of test_io_writers.cpp (cell i, j, k; output number step):
  head     = 1000 k + 100 j + i + 0.5 + 10000 step
  velocity = -(1000 k + 100 j + i) - 0.25 (c + 1) - 10000 step, component c = 0, 1, 2
"""
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOXML import vtkXMLPRectilinearGridReader, vtkXMLPStructuredGridReader

NODES = [
    np.array([0.0, 1.0, 3.0, 6.0, 10.0, 15.0]),
    np.array([-2.0, -1.5, 0.0, 2.5, 4.0]),
    np.array([100.0, 100.25, 101.0, 103.0]),
]
CELLS = (5, 4, 3)  # x, y, z
TIMES = [0.5, 1.25]  # d


def expected_fields(step):
    """head [nz, ny, nx] and velocity [nz, ny, nx, 3] at output `step`."""
    k, j, i = np.meshgrid(
        np.arange(CELLS[2]), np.arange(CELLS[1]), np.arange(CELLS[0]), indexing="ij"
    )
    base = 1000.0 * k + 100.0 * j + i
    head = base + 0.5 + 10000.0 * step
    velocity = np.stack(
        [-base - 0.25 * (c + 1) - 10000.0 * step for c in range(3)], axis=-1
    )
    return head, velocity


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def check_vtk(folder, ranks):
    collection = ElementTree.parse(folder / "fields.pvd").getroot()
    datasets = collection.findall("./Collection/DataSet")
    check(
        [(float(d.get("timestep")), d.get("file")) for d in datasets]
        == [(t, f"step_{n:06d}/fields.pvtr") for n, t in enumerate(TIMES)],
        f"fields.pvd lists {[d.attrib for d in datasets]}",
    )
    for step, dataset in enumerate(datasets):
        summary = folder / dataset.get("file")
        pieces = ElementTree.parse(summary).getroot().findall("./PRectilinearGrid/Piece")
        check(
            sorted(p.get("Source") for p in pieces)
            == sorted(f"fields_{r}.vtr" for r in range(ranks)),
            f"{summary} lists pieces {[p.get('Source') for p in pieces]}",
        )

        reader = vtkXMLPRectilinearGridReader()
        reader.SetFileName(str(summary))
        reader.Update()
        grid = reader.GetOutput()
        check(grid.GetDimensions() == tuple(n + 1 for n in CELLS), f"{summary}: dimensions")
        for axis, coordinates in enumerate(
            [grid.GetXCoordinates(), grid.GetYCoordinates(), grid.GetZCoordinates()]
        ):
            check(
                np.array_equal(vtk_to_numpy(coordinates), NODES[axis]),
                f"{summary}: axis {axis} coordinates {vtk_to_numpy(coordinates)}",
            )
        head, velocity = expected_fields(step)
        cell_data = grid.GetCellData()
        check(
            np.array_equal(vtk_to_numpy(cell_data.GetArray("head")), head.ravel()),
            f"{summary}: head values",
        )
        check(
            np.array_equal(
                vtk_to_numpy(cell_data.GetArray("velocity")), velocity.reshape(-1, 3)
            ),
            f"{summary}: velocity values",
        )
        time_value = vtk_to_numpy(grid.GetFieldData().GetArray("TimeValue"))
        check(list(time_value) == [TIMES[step]], f"{summary}: TimeValue {time_value}")


# The rotated grid of test_io_writers.cpp: NODES + (500000, 4000000) turned by 30 degrees about
# that origin on EPSG:32633. Site x, y of a few nodes (i, j, k) worked out by hand with
# cos 30 = sqrt(3)/2, sin 30 = 1/2 (bc -l, 16 digits): x = 500000 + dx sqrt(3)/2 - dy / 2,
# y = 4000000 + dx / 2 + dy sqrt(3)/2 with (dx, dy) the node's offset from the origin.
ROTATED_NODES = {
    (0, 2, 0): (500000.0, 4000000.0, 100.0),  # the origin itself: (dx, dy) = (0, 0)
    (5, 0, 0): (500013.9903810567666, 4000005.7679491924311, 100.0),  # (15, -2)
    (5, 4, 3): (500010.9903810567666, 4000010.9641016151378, 103.0),  # (15, 4)
    (0, 4, 1): (499998.0, 4000003.4641016151378, 100.25),  # (0, 4)
    (2, 0, 2): (500003.5980762113533, 3999999.7679491924311, 101.0),  # (3, -2)
}


def check_rotated_vtk(folder, ranks):
    """The rotated grid's step: structured pieces whose nodes lie at the site coordinates, the
    cell fields unchanged, velocity_site in site axes, the georeference as field data."""
    summary = folder / "step_000000" / "fields.pvts"
    pieces = ElementTree.parse(summary).getroot().findall("./PStructuredGrid/Piece")
    sources = sorted(p.get("Source") for p in pieces)
    check(sources == sorted(f"fields_{r}.vts" for r in range(ranks)),
          f"{summary} lists pieces {sources}")
    reader = vtkXMLPStructuredGridReader()
    reader.SetFileName(str(summary))
    reader.Update()
    grid = reader.GetOutput()
    dims = tuple(n + 1 for n in CELLS)
    check(grid.GetDimensions() == dims, f"{summary}: dimensions {grid.GetDimensions()}")
    points = vtk_to_numpy(grid.GetPoints().GetData()).reshape(dims[2], dims[1], dims[0], 3)
    for (i, j, k), expected in ROTATED_NODES.items():
        error = np.max(np.abs(points[k, j, i] - np.array(expected)))
        check(error <= 1e-6,
              f"{summary}: node {(i, j, k)} at {points[k, j, i]}, by hand {expected}")
    head, velocity = expected_fields(0)
    cell_data = grid.GetCellData()
    check(np.array_equal(vtk_to_numpy(cell_data.GetArray("head")), head.ravel()),
          f"{summary}: head values")
    check(np.array_equal(vtk_to_numpy(cell_data.GetArray("velocity")), velocity.reshape(-1, 3)),
          f"{summary}: velocity values")
    c, s = np.sqrt(3.0) / 2.0, 0.5
    v = velocity.reshape(-1, 3)
    turned = np.stack([c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1], v[:, 2]], axis=1)
    site = vtk_to_numpy(cell_data.GetArray("velocity_site"))
    check(np.max(np.abs(site - turned)) <= 1e-12 * np.max(np.abs(v)),
          f"{summary}: velocity_site is not the velocity in site axes")
    data = grid.GetFieldData()
    check(data.GetAbstractArray("crs").GetValue(0) == "EPSG:32633", f"{summary}: crs")
    check(tuple(vtk_to_numpy(data.GetArray("origin"))) == (500000.0, 4000000.0), "origin")
    check(data.GetArray("rotation_degree").GetValue(0) == 30.0, f"{summary}: rotation")


def check_hdf5_and_xdmf(folder, ranks):
    import h5py

    with h5py.File(folder / "results.h5", "r") as h5:
        provenance = dict(h5["provenance"].attrs)
        check(provenance["program"] == "terrafate", f"provenance {provenance}")
        check(provenance["ranks"] == str(ranks), f"provenance {provenance}")
        for axis, name in enumerate("xyz"):
            nodes = h5[f"grid/{name}_nodes"]
            check(np.array_equal(nodes[()], NODES[axis]), f"{name}_nodes")
            check(nodes.attrs["unit"] == "m", f"{name}_nodes unit {nodes.attrs['unit']!r}")
            centers = 0.5 * (NODES[axis][1:] + NODES[axis][:-1])
            check(np.array_equal(h5[f"grid/{name}_centers"][()], centers), f"{name}_centers")
        check(sorted(h5["outputs"]) == ["000000", "000001"], f"outputs {list(h5['outputs'])}")
        for step, time in enumerate(TIMES):
            group = h5[f"outputs/{step:06d}"]
            check(group.attrs["time"] == time, f"{group.name} time")
            check(group.attrs["time_unit"] == "d", f"{group.name} time_unit")
            head, velocity = expected_fields(step)
            check(np.array_equal(group["head"][()], head), f"{group.name}/head")
            check(np.array_equal(group["velocity"][()], velocity), f"{group.name}/velocity")
            check(group["head"].attrs["unit"] == "m", f"{group.name}/head unit")
            check(group["head"].attrs["description"] == "hydraulic head", "head description")
            check(group["velocity"].attrs["unit"] == "m/d", f"{group.name}/velocity unit")

        xdmf = ElementTree.parse(folder / "results.xmf").getroot()
        collection = xdmf.find("./Domain/Grid")
        check(collection.get("CollectionType") == "Temporal", "XDMF collection type")
        grids = collection.findall("./Grid")
        check(len(grids) == len(TIMES), f"XDMF has {len(grids)} grids")
        for step, grid in enumerate(grids):
            check(float(grid.find("Time").get("Value")) == TIMES[step], f"XDMF time {step}")
            check(
                grid.find("Topology").get("Dimensions")
                == " ".join(str(n + 1) for n in reversed(CELLS)),
                "XDMF topology dimensions",
            )
            items = grid.findall(".//DataItem")
            check(len(items) == 5, f"XDMF grid {step} has {len(items)} data items")
            for item in items:
                file_name, path = item.text.strip().split(":")
                check(file_name == "results.h5", f"XDMF points to {file_name}")
                shape = tuple(int(n) for n in item.get("Dimensions").split())
                check(h5[path].shape == shape, f"XDMF {path} dimensions {shape}")


def main():
    output, ranks = Path(sys.argv[1]), int(sys.argv[2])
    check_vtk(output / "vtk_parent" / "vtk", ranks)
    check_rotated_vtk(output / "vtk_rotated", ranks)
    try:
        import h5py  # noqa: F401
    except ImportError:
        print("h5py not available: HDF5 and XDMF read-back skipped")
    else:
        check_hdf5_and_xdmf(output / "results", ranks)
    print(f"read back the output of {ranks} rank(s) from {output}")


if __name__ == "__main__":
    main()
