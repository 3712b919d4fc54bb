"""The figures of a `terrafate assimilate` output folder (matplotlib, Agg), from its tables.

`make_assimilation_figures(out)` writes into `out` and returns a FigureSet (figures and notes):
- parameters.png: per parameter, the prior and posterior P5-P95 (bar) and P50 (mark) from
  parameters_summary.csv, with the posterior members of posterior.csv as dots;
- fit.png: per well and species, the observed values (non-detects as open triangles at their
  detection limit) against the simulated P5-P95 band and P50 of the prior and of the posterior
  (fit.csv);
- misfit.png: the mean normalized misfit per ES-MDA iteration (misfit.csv);
- predictive.png: per observation point and variable, the prior and posterior P5-P95 band and P50
  over the whole horizon (predictive.csv), with the data and the groundwater standard (from the
  members' plume.csv);
- compliance_probability.png: per receptor, the prior and posterior probability of meeting the
  risk target (compliance_probability.csv; only when the deck has a risk section);
- risk.png: per receptor, total cancer risk and hazard index over time, the prior and posterior
  P5-P95 band and P50 (prior_risk.csv, posterior_risk.csv) against the deck's targets (only when
  the deck has a risk section).
"""
from __future__ import annotations

import glob
import json
import math
import os
from typing import Dict, List, Optional

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from . import timefmt  # noqa: E402
from .figures import DPI, Figure, FigureSet, _save  # noqa: E402

try:
    import yaml
except ImportError:  # the deck's start date is then not known: times in years
    yaml = None

#: The panels drawn in fit.png and predictive.png (the rest named in a note).
MAX_PANELS = 12
#: Log risk axes start at this fraction of the target (as the run's figures).
FLOOR_FRACTION = 1e-3
PRIOR = {"color": "0.45", "label": "prior"}
POSTERIOR = {"color": "tab:blue", "label": "posterior"}


def is_assimilation(folder: str) -> bool:
    """Whether `folder` is the output of `terrafate assimilate`."""
    return all(os.path.exists(os.path.join(folder, name))
               for name in ("posterior.csv", "parameters_summary.csv", "fit.csv"))


def _csv(folder: str, name: str) -> Optional[pd.DataFrame]:
    path = os.path.join(folder, name)
    return pd.read_csv(path, float_precision="round_trip") if os.path.exists(path) else None


def _first_member(folder: str) -> Optional[str]:
    found = sorted(glob.glob(os.path.join(folder, "runs", "iteration_*", "[0-9][0-9][0-9][0-9]")))
    return found[0] if found else None


def _deck(folder: str) -> Optional[dict]:
    """The deck a member simulated (from its provenance.json), or None."""
    member = _first_member(folder)
    path = os.path.join(member, "provenance.json") if member else None
    if yaml is None or not path or not os.path.exists(path):
        return None
    with open(path) as fh:
        text = json.load(fh).get("deck")
    return (yaml.safe_load(text) or {}) if text else None


def _start_date(folder: str):
    deck = _deck(folder)
    return timefmt.start_date(deck) if deck is not None else None


def _standards(folder: str) -> Dict[str, float]:
    """Groundwater standard per species [mg/L] from a member's plume.csv (none: {})."""
    member = _first_member(folder)
    path = os.path.join(member, "plume.csv") if member else None
    if not path or not os.path.exists(path):
        return {}
    plume = pd.read_csv(path)
    out = {}
    for species, group in plume.groupby("species"):
        value = group["standard_mg_per_L"].dropna()
        if len(value) and value.iloc[0] > 0:
            out[str(species)] = float(value.iloc[0])
    return out


def _grid(count: int):
    ncols = min(3, count)
    nrows = math.ceil(count / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(max(4.3 * ncols, 8.0), 3.1 * nrows + 1.2),
                             squeeze=False)
    for k in range(count, nrows * ncols):
        axes[k // ncols, k % ncols].axis("off")
    return fig, [axes[k // ncols, k % ncols] for k in range(count)]


def _legend_below(fig, axes):
    handles = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    ncol = min(len(handles), 4)
    rows = math.ceil(len(handles) / max(ncol, 1))
    height = fig.get_figheight()
    fig.tight_layout(rect=(0, (0.12 + 0.22 * rows) / height, 1, 1 - 0.15 / height))
    fig.legend(list(handles.values()), list(handles.keys()), loc="lower center", ncol=ncol,
               fontsize=8, frameon=False)


def _log_if_positive(ax, values):
    values = np.asarray(values, float)
    positive = values[np.isfinite(values) & (values > 0)]
    if len(positive) and positive.max() / positive.min() > 30:
        ax.set_yscale("log")
        ax.set_ylim(max(positive.min() * 0.5, positive.max() * 1e-6), positive.max() * 2)


def _observed(values):
    """fit.csv's observed column: (value [mg/L], is a non-detect)."""
    text = values.astype(str)
    detect = ~text.str.startswith("<")
    return text.str.lstrip("<").astype(float).values, detect.values


def _stage_band(ax, x, p5, p50, p95, stage: str, style: dict):
    """A stage's (prior or posterior) P5-P95 band and P50 line."""
    ax.fill_between(x, p5, p95, color=style["color"], alpha=0.2 if stage == "prior" else 0.4,
                    linewidth=0, label=f"{stage} P5-P95")
    ax.plot(x, p50, color=style["color"], linewidth=1.5,
            linestyle="--" if stage == "prior" else "-", label=f"{stage} P50")


def parameters_figure(folder: str, out: FigureSet):
    summary = _csv(folder, "parameters_summary.csv")
    posterior = _csv(folder, "posterior.csv")
    if summary is None or summary.empty:
        out.notes.append("No parameter figure: parameters_summary.csv is missing or empty.")
        return
    fig, axes = _grid(len(summary))
    for ax, (_, row) in zip(axes, summary.iterrows()):
        name = row["parameter"]
        for y, (stage, style) in enumerate([("prior", PRIOR), ("posterior", POSTERIOR)]):
            low, mid, high = row[f"{stage}_p5"], row[f"{stage}_p50"], row[f"{stage}_p95"]
            ax.plot([low, high], [y, y], color=style["color"], linewidth=6, alpha=0.45,
                    solid_capstyle="butt", label=f"{stage} P5-P95")
            ax.plot([mid], [y], marker="|", markersize=16, markeredgewidth=2.5,
                    color=style["color"], linestyle="none", label=f"{stage} P50")
        if posterior is not None and name in posterior:
            values = posterior[name].values
            jitter = np.random.default_rng(0).uniform(-0.12, 0.12, len(values))
            ax.plot(values, 1.32 + jitter, ".", color=POSTERIOR["color"], markersize=3,
                    alpha=0.6, label="posterior members")
        span = [row["prior_p5"], row["prior_p95"], row["posterior_p5"], row["posterior_p95"]]
        if min(span) > 0 and max(span) / min(span) > 3:  # lognormal priors: a log axis
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())  # no crowding
        else:
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        ax.set_yticks([0, 1])
        ax.set_yticklabels(["prior", "posterior"])
        ax.set_ylim(-0.6, 1.7)
        ax.set_title(name, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Parameters: prior and posterior", fontsize=10)
    _legend_below(fig, axes)
    _save(fig, folder, "parameters.png")
    out.figures.append(Figure("parameters", "parameters.png",
                              "Each assimilated parameter: the prior and posterior P5-P95 and "
                              "P50 (parameters_summary.csv), with the posterior members "
                              "(posterior.csv).", "assimilation"))


def fit_figure(folder: str, out: FigureSet, start):
    fit = _csv(folder, "fit.csv")
    if fit is None or fit.empty:
        out.notes.append("No fit figure: fit.csv is missing or empty.")
        return
    keys = list(dict.fromkeys(zip(fit.well, fit.species)))
    if len(keys) > MAX_PANELS:
        out.notes.append(f"{len(keys)} wells and species in fit.csv: fit.png shows the first "
                         f"{MAX_PANELS}.")
        keys = keys[:MAX_PANELS]
    fig, axes = _grid(len(keys))
    for ax, (well, species) in zip(axes, keys):
        rows = fit[(fit.well == well) & (fit.species == species)]
        shown = []
        for stage, style in [("prior", PRIOR), ("posterior", POSTERIOR)]:
            part = rows[rows.stage == stage].sort_values("time")
            x = timefmt.axis_values(part.time.values, start)
            _stage_band(ax, x, part.sim_p5, part.sim_p50, part.sim_p95, stage, style)
            shown += list(part.sim_p5) + list(part.sim_p95)
        data = rows[rows.stage == "posterior"].sort_values("time")
        values, detect = _observed(data.observed)
        x = timefmt.axis_values(data.time.values, start)
        ax.plot(x[detect], values[detect], "o", color="black", markersize=3.5, label="observed")
        if (~detect).any():
            ax.plot(x[~detect], values[~detect], "v", markerfacecolor="none", color="black",
                    markersize=5, label="non-detect (at its limit)")
        _log_if_positive(ax, shown + list(values))
        ax.set_title(f"{well}: {species}", fontsize=9)
        ax.set_ylabel("concentration [mg/L]")
        ax.set_xlabel(timefmt.axis_label(start))
    fig.suptitle("Fit to the monitoring data: observed against the simulated prior and "
                 "posterior", fontsize=10)
    _legend_below(fig, axes)
    _save(fig, folder, "fit.png")
    out.figures.append(Figure("fit", "fit.png",
                              "Observed concentrations per well and species against the "
                              "simulated P5-P95 band and P50 of the prior (grey) and the "
                              "posterior (blue) ensemble (fit.csv).", "assimilation"))


def misfit_figure(folder: str, out: FigureSet):
    misfit = _csv(folder, "misfit.csv")
    if misfit is None or misfit.empty:
        out.notes.append("No misfit figure: misfit.csv is missing or empty.")
        return
    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.plot(misfit.iteration, misfit.mean_normalized_misfit, "o-", color=POSTERIOR["color"])
    for i, v in zip(misfit.iteration, misfit.mean_normalized_misfit):
        ax.annotate(f"{timefmt.round_sig(float(v), 3):g}", (i, v), textcoords="offset points",
                    xytext=(4, 6), fontsize=8)
    values = misfit.mean_normalized_misfit.values
    if (values > 0).all() and values.max() / values.min() > 10:
        ax.set_yscale("log")
    ax.axhline(1.0, color="crimson", linestyle=":", linewidth=1.2,
               label="1: misfit of the size of the stated data error")
    ax.set_xticks(list(misfit.iteration))
    ax.set_xlim(-0.3, float(misfit.iteration.max()) + 0.6)  # room for the last value's label
    ax.set_xlabel("ES-MDA iteration (0: the prior)")
    ax.set_ylabel("mean normalized misfit [-]")
    ax.set_title("Data misfit per iteration", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    _save(fig, folder, "misfit.png")
    out.figures.append(Figure("misfit", "misfit.png",
                              "Mean normalized misfit of the ensemble to the data at each "
                              "ES-MDA iteration (misfit.csv; iteration 0 is the prior).",
                              "assimilation"))


def predictive_figure(folder: str, out: FigureSet, start):
    predictive = _csv(folder, "predictive.csv")
    if predictive is None or predictive.empty:
        out.notes.append("No predictive figure: predictive.csv is missing or empty.")
        return
    predictive = predictive[predictive.variable != "head"]
    fit = _csv(folder, "fit.csv")
    standards = _standards(folder)
    keys = list(dict.fromkeys(zip(predictive.location, predictive.variable)))
    if len(keys) > MAX_PANELS:
        out.notes.append(f"{len(keys)} observation points and variables in predictive.csv: "
                         f"predictive.png shows the first {MAX_PANELS}.")
        keys = keys[:MAX_PANELS]
    missing = sorted({str(v) for _, v in keys} - set(standards))
    if missing:
        out.notes.append("predictive.png: no groundwater standard for " + ", ".join(missing)
                         + " (risk.standard), so no standard line.")
    fig, axes = _grid(len(keys))
    for ax, (location, variable) in zip(axes, keys):
        rows = predictive[(predictive.location == location) & (predictive.variable == variable)]
        shown = []
        for stage, style in [("prior", PRIOR), ("posterior", POSTERIOR)]:
            part = rows[rows.stage == stage].sort_values("time")
            x = timefmt.axis_values(part.time.values, start)
            _stage_band(ax, x, part.p5, part.p50, part.p95, stage, style)
            shown += list(part.p5) + list(part.p95)
        if fit is not None:
            data = fit[(fit.well == location) & (fit.species == variable) &
                       (fit.stage == "posterior")]
            if not data.empty:
                values, detect = _observed(data.observed)
                x = timefmt.axis_values(data.time.values, start)
                ax.plot(x[detect], values[detect], "o", color="black", markersize=3,
                        label="observed")
                shown += list(values)
        standard = standards.get(str(variable))
        if standard:
            ax.axhline(standard, color="crimson", linestyle="--", linewidth=1.2,
                       label="groundwater standard")
            shown.append(standard)
        _log_if_positive(ax, shown)
        ax.set_title(f"{location}: {variable}", fontsize=9)
        ax.set_ylabel("concentration [mg/L]")
        ax.set_xlabel(timefmt.axis_label(start))
    fig.suptitle("Posterior predictive: prior and posterior bands over the horizon, with the "
                 "standard", fontsize=10)
    _legend_below(fig, axes)
    _save(fig, folder, "predictive.png")
    out.figures.append(Figure("predictive", "predictive.png",
                              "Predicted concentrations at the observation points over the whole "
                              "horizon: the prior (grey) and posterior (blue) P5-P95 band and "
                              "P50 (predictive.csv), the data and the groundwater standard.",
                              "assimilation"))


def compliance_figure(folder: str, out: FigureSet):
    table = _csv(folder, "compliance_probability.csv")
    if table is None:
        out.notes.append("No compliance-probability figure: the deck has no risk section.")
        return
    receptors = list(dict.fromkeys(table.receptor))
    fig, ax = plt.subplots(figsize=(max(6.5, 1.6 * len(receptors) + 2), 3.8))
    width = 0.38
    for k, (stage, style) in enumerate([("prior", PRIOR), ("posterior", POSTERIOR)]):
        part = table[table.stage == stage].set_index("receptor")
        values = [float(part.probability_target_met.get(r, np.nan)) for r in receptors]
        bars = ax.bar(np.arange(len(receptors)) + (k - 0.5) * width, values, width,
                      color=style["color"], alpha=0.8, label=stage)
        for bar, value in zip(bars, values):
            ax.annotate(f"{value:.2f}", (bar.get_x() + bar.get_width() / 2, value),
                        textcoords="offset points", xytext=(0, 3), ha="center", fontsize=8)
    ax.set_xticks(np.arange(len(receptors)))
    ax.set_xticklabels(receptors)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("probability of meeting the risk target")
    ax.set_title("Probability of compliance within the horizon", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    _save(fig, folder, "compliance_probability.png")
    out.figures.append(Figure("compliance_probability", "compliance_probability.png",
                              "Per receptor, the fraction of the prior and of the posterior "
                              "members that meet the risk target within the horizon "
                              "(compliance_probability.csv).", "assimilation"))


def risk_figure(folder: str, out: FigureSet, start):
    posterior = _csv(folder, "posterior_risk.csv")
    if posterior is None or posterior.empty:
        out.notes.append("No risk figure: the deck has no risk section (no posterior_risk.csv).")
        return
    prior = _csv(folder, "prior_risk.csv")
    deck = _deck(folder) or {}
    target = ((deck.get("risk") or {}).get("target")) or {}
    # The defaults of the risk section (HJ 25.3-2019: CR 1e-6, HQ 1), as the run's figures use.
    targets = {"cancer_risk": float(target.get("cancer_risk", 1e-6)),
               "hazard_index": float(target.get("hazard_quotient", 1.0))}
    labels = {"cancer_risk": "total cancer risk [-]", "hazard_index": "hazard index [-]"}
    receptors = list(dict.fromkeys(posterior.receptor))[:MAX_PANELS // 2]
    fig, grid = plt.subplots(len(receptors), 2, figsize=(10.0, 3.0 * len(receptors) + 1.2),
                             squeeze=False)
    axes = []
    for row, receptor in enumerate(receptors):
        for col, criterion in enumerate(("cancer_risk", "hazard_index")):
            ax = grid[row, col]
            axes.append(ax)
            floor = FLOOR_FRACTION * targets[criterion]
            for stage, table, style in (("prior", prior, PRIOR), ("posterior", posterior,
                                                                  POSTERIOR)):
                if table is None:
                    continue
                part = table[(table.receptor == receptor) &
                             (table.criterion == criterion)].sort_values("time_d")
                if part.empty:
                    continue
                x = timefmt.axis_values(part.time_d.values, start)
                _stage_band(ax, x, np.maximum(part.p5, floor), np.maximum(part.p50, floor),
                            np.maximum(part.p95, floor), stage, style)
            ax.axhline(targets[criterion], color="crimson", linestyle="--", linewidth=1.2,
                       label="target")
            ax.set_yscale("log")
            ax.set_ylim(bottom=floor)
            ax.set_title(f"{receptor}: {labels[criterion].split(' [')[0]}", fontsize=9)
            ax.set_ylabel(labels[criterion])
            ax.set_xlabel(timefmt.axis_label(start))
    fig.suptitle("Risk at the receptors: prior and posterior bands against the targets "
                 f"(log axis floored at {FLOOR_FRACTION:g} of the target)", fontsize=10)
    _legend_below(fig, axes)
    _save(fig, folder, "risk.png")
    out.figures.append(Figure("risk", "risk.png",
                              "Total cancer risk and hazard index per receptor over time: the "
                              "prior (grey) and posterior (blue) P5-P95 band and P50 "
                              "(prior_risk.csv, posterior_risk.csv), with the targets.",
                              "assimilation"))


def make_assimilation_figures(folder: str) -> FigureSet:
    """Every assimilation figure of `folder`, written into it."""
    out = FigureSet()
    start = _start_date(folder)
    for make in (lambda: parameters_figure(folder, out), lambda: fit_figure(folder, out, start),
                 lambda: misfit_figure(folder, out),
                 lambda: predictive_figure(folder, out, start),
                 lambda: compliance_figure(folder, out),
                 lambda: risk_figure(folder, out, start)):
        try:
            make()
        except Exception as error:  # one figure's failure is reported, the others still made
            plt.close("all")
            out.notes.append(f"an assimilation figure failed: {type(error).__name__}: {error}")
    return out


__all__: List[str] = ["is_assimilation", "make_assimilation_figures", "DPI"]
