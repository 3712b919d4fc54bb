#!/usr/bin/python3
"""`terrafate run` makes the figures and report.html (python/terrafate/plot.py, started without a
shell), `terrafate plot OUT` makes them on demand, and a plotting failure is a warning line, not
a failed run. On the demo deck at a coarser grid (50 x 25 x 5 cells):
* run: exit 0, report.html and figures.json written; every figure figures.json lists is a
  non-empty PNG; the PCE map's plotted extent equals the grid's (x 0-500 m, y 0-250 m: the deck);
* run --no-figures: no report.html, no figures.log;
* plot OUT --no-report --times 5: exit 0, figures.json rewritten, no report.html;
* plot ABSENT: exit 2 (plot.py's refusal of a folder that is not an output folder), and ABSENT
  is not created;
* run with TERRAFATE_PYTHON_DIR pointing at a folder without the package: exit 0, the results
  written, one warning line on stderr naming figures.log and the `terrafate plot` retry.
Usage: check_figures.py TERRAFATE DEMO_DECK WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

failures = []


def expect(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    if not ok:
        failures.append(name)


def terrafate_run(command, env=None):
    environment = dict(os.environ, **(env or {}))
    environment.pop("TERRAFATE_NO_FIGURES", None)  # the suite's switch: figures on here
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=environment)


def main():
    terrafate, demo, work = sys.argv[1:4]
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    with open(demo) as f:
        text = f.read()
    for old, new in [("cells: [100, 50, 5]", "cells: [50, 25, 5]"), ("vtk: true", "vtk: false")]:
        if old not in text:
            sys.exit(f"FAIL: {demo} has no '{old}' (the deck changed: update check_figures.py)")
        text = text.replace(old, new)
    deck = os.path.join(work, "coarse_demo.yaml")
    with open(deck, "w") as f:
        f.write(text)

    out = os.path.join(work, "run")
    result = terrafate_run([terrafate, "run", deck, "-o", out, "--all-actions"])
    expect("run exit 0", result.returncode == 0, result.stderr[-2000:])
    expect("run: no warning", "warning: no figures" not in result.stderr, result.stderr[-500:])
    expect("run: report.html", os.path.isfile(os.path.join(out, "report.html")))
    manifest_path = os.path.join(out, "figures.json")
    expect("run: figures.json", os.path.isfile(manifest_path))
    if os.path.isfile(manifest_path):
        with open(manifest_path) as f:
            figures = json.load(f)["figures"]
        expect("run: figures listed", len(figures) >= 3, f"{len(figures)} figures")
        for figure in figures:
            path = os.path.join(out, figure["file"])
            expect(f"run: {figure['file']} non-empty",
                   os.path.isfile(path) and os.path.getsize(path) > 1000)
        maps = [f for f in figures if f["kind"] == "map" and f["name"].startswith("map_PCE")]
        expect("run: a PCE map", bool(maps))
        for m in maps:
            grid = m["grid_extent"]
            inside = 0 <= grid[0] < grid[1] <= 500 and 0 <= grid[2] < grid[3] <= 250
            same = all(abs(a - b) <= 1e-6 * 500 for a, b in zip(m["extent"], grid))
            expect(f"run: {m['file']} extent {m['extent']} = grid {grid}", inside and same)

    bare = os.path.join(work, "no_figures")
    result = terrafate_run([terrafate, "run", deck, "-o", bare, "--no-figures", "--all-actions"])
    expect("run --no-figures exit 0", result.returncode == 0, result.stderr[-2000:])
    expect("run --no-figures: no report.html, no figures.log",
           not os.path.exists(os.path.join(bare, "report.html"))
           and not os.path.exists(os.path.join(bare, "figures.log")))

    result = terrafate_run([terrafate, "plot", bare, "--no-report", "--times", "5"])
    expect("plot --no-report exit 0", result.returncode == 0, result.stdout[-500:] +
           result.stderr[-2000:])
    expect("plot --no-report: figures.json, no report.html",
           os.path.isfile(os.path.join(bare, "figures.json"))
           and not os.path.exists(os.path.join(bare, "report.html")))

    absent = os.path.join(work, "absent")
    result = terrafate_run([terrafate, "plot", absent])
    expect("plot ABSENT exit 2", result.returncode == 2, result.stderr[-500:])
    expect("plot ABSENT: no folder created", not os.path.exists(absent))

    empty = os.path.join(work, "no_package")
    os.makedirs(empty)
    broken = os.path.join(work, "broken_plot")
    result = terrafate_run([terrafate, "run", deck, "-o", broken, "--all-actions"],
                           env={"TERRAFATE_PYTHON_DIR": empty})
    warnings = [line for line in result.stderr.splitlines() if "warning: no figures" in line]
    expect("plot failure: run exit 0", result.returncode == 0, result.stderr[-2000:])
    expect("plot failure: results written",
           os.path.isfile(os.path.join(broken, "run_summary.json")))
    expect("plot failure: one warning naming figures.log and `terrafate plot`",
           len(warnings) == 1 and "figures.log" in warnings[0]
           and f"terrafate plot {broken}" in warnings[0], "; ".join(warnings))
    print("PASS" if not failures else f"{len(failures)} failure(s): {failures}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
