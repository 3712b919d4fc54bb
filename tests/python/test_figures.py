#!/usr/bin/python3
"""terrafate.plot on the fixture's outputs (ctest python_figures).

Starts `/usr/bin/python3 <python dir>/terrafate/plot.py OUT` as the C++ side will (no
PYTHONPATH) on a copy of each output folder and checks:
- every figure listed in figures.json is a PNG file (signature), non-empty, decodable, at least
  300 x 200 pixels; the expected figure types are there for each kind of output;
- every map's plotted extent equals the grid extent read with h5py from /grid/{x,y}_nodes;
- risk axes are logarithmic and start at 1e-3 of the deck's target (read from the deck with
  yaml), never at 1e-30, even where the risk is 0;
- a design space (40 strategies) draws at most 7 of them (the recommendation first);
- what is missing is said: the design search (no fields) notes that it has no maps; no figure
  function failed;
- times: "15 yr" in the deck is 5478.75 d (15 Julian years), as terrafate's
  recommendation.json says, and the demo's deadline prints as "15 yr".

Usage: test_figures.py PYTHON_DIR WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

import h5py
import matplotlib.image
import yaml

python_dir, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
sys.path.insert(0, python_dir)
from terrafate import figures as tf_figures, open_results, timefmt  # noqa: E402

failures = []


def fail(message):
    failures.append(message)
    print("FAIL", message)


def plot(folder):
    copy = folder + "_figures"
    if os.path.exists(copy):
        shutil.rmtree(copy)
    shutil.copytree(folder, copy)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(["/usr/bin/python3", os.path.join(python_dir, "terrafate", "plot.py"),
                             copy], capture_output=True, text=True, env=env, cwd="/")
    print(result.stdout[-2000:], result.stderr[-2000:])
    if result.returncode != 0:
        fail(f"plot.py {copy}: exit {result.returncode}")
        return copy, {"figures": [], "notes": []}
    with open(os.path.join(copy, "figures.json")) as fh:
        return copy, json.load(fh)


def check_pngs(copy, manifest):
    for f in manifest["figures"]:
        path = os.path.join(copy, f["file"])
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            fail(f"{path}: missing or empty")
            continue
        with open(path, "rb") as fh:
            if fh.read(8) != b"\x89PNG\r\n\x1a\n":
                fail(f"{path}: not a PNG")
                continue
        image = matplotlib.image.imread(path)
        if image.shape[0] < 200 or image.shape[1] < 300 or image.std() == 0:
            fail(f"{path}: {image.shape} pixels, std {image.std()}: blank or too small")
    for note in manifest["notes"]:
        if "failed:" in note:
            fail(f"{copy}: {note}")


def grid_extent(folder):
    """The grid's [xmin, xmax, ymin, ymax] from the first results.h5 under folder (h5py)."""
    for root, _, files in sorted(os.walk(folder)):
        if "results.h5" in files:
            with h5py.File(os.path.join(root, "results.h5"), "r") as f:
                if "grid" in f:
                    x, y = f["grid/x_nodes"][:], f["grid/y_nodes"][:]
                    return [x[0], x[-1], y[0], y[-1]]
    return None


def check_maps(copy, manifest, expected_species):
    maps = [f for f in manifest["figures"] if f["kind"] == "map"]
    names = sorted(f["name"] for f in maps)
    if names != sorted(expected_species):
        fail(f"{copy}: maps {names}, expected {sorted(expected_species)}")
    extent = grid_extent(copy)
    for f in maps:
        if extent is None or any(abs(a - b) > 1e-9 * max(1.0, abs(b)) for a, b in
                                 zip(f["extent"], extent)):
            fail(f"{copy}: {f['file']} extent {f['extent']} vs grid {extent}")


def deck_target(deck_path):
    with open(deck_path) as fh:
        deck = yaml.safe_load(fh)
    target = deck["risk"]["target"]
    return float(target["cancer_risk"]), float(target.get("hazard_quotient", 1.0))


def check_risk_axes(copy, manifest, deck_path):
    cr, hi = deck_target(deck_path)
    risk = [f for f in manifest["figures"] if f["kind"] == "risk"]
    if not risk:
        fail(f"{copy}: no risk figure")
    for f in risk:
        axes = f["axes"]
        if len(axes) != 2 or any(a["yscale"] != "log" for a in axes):
            fail(f"{copy}: {f['file']}: expected two log axes, got {axes}")
            continue
        for a, target in zip(axes, (cr, hi)):
            if abs(a["ylim"][0] - 1e-3 * target) > 1e-12 * target:
                fail(f"{copy}: {f['file']}: y axis starts at {a['ylim'][0]}, expected "
                     f"{1e-3 * target}")


def expect_figures(copy, manifest, names):
    have = {f["name"] for f in manifest["figures"]}
    missing = sorted(set(names) - have)
    if missing:
        fail(f"{copy}: missing figures {missing} (have {sorted(have)})")


def main():
    repo = os.path.dirname(os.path.abspath(python_dir))
    demo = os.path.join(repo, "inputs", "demo", "demo.yaml")
    # A run.
    copy, m = plot(os.path.join(work, "demo_run"))
    check_pngs(copy, m)
    check_maps(copy, m, ["map_PCE", "map_TCE"])
    check_risk_axes(copy, m, demo)
    expect_figures(copy, m, ["breakthrough", "risk_school_well", "risk_fence", "risk_site_worker",
                             "mass_balance", "plume", "carbon"])
    # An optimization without a feasible strategy: maps of the closest.
    copy, m = plot(os.path.join(work, "demo_opt"))
    check_pngs(copy, m)
    check_maps(copy, m, ["map_PCE_pump_and_treat", "map_TCE_pump_and_treat"])
    check_risk_axes(copy, m, demo)
    expect_figures(copy, m, ["breakthrough", "risk_school_well", "mass_balance", "plume",
                             "carbon", "pareto"])
    # An ensemble optimization: maps of the recommendation's median, risk bands.
    ens_deck = os.path.join(work, "decks", "ensemble_opt.yaml")
    copy, m = plot(os.path.join(work, "ensemble_opt"))
    check_pngs(copy, m)
    check_maps(copy, m, ["map_B_EISB"])
    check_risk_axes(copy, m, ens_deck)
    expect_figures(copy, m, ["risk_well", "mass_balance", "carbon", "pareto"])
    # An ensemble run.
    copy, m = plot(os.path.join(work, "ensemble_run"))
    check_pngs(copy, m)
    check_maps(copy, m, ["map_B"])
    check_risk_axes(copy, m, os.path.join(work, "decks", "ensemble_run.yaml"))
    # A design space: 40 strategies, at most 7 drawn; no fields, and the report says so.
    design_deck = os.path.join(repo, "inputs", "verification", "optimize_design_search",
                               "site.yaml")
    copy, m = plot(os.path.join(work, "design_opt"))
    check_pngs(copy, m)
    check_maps(copy, m, [])
    check_risk_axes(copy, m, design_deck)
    expect_figures(copy, m, ["risk_well", "carbon", "pareto"])
    if not any("No maps" in n for n in m["notes"]):
        fail(f"{copy}: no note saying that there are no maps: {m['notes']}")
    results = open_results(copy)
    ctx = tf_figures.Context(results)
    with open(os.path.join(copy, "recommendation.json")) as fh:
        recommended = json.load(fh)["recommended"]
    if len(results.strategies) != 40 or len(ctx.shown) != 7 or ctx.shown[0] != recommended:
        fail(f"design space: {len(results.strategies)} strategies, shown {ctx.shown}")
    # Times.
    with open(os.path.join(work, "demo_opt", "recommendation.json")) as fh:
        deadline = json.load(fh)["deadline"]
    if timefmt.deck_days("15 yr") != deadline:
        fail(f"deck_days('15 yr') = {timefmt.deck_days('15 yr')}, terrafate says {deadline}")
    if timefmt.years_text(deadline) != "15 yr" or timefmt.years_text(500) != "1.4 yr":
        fail(f"years_text: {timefmt.years_text(deadline)}, {timefmt.years_text(500)}")
    import datetime
    if timefmt.time_text(deadline, datetime.date(2025, 1, 1)) != "2040-01-01 (15 yr)":
        fail(f"time_text with a start date: {timefmt.time_text(deadline, datetime.date(2025, 1, 1))}")
    if failures:
        sys.exit(f"{len(failures)} failures")
    print("all figure checks passed")


if __name__ == "__main__":
    main()
