#!/usr/bin/python3
"""terrafate.open_results against direct reads (ctest python_reader).

For every output folder WORKDIR/* made by make_outputs.py: every dataset of every results.h5
(fields, grid, /times and /static when present, an optimization's risk trajectories) is read
with h5py and compared, value for value and unit for unit, with what the reader returns; a
dataset the reader does not return fails the test. Every CSV table of every run folder is read
with the csv module and compared cell for cell with the reader's DataFrame. Then a file in the
layout issue 25 asks for (a /times dataset, /static fields, units as bytes) is written here with
h5py and read back.

Usage: test_reader.py PYTHON_DIR WORKDIR
"""
import csv
import math
import os
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, sys.argv[1])
import terrafate  # noqa: E402

failures = []
checked = {"datasets": 0, "tables": 0, "cells": 0}


def fail(message):
    failures.append(message)
    print("FAIL", message)


def unit_of(obj):
    value = obj.attrs.get("unit")
    return value.decode() if isinstance(value, bytes) else value


def same(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def check_field_file(results, folder, path):
    ds = results.fields(folder.strategy, folder.realization)
    with h5py.File(path, "r") as f:
        groups = sorted(f["outputs"]) if "outputs" in f else []

        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset):
                return
            checked["datasets"] += 1
            parts = name.split("/")
            if parts[0] == "grid":
                axis, kind = parts[1].split("_")
                got = ds[axis] if kind == "centers" else ds[f"{axis}_nodes"]
                ok = same(got.values, obj[...]) and got.attrs["units"] == unit_of(obj)
            elif parts[0] == "outputs":
                i = groups.index(parts[1])
                got = ds[parts[2]].isel(time=i)
                ok = (same(got.values, obj[...]) and got.attrs["units"] == unit_of(obj)
                      and float(ds.time[i]) == float(f["outputs"][parts[1]].attrs["time"]))
            elif parts[0] == "times":
                ok = same(ds.time.values, obj[...])
            elif parts[0] == "static":
                got = ds["_".join(parts[1:])]
                ok = same(got.values, obj[...]) and got.attrs["units"] == unit_of(obj)
            else:
                ok = False
            if not ok:
                fail(f"{path}:{name} differs from the reader's value (or is not read)")
        f.visititems(visit)
    # The stacked view agrees with the single-folder one.
    if folder.strategy is not None or folder.realization is not None:
        return
    stacked = results.all_fields()
    for name in ds.data_vars:
        if not same(stacked[name].values, ds[name].values):
            fail(f"{path}: all_fields()[{name}] differs from fields()")


def check_trajectories(results, path):
    rt = results.risk_trajectories()
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset):
                return
            checked["datasets"] += 1
            parts = name.split("/")
            if parts[0] != "strategies":
                fail(f"{path}:{name} is not read by risk_trajectories()")
                return
            selection = {"strategy": parts[1], "receptor": parts[-2]}
            if parts[2] == "realizations":
                selection["realization"] = int(parts[3])
            group = obj.parent
            got = rt.sel(selection).sel(time=group["time"][:])
            key = {"cancer_risk": "cancer_risk", "hazard_quotient": "hazard_index",
                   "time": "time"}[parts[-1]]
            value = got[key]
            ok = same(value.values, obj[...]) and value.attrs.get("units") == unit_of(obj)
            if not ok:
                fail(f"{path}:{name} differs from risk_trajectories()[{key}]")
        f.visititems(visit)
    # Every strategy the optimization evaluated has trajectories.
    if sorted(rt.strategy.values.tolist()) != sorted(results.strategies):
        fail(f"{path}: strategies {rt.strategy.values.tolist()} vs {results.strategies}")


def cell_equal(text, value):
    if text in ("nan", "NaN", "-nan", "") and (value is None or (isinstance(value, float)
                                                                 and math.isnan(value))):
        return True
    try:
        return float(text) == float(value)
    except (TypeError, ValueError):
        return str(value) == text


def check_table(results, folder, name):
    path = os.path.join(folder.path if folder else results.path, name + ".csv")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    frame = (results.table(name, folder.strategy, folder.realization) if folder and (
        folder.strategy or folder.realization is not None) else results.table(name))
    checked["tables"] += 1
    if list(frame.columns) != rows[0] or len(frame) != len(rows) - 1:
        fail(f"{path}: columns or row count differ")
        return
    for i, row in enumerate(rows[1:]):
        for j, text in enumerate(row):
            checked["cells"] += 1
            if not cell_equal(text, frame.iat[i, j]):
                fail(f"{path}: row {i + 1} column {rows[0][j]}: {text!r} vs {frame.iat[i, j]!r}")
                return


def check_folder(path):
    results = terrafate.open_results(path)
    print(results)
    for name in results.table_names():
        check_table(results, None, name)
    for folder in results.folders:
        if folder.path == results.path:
            continue
        for name in sorted(n[:-4] for n in os.listdir(folder.path) if n.endswith(".csv")):
            check_table(results, folder, name)
    for folder, h5 in results.h5_files():
        check_field_file(results, folder, h5)
    top = os.path.join(path, "results.h5")
    if results.kind == "optimize" and os.path.exists(top):
        check_trajectories(results, top)
    return results


def check_issue_layout():
    """A results.h5 in issue 25's layout: /times, /static, units as fixed-length bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        with h5py.File(os.path.join(tmp, "results.h5"), "w") as f:
            for axis, n in zip("xyz", (4, 3, 2)):
                nodes = f.create_dataset(f"grid/{axis}_nodes", data=np.arange(n + 1) * 2.0)
                centres = f.create_dataset(f"grid/{axis}_centers", data=np.arange(n) * 2.0 + 1)
                nodes.attrs["unit"] = np.bytes_("m")
                centres.attrs["unit"] = np.bytes_("m")
            times = f.create_dataset("times", data=[0.0, 365.25])
            times.attrs["unit"] = np.bytes_("d")
            for i, t in enumerate([0.0, 365.25]):
                g = f.create_group(f"outputs/{i:06d}")
                g.attrs["time"] = t
                c = g.create_dataset("PCE", data=np.full((2, 3, 4), float(i)))
                c.attrs["unit"] = np.bytes_("mg/L")
            k = f.create_dataset("static/hydraulic_conductivity", data=np.ones((2, 3, 4, 3)))
            k.attrs["unit"] = "m/d"
            m = f.create_dataset("static/material_id", data=np.zeros((2, 3, 4)))
            m.attrs["unit"] = np.bytes_("1")
        ds = terrafate.read_fields(os.path.join(tmp, "results.h5"))
        expect = {"PCE units": (ds.PCE.attrs["units"], "mg/L"),
                  "K units": (ds.hydraulic_conductivity.attrs["units"], "m/d"),
                  "K dims": (ds.hydraulic_conductivity.dims, ("z", "y", "x", "component")),
                  "material dims": (ds.material_id.dims, ("z", "y", "x")),
                  "years": (float(ds.years[1]), 1.0),
                  "PCE at year 1": (float(ds.PCE.isel(time=1).max()), 1.0),
                  "x units": (ds.x.attrs["units"], "m")}
        for what, (got, want) in expect.items():
            if got != want:
                fail(f"issue-25 layout: {what}: {got!r}, expected {want!r}")


def check_utf8_units(work):
    """Every string attribute of every results.h5 terrafate wrote is a UTF-8 string (issue 25:
    units as UTF-8 strings everywhere; the risk trajectories wrote fixed-length ASCII bytes)."""
    count = 0
    for root, _, files in os.walk(work):
        for name in files:
            if name != "results.h5":
                continue
            path = os.path.join(root, name)
            with h5py.File(path, "r") as f:
                objects = [f]
                f.visititems(lambda _, obj: objects.append(obj))
                for obj in objects:
                    for attr in obj.attrs:
                        kind = obj.attrs.get_id(attr).get_type()
                        if kind.get_class() != h5py.h5t.STRING:
                            continue
                        count += 1
                        if kind.get_cset() != h5py.h5t.CSET_UTF8:
                            fail(f"{path}:{obj.name} attribute {attr} is not a UTF-8 string")
    print(f"{count} string attributes checked for UTF-8")
    if count == 0:
        fail("no string attribute found in the fixture's results.h5 files")


def main():
    work = sys.argv[2]
    check_utf8_units(work)
    folders = ["demo_run", "demo_opt", "ensemble_opt", "ensemble_run", "design_opt"]
    kinds = {}
    for name in folders:
        kinds[name] = check_folder(os.path.join(work, name)).kind
    expected = {"demo_run": "run", "demo_opt": "optimize", "ensemble_opt": "optimize",
                "ensemble_run": "ensemble", "design_opt": "optimize"}
    if kinds != expected:
        fail(f"kinds {kinds}, expected {expected}")
    # The ensemble folders: realizations found as the outputs hold them.
    ens = terrafate.open_results(os.path.join(work, "ensemble_run"))
    if ens.realizations != list(range(12)):
        fail(f"ensemble_run realizations {ens.realizations}")
    if ens.all_fields().sizes.get("realization") != 12:
        fail("ensemble_run: all_fields() has no 12-member realization dimension")
    opt = terrafate.open_results(os.path.join(work, "ensemble_opt"))
    fields = opt.all_fields(["B"])
    if fields.sizes.get("strategy") != 2 or fields.sizes.get("realization") != 6:
        fail(f"ensemble_opt: all_fields() sizes {dict(fields.sizes)}")
    check_issue_layout()
    print(f"checked {checked['datasets']} datasets, {checked['tables']} tables "
          f"({checked['cells']} cells)")
    if failures:
        sys.exit(f"{len(failures)} failures")


if __name__ == "__main__":
    main()
