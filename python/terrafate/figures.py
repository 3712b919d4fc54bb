"""The figures of a terrafate output folder (matplotlib, Agg).

`make_figures(results, folder)` writes PNGs into `folder` and returns a `FigureSet`: the figures
made (name, file, caption, and for maps the plotted extent) and the notes on what could not be
drawn and why (the report lists them; nothing is skipped silently).

Figures: map_<species>[_<strategy>].png (plan view of the depth-maximum concentration over the
standard, contours at 1x and 10x, with receptors, wells, sources and action regions),
breakthrough.png (concentrations at the observation points against the standard; P5-P50-P95
with an ensemble), risk_<receptor>.png (total cancer risk and hazard index against the target
and deadline; top strategies and the recommendation, ensemble bands), mass_balance.png, plume.png
(volume above the standard over time), carbon.png (t CO2e per phase and strategy) and
pareto.png (t CO2e against years to compliance, Pareto set joined, recommendation marked).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from . import timefmt  # noqa: E402
from .reader import Results  # noqa: E402

DPI = 110
#: Strategies drawn in per-strategy figures besides the recommendation (and the closest).
DEFAULT_TOP = 6
FLOOR_FRACTION = 1e-3  # log axes start at this fraction of the target (or standard)


_LAST_AXES: List[dict] = []  # the axes of the figure _save wrote last


@dataclass
class Figure:
    name: str
    file: str
    caption: str
    kind: str
    extent: Optional[List[float]] = None  # maps: [xmin, xmax, ymin, ymax] of the axes [m]
    grid_extent: Optional[List[float]] = None  # maps: the grid's [xmin, xmax, ymin, ymax] [m]
    #: each plotting axes' x and y limits and y scale (x limits in the plotted unit)
    axes: List[dict] = field(default_factory=lambda: list(_LAST_AXES))


@dataclass
class FigureSet:
    figures: List[Figure] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


class Context:
    """What every figure needs: targets, standards, deadline, strategies to show, time axis."""

    def __init__(self, results: Results, top: int = DEFAULT_TOP,
                 map_years: Optional[List[float]] = None, map_strategies: str = "recommended"):
        self.results = results
        #: maps at these times [yr] (the nearest output times); None: chosen automatically
        self.map_years = map_years
        #: maps for "recommended" (or the closest), "shown" (the top strategies) or "all"
        self.map_strategies = map_strategies
        self.deck = results.deck or {}
        self.notes: List[str] = []
        self.start = timefmt.start_date(self.deck)
        risk = self.deck.get("risk") or {}
        target = risk.get("target") or {}
        rec = results.recommendation or {}
        self.target_cr = float(rec.get("target_cancer_risk", target.get("cancer_risk", 1e-6)))
        self.target_hi = float(target.get("hazard_quotient", 1.0))
        objective = self.deck.get("objective") or {}
        self.deadline = rec.get("deadline",
                                timefmt.deck_days(objective.get("deadline"), self.start))
        self.horizon = rec.get("horizon", timefmt.deck_days(objective.get("horizon"), self.start))
        self.standards = self._standards()
        self.recommended = rec.get("recommended")
        self.closest = rec.get("closest")
        self.shown = self._shown_strategies(top)

    def _standards(self) -> Dict[str, float]:
        """Groundwater standard per species [mg/L] from plume.csv (NaN when the deck has none)."""
        try:
            plume = self.results.tables("plume")
        except FileNotFoundError:
            return {}
        out = {}
        for species, group in plume.groupby("species"):
            value = group["standard_mg_per_L"].dropna()
            if len(value) and value.iloc[0] > 0:
                out[str(species)] = float(value.iloc[0])
        return out

    def _shown_strategies(self, top: int) -> List[str]:
        """The recommendation (or the closest), then feasible strategies by footprint, then the
        rest by their exceedance after the deadline; at most `top` + 1."""
        r = self.results
        if r.kind != "optimize":
            return []
        table = r.table("strategies")
        first = [s for s in (self.recommended, self.closest) if s]
        feasible = table[table.feasible == 1].sort_values("tco2e")
        rest = table[table.feasible != 1].sort_values("exceedance_after_deadline")
        order = first + [n for n in list(feasible.name) + list(rest.name) if n not in first]
        if len(order) > top + 1:
            self.notes.append(f"{len(order)} strategies evaluated: the per-strategy figures show "
                              f"{top + 1} of them (the recommendation first, then the feasible "
                              f"ones by footprint); strategies.csv lists all.")
        return [str(n) for n in order[:top + 1]]

    def x(self, days):
        return timefmt.axis_values(days, self.start)

    def decorate_time_axis(self, ax, deadline=True):
        ax.set_xlabel(timefmt.axis_label(self.start))
        if deadline and self.deadline is not None:
            ax.axvline(self.x([self.deadline])[0], color="crimson", linestyle=":", linewidth=1.5,
                       label=f"deadline ({timefmt.time_text(self.deadline, self.start)})")

    def strategy_style(self, name: str, index: int) -> dict:
        if name == self.recommended:
            return {"color": "black", "linewidth": 2.6, "label": f"{name} (recommended)",
                    "zorder": 5}
        if name == self.closest:
            return {"color": "dimgray", "linewidth": 2.2, "label": f"{name} (closest; infeasible)",
                    "zorder": 4}
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        return {"color": colors[index % len(colors)], "linewidth": 1.3, "label": name}


def _save(fig, folder: str, name: str) -> str:
    path = os.path.join(folder, name)
    fig.savefig(path, dpi=DPI)
    _LAST_AXES[:] = [{"title": ax.get_title(), "xlim": [float(v) for v in ax.get_xlim()],
                      "ylim": [float(v) for v in ax.get_ylim()], "yscale": ax.get_yscale(),
                      "ylabel": ax.get_ylabel(),
                      "legend_entries": len(ax.get_legend().get_texts()) if ax.get_legend() else 0}
                     for ax in fig.axes if ax.get_visible() and ax.axison and ax.get_label() != "<colorbar>"]
    plt.close(fig)
    return path


def _floor(target: float) -> float:
    return FLOOR_FRACTION * target


# ----- maps --------------------------------------------------------------------------------------
def _box_xy(region) -> Optional[tuple]:
    if isinstance(region, dict) and "box" in region:
        lo, hi = region["box"]["min"], region["box"]["max"]
        return float(lo[0]), float(lo[1]), float(hi[0]) - float(lo[0]), float(hi[1]) - float(lo[1])
    return None


# Label offsets tried around a point, in points: (dx, dy, horizontal, vertical alignment).
_LABEL_OFFSETS = [(4, 4, "left", "bottom"), (-4, 4, "right", "bottom"), (4, -4, "left", "top"),
                  (-4, -4, "right", "top"), (7, 0, "left", "center"), (-7, 0, "right", "center"),
                  (0, 7, "center", "bottom"), (0, -7, "center", "top")]


def _overlap(a, b) -> float:
    """Area [px2] shared by two display-space boxes (matplotlib Bbox)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _place_labels(ax, labels) -> None:
    """Writes each label (text, (x, y) in data units, text style) at the first of
    _LABEL_OFFSETS around its point whose box lies inside the axes and overlaps neither a label
    placed before it nor a labelled point (a 5 px square); when none is free, at the offset that
    overlaps least (what lies outside the axes counted ten times). Call once the axes' limits
    and aspect are set."""
    from matplotlib.patheffects import withStroke
    from matplotlib.transforms import Bbox
    halo = [withStroke(linewidth=2.0, foreground="white")]  # readable over the colour map
    renderer = ax.figure.canvas.get_renderer()
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    marks = []
    for _, xy, _ in labels:
        px, py = ax.transData.transform(xy)
        marks.append(Bbox.from_extents(px - 5, py - 5, px + 5, py + 5))
    placed = []
    for n, (text, xy, style) in enumerate(labels):
        best, best_cost = None, None
        for dx, dy, ha, va in _LABEL_OFFSETS:
            label = ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha,
                                va=va, annotation_clip=False, path_effects=halo, **style)
            box = label.get_window_extent(renderer)
            outside = box.width * box.height - _overlap(box, frame)
            cost = 10.0 * outside + sum(_overlap(box, other) for other in placed)
            cost += sum(_overlap(box, mark) for m, mark in enumerate(marks) if m != n)
            if best is None or cost < best_cost:
                if best is not None:
                    best.remove()
                best, best_cost = label, cost
            else:
                label.remove()
            if cost == 0.0:
                break
        placed.append(best.get_window_extent(renderer))


def _draw_site(ax, ctx: Context, strategy: Optional[str], grid, labels) -> List[str]:
    """Receptors, wells, observation points, sources and action regions from the deck, their
    names appended to `labels` (for _place_labels); returns notes on items that could not be
    placed."""
    notes = []
    if strategy is not None:
        realization = ctx.results.realizations[0] if ctx.results.realizations else None
        deck = ctx.results.deck_for(strategy, realization)
    else:
        deck = ctx.deck
    xmin, xmax = grid["x"][0], grid["x"][-1]
    ymin, ymax = grid["y"][0], grid["y"][-1]
    transport = deck.get("transport") or {}
    for i, src in enumerate((transport.get("sources") or []) + (transport.get("initial") or [])):
        box = _box_xy(src.get("region"))
        if box:
            ax.add_patch(Rectangle(box[:2], box[2], box[3], fill=False, edgecolor="darkred",
                                   linewidth=1.6, label="source or initial mass" if i == 0 else None))
        elif src.get("region") not in (None, "all"):
            notes.append(f"source {i + 1}: region {src.get('region')!r} not drawn")
    for zone in ((deck.get("soil") or {}).get("zones") or []):
        fp = zone.get("footprint")
        if fp:
            ax.add_patch(Rectangle((fp["min"][0], fp["min"][1]), fp["max"][0] - fp["min"][0],
                                   fp["max"][1] - fp["min"][1], fill=False, edgecolor="saddlebrown",
                                   linestyle="--", linewidth=1.0, label="soil zone"))
    actions = {a.get("name"): a for a in (deck.get("remediation") or [])}
    active = list(actions)
    drawn_label = set()
    for name in active:
        action = actions.get(name) or {}
        box = _box_xy(action.get("region"))
        if box:
            ax.add_patch(Rectangle(box[:2], box[2], box[3], fill=False, edgecolor="darkgreen",
                                   linestyle="-.", linewidth=1.4,
                                   label="action region" if "region" not in drawn_label else None))
            labels.append((name, (box[0], box[1] + box[3]), {"fontsize": 7, "color": "darkgreen"}))
            drawn_label.add("region")
        for well in action.get("wells") or [] if isinstance(action.get("wells"), list) else []:
            pos = well.get("position")
            if pos:
                ax.plot(pos[0], pos[1], "v", color="darkgreen", markersize=7,
                        label="extraction well" if "ew" not in drawn_label else None)
                labels.append((well.get("name", ""), (pos[0], pos[1]), {"fontsize": 7}))
                drawn_label.add("ew")
    for well in ((deck.get("flow") or {}).get("wells") or []):
        pos = well.get("position")
        if pos:
            ax.plot(pos[0], pos[1], "s", color="navy", markersize=6,
                    label="pumping well" if "pw" not in drawn_label else None)
            labels.append((well.get("name", ""), (pos[0], pos[1]), {"fontsize": 7}))
            drawn_label.add("pw")
    observations = deck.get("observations") or {}
    for point in observations.get("points") or []:
        pos = point.get("position")
        ax.plot(pos[0], pos[1], "^", color="dimgray", markersize=5,
                label="observation point" if "op" not in drawn_label else None)
        labels.append((point.get("name", ""), (pos[0], pos[1]),
                       {"fontsize": 6, "color": "dimgray"}))
        drawn_label.add("op")
    planes = {p.get("name"): p for p in observations.get("planes") or []}
    for receptor in ((deck.get("risk") or {}).get("receptors") or []):
        name = receptor.get("name", "")
        if receptor.get("position"):
            pos = receptor["position"]
            ax.plot(pos[0], pos[1], "*", color="magenta", markersize=12, markeredgecolor="black",
                    label="receptor" if "rc" not in drawn_label else None, zorder=6)
            labels.append((name, (pos[0], pos[1]), {"fontsize": 8, "color": "purple",
                                                    "zorder": 6}))
            drawn_label.add("rc")
        elif receptor.get("plane") in planes:
            plane = planes[receptor["plane"]]
            pos = float(plane["position"])
            if plane.get("axis") == "x":
                ax.plot([pos, pos], [ymin, ymax], color="magenta", linewidth=2,
                        label="receptor plane" if "rp" not in drawn_label else None)
                labels.append((name, (pos, ymax), {"fontsize": 8, "color": "purple"}))
            elif plane.get("axis") == "y":
                ax.plot([xmin, xmax], [pos, pos], color="magenta", linewidth=2,
                        label="receptor plane" if "rp" not in drawn_label else None)
                labels.append((name, (xmax, pos), {"fontsize": 8, "color": "purple"}))
            else:
                notes.append(f"receptor {name}: a horizontal (z) plane has no trace on a plan view")
            drawn_label.add("rp")
        else:
            notes.append(f"receptor {name}: no position or plane in the deck, not drawn")
    return notes


def _map_times(times: np.ndarray, peak_index: int) -> List[int]:
    """Up to four output times: the first with mass, the peak, the deadline side and the end."""
    n = len(times)
    picks = sorted({max(1, n // 3) if n > 2 else 0, peak_index, (2 * n) // 3, n - 1})
    return [i for i in picks if 0 <= i < n][:4]


def _mapped_species(ctx: Context, ds) -> List[str]:
    """The deck's (mobile, dissolved) species that the file has; without a deck, the mg/L fields
    that are not immobile-domain concentrations."""
    names = [sp.get("name") for sp in ((ctx.deck.get("transport") or {}).get("species") or [])]
    if names:
        return [n for n in names if n in ds.data_vars]
    return [n for n in ds.data_vars if ds[n].attrs.get("units") == "mg/L"
            and not n.endswith("_immobile")]


def map_figures(ctx: Context, folder: str, out: FigureSet):
    r = ctx.results
    files = r.h5_files()
    if not files:
        out.notes.append("No maps: the output has no results.h5 with fields (output.hdf5 is off "
                         "in the deck, output.strategies is none, or this is a design search "
                         "that keeps no 3-D fields).")
        return
    if r.kind == "optimize":
        candidates = {"recommended": [ctx.recommended, ctx.closest], "shown": ctx.shown,
                      "all": r.strategies}[ctx.map_strategies]
        targets = [s for s in candidates if s and any(f.strategy == s for f, _ in files)] or \
            [files[0][0].strategy]
    else:
        targets = [None]
    if r.kind == "optimize" and ctx.map_strategies == "recommended":
        # When the recommendation's fields are zero (e.g. the source was removed at once), the
        # maps of the next strategies shown say where the plume would be.
        fallback = [s for s in ctx.shown if s not in targets and any(
            f.strategy == s for f, _ in files)]
    else:
        fallback = []
    drawn_before = len(out.figures)
    for strategy in targets:
        _strategy_maps(ctx, folder, out, files, strategy)
    while fallback and len(out.figures) == drawn_before:
        strategy = fallback.pop(0)
        out.notes.append(f"The maps of {', '.join(t for t in targets if t)} would be empty; "
                         f"maps of {strategy} are shown instead.")
        _strategy_maps(ctx, folder, out, files, strategy)


def _strategy_maps(ctx: Context, folder: str, out: FigureSet, files, strategy: Optional[str]):
    """The maps of one strategy (None: the run), one per species."""
    r = ctx.results
    realizations = sorted({f.realization for f, _ in files if f.strategy == strategy
                           and f.realization is not None})
    if realizations:
        first = r.fields(strategy, realizations[0])
        species = _mapped_species(ctx, first)
        parts = [first[species]] + [r.fields(strategy, k, names=species)
                                    for k in realizations[1:]]
        depth_max = {n: np.stack([p[n].max("z").values for p in parts]) for n in species}
        depth_max = {n: np.median(v, axis=0) for n, v in depth_max.items()}
        ds = first
        what = f"depth maximum (median of {len(realizations)} realizations)"
    else:
        ds = r.fields(strategy, None)
        species = _mapped_species(ctx, ds)
        depth_max = {n: ds[n].max("z").values for n in species}
        what = "depth maximum"
    grid = {"x": ds.x_nodes.values, "y": ds.y_nodes.values}
    days = ds.time.values
    for name in species:
        data = depth_max[name]  # [time, y, x]
        standard = ctx.standards.get(name)
        if not np.any(data > 0):
            out.notes.append(f"map of {name}{' (' + strategy + ')' if strategy else ''}: "
                             f"zero everywhere at every output time; no map drawn")
            continue
        ratio = data / standard if standard else data / np.nanmax(data)
        peak = int(np.nanargmax(np.nanmax(ratio.reshape(len(days), -1), axis=1)))
        if ctx.map_years:
            wanted = np.asarray(ctx.map_years, float) * timefmt.DAYS_PER_YEAR
            picks = sorted({int(np.argmin(np.abs(days - w))) for w in wanted})[:6]
        else:
            picks = _map_times(days, peak)
        ncols = min(2, len(picks))
        nrows = math.ceil(len(picks) / ncols)
        nx, ny = len(grid["x"]) - 1, len(grid["y"]) - 1
        width = grid["x"][-1] - grid["x"][0]
        height = grid["y"][-1] - grid["y"][0]
        aspect_ok = height / width > 0.05
        panel_w = 4.4
        panel_h = panel_w * min(1.2, max(0.3, height / width)) if aspect_ok else 1.4
        legend_h, title_h = 0.75, 0.45
        fig_w = panel_w * ncols + 2.0
        fig_h = (panel_h + 0.75) * nrows + legend_h + title_h
        fig, axes = plt.subplots(nrows, ncols, figsize=(fig_w, fig_h), squeeze=False)
        fig.subplots_adjust(left=0.8 / fig_w, right=1 - 1.3 / fig_w,
                            bottom=(legend_h + 0.45) / fig_h, top=1 - title_h / fig_h,
                            hspace=0.75 / (panel_h + 0.01), wspace=0.25)
        vmax = max(float(np.nanmax(ratio)), 10.0 if standard else 1.0)
        vmin = FLOOR_FRACTION * (1.0 if standard else vmax)
        norm = LogNorm(vmin=vmin, vmax=vmax)
        notes = []
        flat = axes.ravel()
        for ax, i in zip(flat, picks):
            shown = np.clip(ratio[i], vmin, None)
            mesh = ax.pcolormesh(grid["x"], grid["y"], shown, norm=norm, cmap="YlOrRd",
                                 shading="flat")
            if standard and nx > 1 and ny > 1:
                xc = 0.5 * (grid["x"][1:] + grid["x"][:-1])
                yc = 0.5 * (grid["y"][1:] + grid["y"][:-1])
                levels = [lv for lv in (1.0, 10.0) if np.nanmax(ratio[i]) > lv]
                if levels:
                    cs = ax.contour(xc, yc, ratio[i], levels=levels, colors=["black", "blue"][
                        :len(levels)], linewidths=[1.2, 1.0][:len(levels)])
                    ax.clabel(cs, fmt={1.0: "1x", 10.0: "10x"}, fontsize=7)
            labels = []
            notes = _draw_site(ax, ctx, strategy, grid, labels)
            ax.set_xlim(grid["x"][0], grid["x"][-1])
            ax.set_ylim(grid["y"][0], grid["y"][-1])
            if aspect_ok:
                ax.set_aspect("equal", adjustable="box")
            _place_labels(ax, labels)
            ax.set_title(f"{timefmt.time_text(days[i], ctx.start)}", fontsize=9)
            ax.set_ylabel("y [m]", fontsize=8)
            ax.set_xlabel("x [m]", fontsize=8)
            ax.tick_params(labelsize=7)
        for ax in flat[len(picks):]:
            ax.axis("off")
        handles, labels = flat[0].get_legend_handles_labels()
        if handles:
            fig.legend(handles, labels, loc="lower center", ncol=min(4, len(handles)),
                       fontsize=7, frameon=False)
        label = (f"{name} {what}\n/ standard ({standard:g} mg/L)" if standard else
                 f"{name} {what}\n/ its maximum (no standard in the deck)")
        cax = fig.add_axes([1 - 1.05 / fig_w, (legend_h + 0.45) / fig_h, 0.18 / fig_w,
                            1 - (legend_h + 0.45 + title_h) / fig_h])
        fig.colorbar(mesh, cax=cax).set_label(label, fontsize=8)
        title = f"{name}" + (f", strategy {strategy}" if strategy else "")
        fig.suptitle(title + (": contours at 1x and 10x the standard" if standard else ""),
                     fontsize=10)
        axes = flat.reshape(-1, 1)
        file = f"map_{name}" + (f"_{strategy}" if strategy else "") + ".png"
        extent = list(axes[0, 0].get_xlim()) + list(axes[0, 0].get_ylim())
        _save(fig, folder, file)
        caption = (f"Plan view of the {what} of {name}"
                   + (f" under {strategy}" if strategy else "")
                   + (f" over the standard {standard:g} mg/L (contours at 1x and 10x)"
                      if standard else " (no groundwater standard: relative to its maximum)")
                   + "; receptors, wells, sources and action regions from the deck.")
        out.figures.append(Figure(file[:-4], file, caption, "map", extent=[float(v) for v in
                                  extent], grid_extent=[float(grid["x"][0]),
                                                        float(grid["x"][-1]),
                                                        float(grid["y"][0]),
                                                        float(grid["y"][-1])]))
        for note in notes:
            if note not in out.notes:
                out.notes.append(note)
        if not standard:
            chosen = (ctx.deck.get("risk") or {}).get("standard", "none")
            out.notes.append(f"{name}: no groundwater standard (risk.standard: {chosen}), "
                             f"so its map shows the concentration relative to its maximum "
                             f"and has no 1x/10x contours.")


# ----- curves ------------------------------------------------------------------------------------
def _band(ax, ctx, days, values, style, band=True):
    """A line, or with a realization axis (first axis) its P50 and a P5-P95 band."""
    values = np.asarray(values, float)
    if values.ndim == 2:
        p5, p50, p95 = np.nanpercentile(values, [5, 50, 95], axis=0)
        ax.plot(ctx.x(days), p50, **style)
        if band:
            ax.fill_between(ctx.x(days), p5, p95, color=style.get("color"), alpha=0.18,
                            linewidth=0)
        return float(np.nanmax(p95))
    ax.plot(ctx.x(days), values, **style)
    return float(np.nanmax(values)) if values.size else 0.0


def _log_axis(ax, floor, top):
    ax.set_yscale("log")
    ax.set_ylim(floor, max(top * 3, floor * 100))


def breakthrough_figure(ctx: Context, folder: str, out: FigureSet):
    r = ctx.results
    try:
        obs = r.tables("observations")
    except FileNotFoundError:
        out.notes.append("No breakthrough curves: no observations.csv (the deck has no "
                         "observation points).")
        return
    obs = obs[obs.variable != "head"]
    obs = obs[obs.unit == "mg/L"] if "unit" in obs else obs
    if obs.empty:
        out.notes.append("No breakthrough curves: observations.csv holds no concentrations.")
        return
    if r.kind == "optimize":
        strategy = ctx.recommended or ctx.closest or ctx.shown[0]
        obs = obs[obs.strategy == strategy]
        subtitle = f" (strategy {strategy})"
    else:
        subtitle = ""
    locations = list(dict.fromkeys(obs.location))
    if len(locations) > 9:
        out.notes.append(f"{len(locations)} observation points: breakthrough.png shows the first 9.")
        locations = locations[:9]
    ncols = min(3, len(locations))
    nrows = math.ceil(len(locations) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.2 * nrows + 0.6), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    ensemble = obs.realization.notna().any()
    legend = {}
    for k, location in enumerate(locations):
        ax = axes[k // ncols, k % ncols]
        top = 0.0
        groups = list(obs[obs.location == location].groupby("variable", sort=False))
        floors = [_floor(ctx.standards[str(sp)]) for sp, _ in groups if str(sp) in ctx.standards]
        peak = max(float(g.value.max()) for _, g in groups)
        floor = min(floors) if floors else (peak * FLOOR_FRACTION if peak > 0 else 1e-6)
        for j, (species, group) in enumerate(groups):
            standard = ctx.standards.get(str(species))
            style = {"color": colors[j % len(colors)], "label": str(species)}
            if ensemble:
                pivot = group.pivot_table(index="realization", columns="time", values="value")
                days, values = pivot.columns.values, pivot.values
            else:
                days, values = group.time.values, group.value.values
            top = max(top, _band(ax, ctx, days, np.maximum(np.asarray(values, float), floor),
                                 style))
            if standard:
                ax.axhline(standard, color=style["color"], linestyle="--", linewidth=1,
                           label=f"{species} standard")
                top = max(top, standard)
        if top > 0:
            _log_axis(ax, floor, top)
        ctx.decorate_time_axis(ax)
        ax.set_title(location, fontsize=9)
        ax.set_ylabel("concentration [mg/L]")
        legend = {**dict(zip(*ax.get_legend_handles_labels()[::-1])), **legend}
    for k in range(len(locations), nrows * ncols):
        axes[k // ncols, k % ncols].axis("off")
    fig.suptitle("Breakthrough at the observation points" + subtitle +
                 (": P50 with a P5-P95 band" if ensemble else ""), fontsize=10)
    legend_rows = math.ceil(len(legend) / 5)
    fig.tight_layout(rect=(0, 0.25 * legend_rows / fig.get_figheight(), 1, 1))
    fig.legend(list(legend.values()), list(legend.keys()), loc="lower center", ncol=5,
               fontsize=7, frameon=False)
    _save(fig, folder, "breakthrough.png")
    out.figures.append(Figure("breakthrough", "breakthrough.png",
                              "Concentrations at the observation points against the standards"
                              + subtitle + (" (ensemble: P50 line, P5-P95 band)" if ensemble
                                            else "") + "; the log axis starts at 1e-3 of the "
                              "standard.", "curves"))


def _risk_series(ctx: Context):
    """Per receptor: {strategy or None: (days, cancer_risk [..., time], hazard_index)}."""
    r = ctx.results
    if r.kind == "optimize":
        rt = r.risk_trajectories()
        if not len(rt.data_vars):
            return {}
        out = {}
        for receptor in rt.receptor.values:
            out[str(receptor)] = {}
            for s in ctx.shown:
                if s not in rt.strategy.values:
                    continue
                sel = rt.sel(strategy=s, receptor=receptor)
                if "realization" in sel.dims:
                    sel = sel.transpose("realization", "time")
                out[str(receptor)][s] = (rt.time.values, sel.cancer_risk.values,
                                         sel.hazard_index.values)
        return out
    try:
        risk = r.tables("risk")
    except FileNotFoundError:
        return {}
    risk = risk[(risk.species == "all") & (risk.pathway == "all")]
    out = {}
    for receptor, group in risk.groupby("receptor", sort=False):
        if group.realization.notna().any():
            cr = group.pivot_table(index="realization", columns="time", values="cancer_risk")
            hi = group.pivot_table(index="realization", columns="time", values="hazard_quotient")
            out[str(receptor)] = {None: (cr.columns.values, cr.values, hi.values)}
        else:
            out[str(receptor)] = {None: (group.time.values, group.cancer_risk.values,
                                         group.hazard_quotient.values)}
    return out


def risk_figures(ctx: Context, folder: str, out: FigureSet):
    series = _risk_series(ctx)
    if not series:
        out.notes.append("No risk figures: no risk.csv or risk trajectories (the deck has no "
                         "risk section).")
        return
    for receptor, by_strategy in series.items():
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        ensemble = False
        for (ax, what, target, label) in ((axes[0], 1, ctx.target_cr, "total cancer risk [-]"),
                                          (axes[1], 2, ctx.target_hi, "hazard index [-]")):
            top = target
            for k, (strategy, data) in enumerate(by_strategy.items()):
                days, values = data[0], np.asarray(data[what], float)
                ensemble = ensemble or values.ndim == 2
                style = ctx.strategy_style(strategy, k) if strategy else {"color": "C0",
                                                                          "label": receptor}
                top = max(top, _band(ax, ctx, days, np.maximum(values, _floor(target)), style))
            ax.axhline(target, color="black", linestyle="--", linewidth=1,
                       label=f"target {target:g}")
            peak = max(float(np.nanmax(np.asarray(d[what], float), initial=0.0))
                       for d in by_strategy.values())
            if peak <= _floor(target):
                ax.text(0.5, 0.5, f"at most 1e-3 x the target throughout (peak {peak:.2g})",
                        transform=ax.transAxes, ha="center", fontsize=9, color="dimgray")
            _log_axis(ax, _floor(target), top)
            ctx.decorate_time_axis(ax)
            ax.set_ylabel(label)
        axes[1].legend(fontsize=7, loc="best")
        title = f"Receptor {receptor}"
        if ensemble:
            title += ": P50 with a P5-P95 band over the realizations"
        fig.suptitle(title, fontsize=10)
        fig.tight_layout()
        file = f"risk_{receptor}.png"
        _save(fig, folder, file)
        out.figures.append(Figure(file[:-4], file,
                                  f"Total cancer risk and hazard index at {receptor}"
                                  + (" for the recommended and the top strategies"
                                     if ctx.results.kind == "optimize" else "")
                                  + " against the target (dashed) and the deadline (dotted); "
                                  "the log axis starts at 1e-3 of the target.", "risk"))


def mass_balance_figure(ctx: Context, folder: str, out: FigureSet):
    r = ctx.results
    try:
        mb = r.tables("mass_balance")
    except FileNotFoundError:
        out.notes.append("No mass-balance figure: no mass_balance.csv (no transport).")
        return
    if r.kind == "optimize":
        strategy = ctx.recommended or ctx.closest or ctx.shown[0]
        mb = mb[mb.strategy == strategy]
        subtitle = f", strategy {strategy}"
    else:
        subtitle = ""
    ensemble = mb.realization.notna().any()
    if ensemble:
        first = mb.realization.dropna().min()
        mb = mb[mb.realization == first]
        subtitle += f", realization {int(first)}"
    components = [("dissolved", "remaining dissolved"), ("sorbed", "sorbed"),
                  ("immobile", "immobile"), ("soil", "in the soil"), ("decayed", "decayed"),
                  ("removed", "removed"), ("outflow", "discharged (outflow)"),
                  ("volatilized", "volatilized")]
    species = list(dict.fromkeys(mb.species))
    napl = None
    try:
        napl = r.tables("napl")
    except FileNotFoundError:
        pass
    panels = len(species) + (1 if napl is not None else 0)
    ncols = min(3, panels)
    nrows = math.ceil(panels / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(max(9.0, 4.6 * ncols), 3.4 * nrows + 0.9),
                             squeeze=False)
    flat = axes.ravel()
    for ax in flat[panels:]:
        ax.axis("off")
    for ax, name in zip(flat, species):
        group = mb[mb.species == name]
        unit = group.unit.iloc[0] if "unit" in group else "g"
        big = group[[c for c, _ in components if c in group]].abs().max().max() > 1e4
        scale, shown_unit = (1e-3, "kg") if unit == "g" and big else (1.0, unit)
        for column, label in components:
            if column in group and group[column].abs().max() > 0:
                ax.plot(ctx.x(group.time.values), group[column].values * scale, label=label)
        ctx.decorate_time_axis(ax, deadline=False)
        ax.set_ylabel(f"mass [{shown_unit}]")
        ax.set_title(str(name), fontsize=9)
        ax.legend(fontsize=6)
    if napl is not None:
        ax = flat[panels - 1]
        if r.kind == "optimize":
            napl = napl[napl.strategy == strategy]
        if napl.realization.notna().any():
            napl = napl[napl.realization == napl.realization.dropna().min()]
        mass = "napl_mass_g" if "napl_mass_g" in napl else None
        if mass:
            key = "source" if "source" in napl else "species"
            for source, group in napl.groupby(key, sort=False):
                ax.plot(ctx.x(group.time.values), group[mass].values / 1e3, label=str(source))
            ax.set_ylabel("NAPL mass [kg]")
            ax.legend(fontsize=6)
        else:
            out.notes.append("napl.csv has no napl_mass_g column: no NAPL depletion curve.")
        ctx.decorate_time_axis(ax, deadline=False)
        ax.set_title("NAPL source depletion", fontsize=9)
    else:
        out.notes.append("No NAPL depletion panel: the deck has no NAPL source (no napl.csv).")
    fig.suptitle("Where the mass went: inventories (dissolved, sorbed, soil) and cumulative\n"
                 "amounts (decayed, removed, discharged, volatilized)" + subtitle, fontsize=10)
    fig.tight_layout()
    _save(fig, folder, "mass_balance.png")
    out.figures.append(Figure("mass_balance", "mass_balance.png",
                              "Mass per species over time" + subtitle + ": remaining dissolved, "
                              "sorbed, decayed, removed, discharged, in the soil.", "mass"))


def plume_figure(ctx: Context, folder: str, out: FigureSet):
    r = ctx.results
    try:
        plume = r.tables("plume")
    except FileNotFoundError:
        out.notes.append("No plume-volume figure: no plume.csv.")
        return
    plume = plume[plume.volume_above_standard_m3.notna()]
    if plume.empty:
        out.notes.append("No plume-volume figure: no species has a groundwater standard.")
        return
    fig, ax = plt.subplots(figsize=(7.5, 4))
    strategies = ctx.shown if r.kind == "optimize" else [None]
    for k, strategy in enumerate(strategies):
        sub = plume[plume.strategy == strategy] if strategy else plume
        for j, (species, group) in enumerate(sub.groupby("species", sort=False)):
            style = ctx.strategy_style(strategy, k) if strategy else {"color": f"C{j}"}
            style = dict(style, label=f"{style.get('label', '')} {species}".strip(),
                         linestyle=["-", "--", ":", "-."][j % 4])
            if group.realization.notna().any():
                pivot = group.pivot_table(index="realization", columns="time",
                                          values="volume_above_standard_m3")
                _band(ax, ctx, pivot.columns.values, pivot.values, style)
            else:
                ax.plot(ctx.x(group.time.values), group.volume_above_standard_m3.values, **style)
    ctx.decorate_time_axis(ax)
    ax.set_ylabel("aquifer volume above the standard [m3]")
    ax.legend(fontsize=7)
    fig.tight_layout()
    _save(fig, folder, "plume.png")
    out.figures.append(Figure("plume", "plume.png", "Volume of aquifer above the groundwater "
                              "standard over time, per species.", "curves"))


def carbon_figure(ctx: Context, folder: str, out: FigureSet):
    r = ctx.results
    phases = ["construction", "operation", "monitoring", "transport_and_disposal"]
    if r.kind == "optimize":
        table = r.table("strategies").set_index("name")
        names = [s for s in ctx.shown if s in table.index]
        values = {p: [float(table.loc[n, f"tco2e_{p}"]) for n in names] for p in phases
                  if f"tco2e_{p}" in table}
        labels = [n + (" *" if n == ctx.recommended else "") for n in names]
    else:
        try:
            summary = r.tables("carbon_summary")
        except FileNotFoundError:
            out.notes.append("No carbon figure: no carbon_summary.csv (the deck has no carbon "
                             "section or no remediation).")
            return
        if summary.realization.notna().any():
            summary = summary[summary.realization == summary.realization.dropna().min()]
        by_phase = dict(zip(summary.phase, summary.tco2e))
        names, labels = ["run"], ["this run"]
        values = {p: [float(by_phase.get(p, 0.0))] for p in phases}
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(names) + 1.8))
    left = np.zeros(len(names))
    for p, v in values.items():
        ax.barh(labels, v, left=left, label=p.replace("_", " "))
        left += np.asarray(v)
    for y, total in enumerate(left):
        ax.annotate(f"{timefmt.round_sig(float(total), 3):,g} t", (total, y), xytext=(3, -3),
                    textcoords="offset points", fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("t CO2e")
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Carbon footprint per phase" + (" (* recommended)" if ctx.recommended else ""),
                 fontsize=10)
    fig.tight_layout()
    _save(fig, folder, "carbon.png")
    out.figures.append(Figure("carbon", "carbon.png", "t CO2e per phase" +
                              (" and strategy (the recommendation and the top strategies)"
                               if r.kind == "optimize" else ""), "carbon"))


def pareto_figure(ctx: Context, folder: str, out: FigureSet):
    r = ctx.results
    if r.kind != "optimize":
        return
    table = r.table("strategies")
    pareto = set(r.table("pareto").name) if r.has_table("pareto") else set()
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    ok = table[table.time_to_target.notna()]
    never = table[table.time_to_target.isna()]
    horizon_years = (ctx.horizon or (ok.time_to_target.max() if len(ok) else 1.0)) / \
        timefmt.DAYS_PER_YEAR
    ax.scatter(ok.time_to_target / timefmt.DAYS_PER_YEAR, ok.tco2e, c=np.where(
        ok.feasible == 1, "tab:blue", "tab:gray"), s=22, label="evaluated (grey: infeasible)")
    if len(never):
        ax.scatter(np.full(len(never), horizon_years * 1.05), never.tco2e, marker="x",
                   color="tab:red", label="never compliant (plotted right of the horizon)")
    front = table[table.name.isin(pareto)].sort_values("time_to_target")
    if len(front):
        ax.plot(front.time_to_target / timefmt.DAYS_PER_YEAR, front.tco2e, "-o", color="tab:green",
                markersize=5, label="Pareto set")
    labelled = set(list(front.name)[:8]) | {ctx.recommended, ctx.closest}
    for _, row in table.iterrows():
        if row["name"] in labelled:
            x = row.time_to_target / timefmt.DAYS_PER_YEAR if not math.isnan(
                row.time_to_target) else horizon_years * 1.05
            ax.annotate(row["name"], (x, row.tco2e), fontsize=7, xytext=(4, 3),
                        textcoords="offset points")
    if ctx.recommended is not None and ctx.recommended in set(table.name):
        row = table[table.name == ctx.recommended].iloc[0]
        ax.plot(row.time_to_target / timefmt.DAYS_PER_YEAR, row.tco2e, "*", color="gold",
                markersize=18, markeredgecolor="black", label="recommended", zorder=6)
    else:
        out.notes.append("No recommendation to mark on the Pareto plot: no strategy is feasible.")
    if ctx.deadline is not None:
        ax.axvline(ctx.deadline / timefmt.DAYS_PER_YEAR, color="crimson", linestyle=":",
                   label="deadline")
    ax.set_xlabel("years to compliance")
    ax.set_ylabel("t CO2e")
    ax.legend(fontsize=7)
    ax.set_title(f"{len(table)} strategies: footprint against time to compliance", fontsize=10)
    fig.tight_layout()
    _save(fig, folder, "pareto.png")
    out.figures.append(Figure("pareto", "pareto.png", "t CO2e against years to compliance; the "
                              "Pareto set joined, the recommendation starred.", "pareto"))


def make_figures(results: Results, folder: Optional[str] = None, top: int = DEFAULT_TOP,
                 map_years: Optional[List[float]] = None,
                 map_strategies: str = "recommended") -> FigureSet:
    """All figures of an output folder, written into `folder` (default: the output folder)."""
    folder = folder or results.path
    os.makedirs(folder, exist_ok=True)
    ctx = Context(results, top, map_years, map_strategies)
    out = FigureSet()
    for make in (map_figures, breakthrough_figure, risk_figures, mass_balance_figure,
                 plume_figure, carbon_figure, pareto_figure):
        try:
            make(ctx, folder, out)
        except Exception as error:  # one figure's failure is reported, the others still made
            plt.close("all")
            out.notes.append(f"{make.__name__} failed: {type(error).__name__}: {error}")
    out.notes = ctx.notes + out.notes
    out.context = ctx
    return out
