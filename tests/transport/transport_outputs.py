"""Running terrafate and reading its transport outputs, for the checks in this folder.

Output contract (README): observations.csv `time,location,variable,value,unit` (a concentration
row per point and species, unit mg/L, besides the head rows); mass_balance.csv
`time,species,dissolved,sorbed,immobile,inflow,outflow,sources,decayed,produced,removed,soil,leached,volatilized,relative_closure,unit`
(masses in g); results.h5 `/outputs/NNNNNN/<species>` concentration fields [nz, ny, nx] in mg/L
with the output time in the group attribute `time`.
"""
import csv
import os
import shutil
import subprocess
import sys

OBSERVATIONS_HEADER = ["time", "location", "variable", "value", "unit"]
MASS_BALANCE_HEADER = ["time", "species", "dissolved", "sorbed", "immobile", "inflow", "outflow",
                       "sources",
                       "decayed", "produced", "removed", "soil", "leached", "volatilized",
                       "relative_closure", "unit"]


def run(terrafate, deck, out, ranks=1, mpiexec=None, timeout=600, options=()):
    """Runs `terrafate run DECK -o OUT [OPTIONS]` (under `MPIEXEC --oversubscribe -n RANKS` when
    mpiexec is given) into a fresh OUT; exits with FAIL unless it exits 0."""
    if os.path.exists(out):
        shutil.rmtree(out)
    command = [terrafate, "run", deck, "-o", out, *options]
    if mpiexec:
        command = [mpiexec, "--oversubscribe", "-n", str(ranks)] + command
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command)} exited {result.returncode}\n{result.stderr}")


def run_text(terrafate, workdir, name, text, **run_options):
    """Writes the deck `text` to WORKDIR/NAME.yaml, runs it into WORKDIR/NAME (see run) and
    returns that output folder."""
    os.makedirs(workdir, exist_ok=True)
    deck = os.path.join(workdir, f"{name}.yaml")
    with open(deck, "w") as f:
        f.write(text)
    out = os.path.join(workdir, name)
    run(terrafate, deck, out, **run_options)
    return out


def read_csv(path, header):
    """The data rows of a CSV file whose first row must be `header`."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != header:
        sys.exit(f"FAIL: {path} header {rows[0] if rows else None} != {header}")
    return rows[1:]


def concentrations(out, species):
    """{(location, time): value} of the concentration rows of observations.csv for the given
    species; each row must have unit mg/L."""
    values = {}
    for time, location, variable, value, unit in read_csv(
            os.path.join(out, "observations.csv"), OBSERVATIONS_HEADER):
        if variable in species:
            if unit != "mg/L":
                sys.exit(f"FAIL: observations.csv: {location} {variable} at {time} in '{unit}'")
            values[(location, variable, float(time))] = float(value)
    return values


def check_mass_balance(out, species, limit):
    """Reads mass_balance.csv; requires unit g, a row for every species at every time listed and
    relative_closure < limit in every row (a NaN fails); returns the rows as dicts with float
    values (species as str)."""
    rows = []
    for row in read_csv(os.path.join(out, "mass_balance.csv"), MASS_BALANCE_HEADER):
        entry = dict(zip(MASS_BALANCE_HEADER, row))
        if entry["unit"] != "g":
            sys.exit(f"FAIL: mass_balance.csv unit '{entry['unit']}', expected 'g'")
        for key in MASS_BALANCE_HEADER[:-1]:
            if key != "species":
                entry[key] = float(entry[key])
        rows.append(entry)
    listed = {row["species"] for row in rows}
    if listed != set(species):
        sys.exit(f"FAIL: mass_balance.csv species {sorted(listed)}, expected {sorted(species)}")
    if len(rows) != len({row["time"] for row in rows}) * len(species):
        sys.exit(f"FAIL: mass_balance.csv: not one row per species and time ({len(rows)} rows)")
    failing = [row for row in rows if not row["relative_closure"] < limit]
    worst = max(rows, key=lambda row: row["relative_closure"])
    print(f"largest mass balance relative_closure {worst['relative_closure']:.3e} "
          f"({worst['species']} at t = {worst['time']:g} d)")
    if failing:
        sys.exit(f"FAIL: relative_closure {failing[0]['relative_closure']} >= {limit:g} for "
                 f"{failing[0]['species']} at t = {failing[0]['time']:g} d")
    return rows


def read_fields(out, species):
    """From results.h5: the cell-centre coordinates (x, y, z) and [(time, {species: field})] for
    every output, each field [nz, ny, nx] with unit mg/L."""
    import h5py
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        centers = [f[f"grid/{axis}_centers"][()] for axis in "xyz"]
        shape = tuple(len(c) for c in reversed(centers))
        outputs = []
        for name in sorted(f["outputs"]):
            group = f["outputs"][name]
            fields = {}
            for s in species:
                if s not in group:
                    sys.exit(f"FAIL: results.h5 /outputs/{name} has no dataset {s}")
                dataset = group[s]
                unit = dataset.attrs.get("unit")
                if unit not in ("mg/L", b"mg/L"):
                    sys.exit(f"FAIL: /outputs/{name}/{s} unit {unit!r}, expected mg/L")
                if dataset.shape != shape:
                    sys.exit(f"FAIL: /outputs/{name}/{s} shape {dataset.shape}, expected {shape}")
                fields[s] = dataset[()]
            outputs.append((float(group.attrs["time"]), fields))
    return centers, outputs
