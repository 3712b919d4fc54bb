#!/usr/bin/python3
"""The figures `terrafate assimilate` makes (issue 25: every figure type for an assimilation
example), from its own tables.

Usage: check_assimilation_figures.py TERRAFATE DECK WORKDIR

DECK is twin/rising.yaml (with a risk section); its monitoring record is made as
check_twin.py's `contradict` case makes it (truth run, 10 % lognormal noise, seed 5), and a short
assimilation (16 members, 2 iterations) is run with figures on (TERRAFATE_NO_FIGURES unset), as
a user runs it. Checked:
- parameters.png, fit.png, misfit.png, predictive.png and compliance_probability.png exist, are
  PNG images larger than 200 x 200 pixels that are not blank, and figures.json lists exactly them
  with no note (nothing missing);
- the figures draw the tables' numbers: misfit.png's y axis spans misfit.csv's smallest and
  largest misfit; compliance_probability.png's y axis spans 0 to 1; predictive.png has one panel
  per (location, variable) of predictive.csv (up to 12), fit.png one per (well, species) of
  fit.csv;
- report.html embeds the five figures.
"""
import json
import os
import shutil
import sys
from pathlib import Path

import matplotlib.image
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_twin  # noqa: E402  (the twin experiment's deck and data)

FIGURES = ["parameters", "fit", "misfit", "predictive", "compliance_probability"]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")
    return condition


def main():
    terrafate, deck, work = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    rows = check_twin.truth_run(terrafate, deck, work)
    folder = work / "rising"
    folder.mkdir()
    check_twin.write_monitoring(rows, folder, 5)
    twin = check_twin.write_deck(deck, folder, 5, 16, 2,
                                 {"transport.species.PCE.decay.rate": 4.0e-3})
    out = folder / "out"
    env = {k: v for k, v in os.environ.items() if k != "TERRAFATE_NO_FIGURES"}
    result = check_twin.run([terrafate, "assimilate", twin, "-o", out], env=env)
    print(result.stdout[-600:])

    manifest = json.loads((out / "figures.json").read_text())
    listed = [f["name"] for f in manifest["figures"]]
    check(sorted(listed) == sorted(FIGURES), f"figures.json lists {listed}")
    check(manifest["notes"] == [], f"figures.json notes: {manifest['notes']}")
    axes = {f["name"]: f["axes"] for f in manifest["figures"]}
    for name in FIGURES:
        path = out / f"{name}.png"
        if not check(path.exists() and path.stat().st_size > 0, f"{name}.png missing or empty"):
            continue
        image = matplotlib.image.imread(str(path))
        check(image.shape[0] > 200 and image.shape[1] > 200 and image.std() > 0.01,
              f"{name}.png: {image.shape}, std {image.std():.4f}")
        print(f"{name}.png: {path.stat().st_size} bytes, {image.shape[1]} x {image.shape[0]}")

    misfit = pd.read_csv(out / "misfit.csv").mean_normalized_misfit
    if check(axes.get("misfit"), "figures.json: no axes for misfit"):
        low, high = axes["misfit"][0]["ylim"]
        check(low <= misfit.min() and high >= misfit.max(),
              f"misfit.png y axis {low}..{high} misses {misfit.min()}..{misfit.max()}")
        print(f"misfit: {list(misfit)}; y axis {low:.3g}..{high:.3g}")
    if check(axes.get("compliance_probability"), "no axes for compliance_probability"):
        low, high = axes["compliance_probability"][0]["ylim"]
        check(low <= 0.0 and high >= 1.0, f"compliance_probability.png y axis {low}..{high}")
    predictive = pd.read_csv(out / "predictive.csv")
    predictive = predictive[predictive.variable != "head"]
    panels = min(12, len(set(zip(predictive.location, predictive.variable))))
    check(len(axes.get("predictive", [])) == panels,
          f"predictive.png: {len(axes.get('predictive', []))} panels, expected {panels}")
    fit = pd.read_csv(out / "fit.csv")
    panels = min(12, len(set(zip(fit.well, fit.species))))
    check(len(axes.get("fit", [])) == panels,
          f"fit.png: {len(axes.get('fit', []))} panels, expected {panels}")
    report = (out / "report.html").read_text()
    embedded = report.count('src="data:image/png;base64,')
    check(embedded == len(FIGURES), f"report.html embeds {embedded} images")
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
