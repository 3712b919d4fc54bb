#!/usr/bin/python3
"""Plots of a `terrafate optimize` output folder, made from its output files (matplotlib):
risk_<receptor>.png (total cancer risk per strategy against the target and the deadline),
carbon.png (t CO2e per phase and strategy), pareto.png (t CO2e against time to target, the
Pareto set marked) and plume.png (plume volume above the standard per strategy, when the
strategies wrote plume.csv).

Usage: plot_strategies.py OUTDIR
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    out = sys.argv[1]
    strategies = rows(os.path.join(out, "strategies.csv"))
    recommendation = json.load(open(os.path.join(out, "recommendation.json")))
    deadline = recommendation.get("deadline")
    target = recommendation.get("target_cancer_risk", 1e-6)
    names = [s["name"] for s in strategies]
    # Risk trajectories, one figure per receptor.
    receptors = {}
    for name in names:
        path = os.path.join(out, "strategies", name, "risk.csv")
        if not os.path.exists(path):
            continue
        for r in rows(path):
            if r["species"] == "all":
                receptors.setdefault(r["receptor"], {}).setdefault(name, []).append(
                    (float(r["time"]) / 365.25, max(float(r["cancer_risk"]), 1e-30)))
    for receptor, series in receptors.items():
        fig, ax = plt.subplots(figsize=(7, 4))
        for name, points in series.items():
            ax.semilogy([p[0] for p in points], [p[1] for p in points], label=name)
        ax.axhline(target, color="k", linestyle="--", label="target")
        if deadline is not None:
            ax.axvline(deadline / 365.25, color="r", linestyle=":", label="deadline")
        ax.set_xlabel("time [a]")
        ax.set_ylabel("total cancer risk [-]")
        ax.set_title(f"receptor {receptor}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out, f"risk_{receptor}.png"), dpi=120)
        plt.close(fig)
    # Carbon per phase.
    phases = ["construction", "operation", "monitoring", "transport_and_disposal"]
    fig, ax = plt.subplots(figsize=(7, 4))
    bottom = [0.0] * len(strategies)
    for phase in phases:
        values = [float(s[f"tco2e_{phase}"]) for s in strategies]
        ax.bar(names, values, bottom=bottom, label=phase)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("t CO2e")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "carbon.png"), dpi=120)
    plt.close(fig)
    # Pareto front.
    pareto = {r["name"] for r in rows(os.path.join(out, "pareto.csv"))}
    fig, ax = plt.subplots(figsize=(6, 4))
    for s in strategies:
        if s["time_to_target"] == "nan":
            continue
        marker = "o" if s["name"] in pareto else "x"
        ax.plot(float(s["time_to_target"]) / 365.25, float(s["tco2e"]), marker)
        ax.annotate(s["name"], (float(s["time_to_target"]) / 365.25, float(s["tco2e"])))
    ax.set_xlabel("time to target [a]")
    ax.set_ylabel("t CO2e")
    ax.set_title("strategies (o: Pareto set)")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "pareto.png"), dpi=120)
    plt.close(fig)
    # Plume extent.
    fig, ax = plt.subplots(figsize=(7, 4))
    plotted = False
    for name in names:
        path = os.path.join(out, "strategies", name, "plume.csv")
        if not os.path.exists(path):
            continue
        data = [r for r in rows(path) if r["volume_above_standard_m3"] != "nan"]
        if data:
            species = data[0]["species"]
            points = [r for r in data if r["species"] == species]
            ax.plot([float(r["time"]) / 365.25 for r in points],
                    [float(r["volume_above_standard_m3"]) for r in points],
                    label=f"{name} ({species})")
            plotted = True
    if plotted:
        ax.set_xlabel("time [a]")
        ax.set_ylabel("volume above the standard [m3]")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out, "plume.png"), dpi=120)
    plt.close(fig)
    print(f"plots in {out}")


if __name__ == "__main__":
    main()
