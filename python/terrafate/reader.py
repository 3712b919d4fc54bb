"""Reads a terrafate output folder (`run`, ensemble `run` or `optimize`).

`open_results(OUT)` returns a `Results` object: fields from every results.h5 as xarray Datasets
with coordinates (x, y, z, time and, where present, realization and strategy) and units, the CSV
tables as pandas DataFrames, the JSON files as dicts and the deck the run read (from the copy in
provenance.json) as a dict.

results.h5 layouts read:
- fields: `/outputs/NNNNNN/<name>` with [nz, ny, nx] or [nz, ny, nx, 3] and a `time` attribute
  in days (`time_unit`), grid `/grid/{x,y,z}_{centers,nodes}`; a `/times` dataset [d] when the
  writer has one (else the group attributes);
- static fields (K, porosity, material id, each realization's K): `/static/<name>` [nz, ny, nx]
  or [nz, ny, nx, 3] when the writer has them;
- optimize risk trajectories: `/strategies/<name>/[realizations/NNNN/]<receptor>/{time,
  cancer_risk, hazard_quotient}`.
Units are read as str whether the file stores them as UTF-8 strings or bytes.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import h5py
import numpy as np
import pandas as pd
import xarray as xr

try:
    import yaml
except ImportError:  # the deck copy is then returned as text only
    yaml = None

# The one year of terrafate, in days: the Julian year (IUPAC's annum `a`), the same number as
# core/units.hpp kDaysPerYear, which the deck's "yr" and "a" mean; so "15 yr" reads 15.0. Every
# years axis, years text and conversion of the package divides by this constant.
DAYS_PER_YEAR = 365.25
_REALIZATION = re.compile(r"^\d{4}$")


def decode(value) -> str:
    """An HDF5 string attribute as str (UTF-8 strings come back as str, fixed-length as bytes)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return decode(value[()])
    return str(value)


def _attrs(obj) -> Dict[str, object]:
    out = {}
    for key, value in obj.attrs.items():
        if isinstance(value, (bytes, str)):
            out[key] = decode(value)
        elif isinstance(value, np.ndarray) and value.shape == ():
            out[key] = value[()]
        else:
            out[key] = value
    return out


@dataclass
class RunFolder:
    """One simulation's output folder: the run itself, a realization or a strategy."""

    path: str
    strategy: Optional[str] = None
    realization: Optional[int] = None


def _read_csv(path: str) -> pd.DataFrame:
    return pd.read_csv(path, na_values=["nan", "NaN", "-nan"], keep_default_na=True,
                       float_precision="round_trip")


def read_fields(path: str, names: Optional[List[str]] = None) -> xr.Dataset:
    """The fields of one results.h5 as an xarray Dataset.

    Dimensions: time [d], z, y, x [m] (cell centres) and `component` (x, y, z) for vectors; the
    node coordinates are the coordinates `x_nodes`, `y_nodes`, `z_nodes` (dimensions
    `x_node`...). Each variable has attributes `units` and `description`; static fields (no time
    dimension) are included when the file has a `/static` group. `time` has a `years` coordinate
    (time / DAYS_PER_YEAR).
    """
    with h5py.File(path, "r") as f:
        coords = {}
        for axis in "xyz":
            centres = f[f"grid/{axis}_centers"]
            coords[axis] = xr.Variable(axis, centres[:], _units(centres, "m"))
            nodes = f[f"grid/{axis}_nodes"]
            coords[f"{axis}_nodes"] = xr.Variable(f"{axis}_node", nodes[:], _units(nodes, "m"))
        groups = sorted(f["outputs"].keys()) if "outputs" in f else []
        if "times" in f:
            times = np.asarray(f["times"][:], dtype=float)
            time_unit = _units(f["times"], "d")["units"]
        else:
            times = np.array([float(f["outputs"][g].attrs["time"]) for g in groups])
            time_unit = decode(f["outputs"][groups[0]].attrs.get("time_unit", "d")) if groups else "d"
        if len(times) != len(groups):
            raise ValueError(f"{path}: /times has {len(times)} entries, /outputs {len(groups)} groups")
        coords["time"] = xr.Variable("time", times, {"units": time_unit})
        coords["years"] = xr.Variable("time", _to_days(times, time_unit) / DAYS_PER_YEAR,
                                      {"units": "yr"})
        variables = {}
        field_names: List[str] = []
        for g in groups:
            for name in f["outputs"][g]:
                if name not in field_names:
                    field_names.append(name)
        if names is not None:
            field_names = [n for n in field_names if n in names]
        for name in field_names:
            first = next(f["outputs"][g][name] for g in groups if name in f["outputs"][g])
            shape = (len(groups),) + first.shape
            data = np.full(shape, np.nan)
            for i, g in enumerate(groups):
                if name in f["outputs"][g]:
                    data[i] = f["outputs"][g][name][...]
            dims = ("time", "z", "y", "x") + (("component",) if len(first.shape) == 4 else ())
            variables[name] = xr.Variable(dims, data, _attrs(first) | _units(first, ""))
        if "static" in f:
            def visit(rel, obj):
                if isinstance(obj, h5py.Dataset) and obj.ndim >= 3:
                    key = rel.replace("/", "_")
                    if names is None or key in names:
                        dims = ("z", "y", "x") + (("component",) if obj.ndim == 4 else ())
                        variables[key] = xr.Variable(dims, obj[...], _attrs(obj) | _units(obj, ""))
            f["static"].visititems(visit)
        ds = xr.Dataset(variables, coords=coords, attrs=_attrs(f["provenance"]) if "provenance" in f else {})
        if any(v.ndim and "component" in v.dims for v in variables.values()):
            ds = ds.assign_coords(component=["x", "y", "z"])
        ds.attrs["source"] = path
    return ds


def _units(obj, default: str) -> Dict[str, str]:
    return {"units": decode(obj.attrs["unit"]) if "unit" in obj.attrs else default}


def _to_days(values, unit: str):
    factor = {"d": 1.0, "day": 1.0, "days": 1.0, "s": 1.0 / 86400.0, "yr": DAYS_PER_YEAR,
              "a": DAYS_PER_YEAR}.get(unit, 1.0)
    return np.asarray(values, dtype=float) * factor


def read_risk_trajectories(path: str) -> xr.Dataset:
    """An optimization's results.h5 (per strategy, [realization,] receptor: time, cancer_risk,
    hazard_quotient) as a Dataset with dimensions strategy, [realization,] receptor, time;
    `hazard_index` is the file's `hazard_quotient` series (the total over species and pathways)."""
    records: List[Tuple[str, Optional[int], str, h5py.Group]] = []
    with h5py.File(path, "r") as f:
        if "strategies" not in f:
            return xr.Dataset()
        for strategy, group in f["strategies"].items():
            if "realizations" in group:
                for realization, rgroup in group["realizations"].items():
                    for receptor, g in rgroup.items():
                        records.append((strategy, int(realization), receptor, g))
            else:
                for receptor, g in group.items():
                    records.append((strategy, None, receptor, g))
        times = np.unique(np.concatenate([r[3]["time"][:] for r in records])) if records else []
        strategies = list(dict.fromkeys(r[0] for r in records))
        receptors = list(dict.fromkeys(r[2] for r in records))
        realizations = sorted({r[1] for r in records if r[1] is not None})
        shape = (len(strategies),) + ((len(realizations),) if realizations else ()) + (
            len(receptors), len(times))
        cr = np.full(shape, np.nan)
        hi = np.full(shape, np.nan)
        units = {}
        for strategy, realization, receptor, g in records:
            index = (strategies.index(strategy),)
            if realizations:
                index += (realizations.index(realization),)
            index += (receptors.index(receptor),)
            positions = np.searchsorted(times, g["time"][:])
            cr[index + (positions,)] = g["cancer_risk"][:]
            hi[index + (positions,)] = g["hazard_quotient"][:]
            units = {k: _units(g[k], "1")["units"] for k in ("time", "cancer_risk", "hazard_quotient")}
        dims = ("strategy",) + (("realization",) if realizations else ()) + ("receptor", "time")
        coords = {"strategy": strategies, "receptor": receptors,
                  "time": xr.Variable("time", np.asarray(times, float), {"units": units.get("time", "d")})}
        if realizations:
            coords["realization"] = realizations
        ds = xr.Dataset(
            {"cancer_risk": xr.Variable(dims, cr, {"units": units.get("cancer_risk", "1")}),
             "hazard_index": xr.Variable(dims, hi, {"units": units.get("hazard_quotient", "1")})},
            coords=coords, attrs=_attrs(f))
        ds = ds.assign_coords(years=("time", ds.time.values / DAYS_PER_YEAR))
    return ds


class Results:
    """A terrafate output folder. See the module docstring."""

    def __init__(self, path: str):
        if not os.path.isdir(path):
            raise FileNotFoundError(f"{path}: no such output folder")
        self.path = os.path.abspath(path)
        self._tables: Dict[str, pd.DataFrame] = {}
        self.strategies: List[str] = self._list_strategies()
        self.folders: List[RunFolder] = self._list_folders()
        self.realizations: List[int] = sorted({f.realization for f in self.folders
                                               if f.realization is not None})
        if os.path.exists(self._file("recommendation.json")) or self.strategies:
            self.kind = "optimize"
        elif self.realizations:
            self.kind = "ensemble"
        else:
            self.kind = "run"
        self.deck_text, self.deck_path = self._find_deck()
        self.deck = yaml.safe_load(self.deck_text) if (yaml and self.deck_text) else {}

    # ----- files -------------------------------------------------------------------------------
    def _file(self, *parts) -> str:
        return os.path.join(self.path, *parts)

    def _list_strategies(self) -> List[str]:
        if os.path.exists(self._file("strategies.csv")):
            return [str(n) for n in _read_csv(self._file("strategies.csv"))["name"]]
        folder = self._file("strategies")
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else []

    def _list_folders(self) -> List[RunFolder]:
        def realizations(base):
            folder = os.path.join(base, "realizations")
            if not os.path.isdir(folder):
                return []
            return [RunFolder(os.path.join(folder, r), realization=int(r))
                    for r in sorted(os.listdir(folder)) if _REALIZATION.match(r)]
        if self.strategies:
            out = []
            for s in self.strategies:
                base = self._file("strategies", s)
                found = realizations(base)
                for r in found:
                    r.strategy = s
                out += found or ([RunFolder(base, strategy=s)] if os.path.isdir(base) else [])
            return out
        return realizations(self.path) or [RunFolder(self.path)]

    def _find_deck(self) -> Tuple[str, str]:
        for folder in [self.path] + [f.path for f in self.folders]:
            p = os.path.join(folder, "provenance.json")
            if os.path.exists(p):
                with open(p) as fh:
                    prov = json.load(fh)
                if prov.get("deck"):
                    return prov["deck"], prov.get("deck_path", "")
        return "", ""

    def deck_for(self, strategy: Optional[str] = None, realization: Optional[int] = None) -> dict:
        """The deck one run folder ran (an optimization's strategy folders hold the strategy's
        own deck: its actions only); the top deck when the folder has no copy."""
        try:
            base = self.folder(strategy, realization).path
        except KeyError:
            return self.deck
        p = os.path.join(base, "provenance.json")
        if yaml is None or not os.path.exists(p):
            return self.deck
        with open(p) as fh:
            text = json.load(fh).get("deck")
        return yaml.safe_load(text) if text else self.deck

    def folder(self, strategy: Optional[str] = None, realization: Optional[int] = None) -> RunFolder:
        """The output folder of one strategy and/or realization (the run's own without either)."""
        for f in self.folders:
            if f.strategy == strategy and f.realization == realization:
                return f
        raise KeyError(f"{self.path}: no output folder for strategy={strategy!r} "
                       f"realization={realization!r}")

    def json(self, name: str, strategy: Optional[str] = None,
             realization: Optional[int] = None) -> Optional[dict]:
        """A JSON file (name without .json) as a dict; None when the folder has none."""
        base = self.path if strategy is None and realization is None else self.folder(
            strategy, realization).path
        p = os.path.join(base, name + ".json")
        if not os.path.exists(p):
            return None
        with open(p) as fh:
            return json.load(fh)

    @property
    def recommendation(self) -> Optional[dict]:
        return self.json("recommendation")

    # ----- tables ------------------------------------------------------------------------------
    def table_names(self) -> List[str]:
        """The CSV tables in the top folder (names without .csv)."""
        return sorted(n[:-4] for n in os.listdir(self.path) if n.endswith(".csv"))

    def has_table(self, name: str, strategy=None, realization=None) -> bool:
        try:
            base = self.folder(strategy, realization).path if (strategy or realization is not None) \
                else self.path
        except KeyError:
            return False
        return os.path.exists(os.path.join(base, name + ".csv"))

    def table(self, name: str, strategy: Optional[str] = None,
              realization: Optional[int] = None) -> pd.DataFrame:
        """One CSV table (name without .csv) as a DataFrame: the top folder's, or one strategy's
        and/or realization's. 'nan' cells are NaN."""
        base = self.path if strategy is None and realization is None else self.folder(
            strategy, realization).path
        p = os.path.join(base, name + ".csv")
        if p not in self._tables:
            if not os.path.exists(p):
                raise FileNotFoundError(f"{p}: no such table")
            self._tables[p] = _read_csv(p)
        return self._tables[p].copy()

    def tables(self, name: str) -> pd.DataFrame:
        """The table `name` from every run folder (every strategy and realization), concatenated
        with `strategy` and `realization` columns (None where the folder has neither). Folders
        without the table are left out; `missing_tables(name)` lists them."""
        frames = []
        for f in self.folders:
            p = os.path.join(f.path, name + ".csv")
            if os.path.exists(p):
                frame = _read_csv(p)
                frame.insert(0, "realization", f.realization)
                frame.insert(0, "strategy", f.strategy)
                frames.append(frame)
        if not frames:
            raise FileNotFoundError(f"{self.path}: no {name}.csv in any run folder")
        return pd.concat(frames, ignore_index=True)

    def missing_tables(self, name: str) -> List[RunFolder]:
        return [f for f in self.folders if not os.path.exists(os.path.join(f.path, name + ".csv"))]

    # ----- HDF5 --------------------------------------------------------------------------------
    def h5_files(self) -> List[Tuple[RunFolder, str]]:
        """Every results.h5 with fields, with its run folder."""
        out = []
        for f in self.folders:
            p = os.path.join(f.path, "results.h5")
            if os.path.exists(p):
                out.append((f, p))
        return out

    def fields(self, strategy: Optional[str] = None, realization: Optional[int] = None,
               names: Optional[List[str]] = None) -> xr.Dataset:
        """The fields of one run folder's results.h5 (see `read_fields`)."""
        folder = self.folder(strategy, realization)
        p = os.path.join(folder.path, "results.h5")
        if not os.path.exists(p):
            raise FileNotFoundError(f"{p}: no fields (output.hdf5 off, or the run failed)")
        ds = read_fields(p, names)
        if strategy is not None:
            ds = ds.assign_coords(strategy=strategy)
        if realization is not None:
            ds = ds.assign_coords(realization=realization)
        return ds

    def all_fields(self, names: Optional[List[str]] = None) -> xr.Dataset:
        """Every run folder's fields stacked along `strategy` and/or `realization` (outer join
        on time: NaN where a folder has no output at a time)."""
        files = self.h5_files()
        if not files:
            raise FileNotFoundError(f"{self.path}: no results.h5 with fields")
        if len(files) == 1 and files[0][0].strategy is None and files[0][0].realization is None:
            return read_fields(files[0][1], names)
        parts = {}
        for f, p in files:
            ds = read_fields(p, names)
            parts.setdefault(f.strategy, []).append(
                ds.expand_dims(realization=[f.realization]) if f.realization is not None else ds)
        stacked = {s: (xr.concat(v, "realization", join="outer") if len(v) > 1 or
                       "realization" in v[0].dims else v[0]) for s, v in parts.items()}
        if list(stacked) == [None]:
            return stacked[None]
        return xr.concat([ds.expand_dims(strategy=[s]) for s, ds in stacked.items()], "strategy",
                         join="outer")

    def risk_trajectories(self) -> xr.Dataset:
        """An optimization's total cancer risk and hazard index per strategy, [realization,]
        receptor and time, from its top-level results.h5 (else built from the risk.csv tables)."""
        p = self._file("results.h5")
        if self.kind == "optimize" and os.path.exists(p):
            return read_risk_trajectories(p)
        risk = self.tables("risk")
        risk = risk[(risk.species == "all") & (risk.pathway == "all")]
        return _frame_to_trajectories(risk)

    # ----- grid and deck -----------------------------------------------------------------------
    def grid(self) -> Dict[str, np.ndarray]:
        """Cell-face coordinates [m]: {'x': x_nodes, 'y': ..., 'z': ...}, from a results.h5 or
        else from the deck's grid (origin, size, cells: uniform)."""
        files = self.h5_files()
        if files:
            with h5py.File(files[0][1], "r") as f:
                return {a: f[f"grid/{a}_nodes"][:] for a in "xyz"}
        g = self.deck.get("grid", {})
        origin, size, cells = g.get("origin", [0, 0, 0]), g["size"], g["cells"]
        return {a: np.linspace(float(origin[i]), float(origin[i]) + float(size[i]), int(cells[i]) + 1)
                for i, a in enumerate("xyz")}

    def __repr__(self):
        return (f"<terrafate.Results {self.kind} {self.path}: {len(self.strategies)} strategies, "
                f"{len(self.realizations)} realizations, tables {self.table_names()}>")


def _frame_to_trajectories(risk: pd.DataFrame) -> xr.Dataset:
    index = ["strategy", "realization", "receptor", "time"]
    keep = [c for c in index if c in risk and risk[c].notna().any()]
    frame = risk.set_index(keep)[["cancer_risk", "hazard_quotient"]].rename(
        columns={"hazard_quotient": "hazard_index"})
    ds = xr.Dataset.from_dataframe(frame)
    ds["time"].attrs["units"] = "d"
    return ds.assign_coords(years=("time", ds.time.values / DAYS_PER_YEAR))


def open_results(path: str) -> Results:
    """Opens a terrafate output folder (see `Results`)."""
    return Results(path)
