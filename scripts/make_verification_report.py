#!/usr/bin/python3
"""Generate docs/verification.md and its plots (docs/verification/*.png) from the outputs the test
suite leaves in the build tree, with the references and tolerances of the checks themselves.

    ctest --test-dir build            # once: the verification tests write their outputs
    /usr/bin/python3 scripts/make_verification_report.py --build build

Nothing is re-run: each case reads the output folder its ctest wrote under build/tests/<area>/
and recomputes that test's comparison, importing the reference (closed form, constants,
bisection) from the test's own check script or tests/transport/analytic.py, so the report
cannot drift from what the tests assert. A case whose outputs are missing (its test was not
run, or was skipped because ../shared/reference/mf6 is absent) is listed as such.

Cases: every ctest that compares terrafate with an independent reference: MODFLOW 6 problems
1 and 2; the van Genuchten & Alves third-type column; the steady decay chain; the Hunt /
Wilson-Miller steady line source, along the grid and at 45 degrees; positivity of a decay chain
in oblique 3-D flow (mass vs the Bateman recursion); NAPL source depletion;
dual-domain batch (closed form) and column (converged fine grid); Freundlich / Langmuir batch
equilibrium (bisection) and zero-order decay; control-plane mass discharge; zone decay rates;
soil slug leaching with and without a gas phase, volatilization, the cap's leaching rates;
the PRB two-zone closed form, ISCO second-order kinetics, NAPL source removal; lognormal
ensemble risk quantiles. The cases not plotted, and why, are listed at the end of the report.
"""
import argparse
import csv
import datetime
import importlib
import json
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
for area in ("transport", "soil", "remediation", "risk"):
    sys.path.insert(0, str(ROOT / "tests" / area))
from analytic import SteadyChain, first_type, line_source_steady, third_type  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "reference" / "mf6" / "results"
FIGURES = ROOT / "docs" / "verification"

DPI = 100


class Missing(Exception):
    """A case's outputs (or its reference) are not there."""


def need(out, *others):
    """The output folder `out` if it and the files `others` exist, else Missing."""
    for path in (out, *others):
        if not Path(path).exists():
            raise Missing(str(path))
    return Path(out)


def check(name):
    """A test's check script, imported as a module (its main() is not run)."""
    return importlib.import_module(name)


def observations(out, species):
    series = {}
    with open(out / "observations.csv") as f:
        for row in csv.DictReader(f):
            if row["variable"] == species:
                series.setdefault(row["location"], []).append((float(row["time"]),
                                                               float(row["value"])))
    return {k: np.array(sorted(v)) for k, v in series.items()}


def point_values(out):
    """{(location, variable, time): value} from observations.csv."""
    with open(out / "observations.csv") as f:
        return {(r["location"], r["variable"], float(r["time"])): float(r["value"])
                for r in csv.DictReader(f)}


def balance_rows(out):
    with open(out / "mass_balance.csv") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for key, value in row.items():
            if key not in ("species", "unit"):
                row[key] = float(value)
    return rows


def closure(*outs):
    return max(abs(r["relative_closure"]) for out in outs for r in balance_rows(out))


def napl_masses(out):
    with open(out / "napl.csv") as f:
        return [(float(r["time"]), float(r["napl_mass_g"])) for r in csv.DictReader(f)]


def save(fig, name):
    fig.tight_layout()
    fig.savefig(FIGURES / name, dpi=DPI)
    plt.close(fig)
    return name


def section(title, description, figure, alt, header, rows, footer):
    """Markdown of one case: description, plot, error table (header: column names), footer."""
    text = [f"## {title}", "", description, "", f"![{alt}](verification/{figure})", "",
            "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    text += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return text + ["", footer, ""]


def e(value):
    return f"{value:.2e}"


def case_p1(tests, scheme):
    out = need(tests / "transport" / "mf6_p1" / f"mf6_p1_{scheme}", REFERENCE / "p1_obs_every10d.csv")
    sim = observations(out, "A")
    with open(REFERENCE / "p1_obs_every10d.csv") as f:
        ref = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    rows = []
    for x, color in ((10, "C0"), (25, "C1"), (50, "C2")):
        t_sim, c_sim = sim[f"X{x:02d}"][:, 0], sim[f"X{x:02d}"][:, 1]
        t_ref = np.array([r["time_d"] for r in ref])
        mf6 = np.interp(t_sim, t_ref, [r[f"x{x}_mf6_{scheme}"] for r in ref])
        exact = np.array([first_type(x, t, 0.1, 0.1, 2.0, 0.002) for t in t_sim])
        ax.plot(t_sim, c_sim, "-", color=color, label=f"terrafate x = {x} m")
        ax.plot(t_sim, mf6, "o", color=color, ms=3, mfc="none", label=f"MODFLOW 6 x = {x} m")
        ax.plot(t_sim, exact, ":", color="k", lw=1)
        rows.append((x, np.max(np.abs(c_sim - mf6)), np.max(np.abs(c_sim - exact))))
    ax.plot([], [], ":", color="k", lw=1, label="analytical")
    ax.set_xlabel("time [d]")
    ax.set_ylabel("C / C0")
    ax.set_title(f"MODFLOW 6 problem 1, {scheme}")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    figure = FIGURES / f"mf6_p1_{scheme}.png"
    fig.savefig(figure, dpi=100)
    plt.close(fig)
    limit = 0.01 if scheme == "tvd" else 0.04
    text = [f"## MODFLOW 6 problem 1 ({scheme})", "",
            "1-D advection-dispersion, R = 2, first-order decay 0.001 /d in both phases, inlet "
            f"held at C = 1. Deck: `inputs/verification/mf6_p1_{scheme}.yaml`; test: "
            f"`transport_mf6_p1_{scheme}` (tests/transport/check_mf6_p1.py).", "",
            f"![terrafate vs MODFLOW 6 and the analytical solution](verification/{figure.name})",
            "", "| x [m] | max abs(terrafate - MODFLOW 6) | max abs(terrafate - analytical) |",
            "|---|---|---|"]
    text += [f"| {x} | {e1:.2e} | {e2:.2e} |" for x, e1, e2 in rows]
    text += ["", f"Test tolerance: 0.01 against MODFLOW 6, {limit} against the analytical "
             f"solution. Largest mass-balance closure: {closure(out):.1e}.", ""]
    return text


def case_p2(tests):
    out = need(tests / "transport" / "mf6_p2" / "p2", REFERENCE / "p2_obs_tvd.csv")
    sim = observations(out, "C")
    with open(REFERENCE / "p2_obs_tvd.csv") as f:
        ref = {round(float(r["time"]), 6): r for r in csv.DictReader(f)}
    pairs, rows = [], []
    for name, series in sim.items():
        for t, c in series:
            mf6 = float(ref[round(t, 6)][name])
            if mf6 > 1.0:
                pairs.append((mf6, c))
                rows.append((name, t, c, mf6, abs(c - mf6) / mf6))
    pairs = np.array(pairs)
    fig, ax = plt.subplots(figsize=(4.2, 4.0))
    ax.loglog(pairs[:, 0], pairs[:, 1], "o", ms=4)
    lim = [pairs.min() * 0.8, pairs.max() * 1.2]
    ax.plot(lim, lim, "k:", lw=1)
    ax.set_xlabel("MODFLOW 6 TVD [mg/L]")
    ax.set_ylabel("terrafate [mg/L]")
    ax.set_title("MT3DMS problem 3 (100, 200, 365 d)")
    figure = FIGURES / save(fig, "mf6_p2.png")
    text = ["## MODFLOW 6 problem 2 (MT3DMS problem 3)", "",
            "2-D uniform flow, a well injecting 1 m3/d at 1000 mg/L, aL = 10 m, aT = 3 m. Deck: "
            "`inputs/verification/mf6_p2_mt3dms_p03.yaml`; test: `transport_mf6_p2_tvd` "
            "(tests/transport/check_mf6_p2.py).", "",
            f"![terrafate vs MODFLOW 6](verification/{figure.name})", "",
            "| point | time [d] | terrafate [mg/L] | MODFLOW 6 [mg/L] | relative difference |",
            "|---|---|---|---|---|"]
    text += [f"| {n} | {t:g} | {c:.4g} | {m:.4g} | {e:.2%} |" for n, t, c, m, e in sorted(rows)]
    text += ["", f"Test tolerance: 5 % where MODFLOW 6 has C > 1 mg/L; largest here "
             f"{max(r[4] for r in rows):.2%}. Largest mass-balance closure: {closure(out):.1e}.",
             ""]
    return text


def case_ogata_banks(tests):
    import h5py
    out = need(tests / "transport" / "ogata_banks" / "ogata_banks")
    v, D, R, mu = 0.5, 0.25, 1.5, 0.0025
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    rows = []
    with h5py.File(out / "results.h5", "r") as h5:
        x = h5["grid/x_centers"][:]
        groups = sorted(h5["outputs"].keys())
        for name in groups:
            group = h5["outputs"][name]
            t = float(group.attrs["time"])
            if t not in (100.0, 200.0, 300.0):
                continue
            c = group["A"][0, 0, :] if "A" in group else None
            if c is None:
                species = [k for k in group.keys() if k not in ("head", "darcy_flux", "velocity")]
                c = group[species[0]][0, 0, :]
            exact = np.array([third_type(xi, t, v, D, R, mu) for xi in x])
            checked = x <= 150.0
            rows.append((t, np.max(np.abs(c[checked] - exact[checked]))))
            line, = ax.plot(x, c, "-", label=f"terrafate {t:g} d")
            ax.plot(x[::4], exact[::4], "o", ms=3, mfc="none", color=line.get_color())
    ax.plot([], [], "o", ms=3, mfc="none", color="k", label="analytical")
    ax.set_xlabel("x [m]")
    ax.set_ylabel("C / C0")
    ax.set_title("Third-type inlet, R = 1.5, decay")
    ax.legend(fontsize=7)
    figure = FIGURES / save(fig, "ogata_banks.png")
    text = ["## Column with a flux (third-type) inlet, retardation and decay", "",
            "v = 0.5 m/d, D = 0.25 m2/d, R = 1.5, mu = 0.0025 /d. Deck: "
            "`tests/transport/ogata_banks.yaml`; test: `transport_ogata_banks` "
            "(tests/transport/check_ogata_banks.py).", "",
            f"![terrafate vs van Genuchten & Alves (1982)](verification/{figure.name})", "",
            "| time [d] | max abs(terrafate - analytical), x <= 150 m |", "|---|---|"]
    text += [f"| {t:g} | {e:.2e} |" for t, e in rows]
    text += ["", f"Test tolerance: 0.01. Largest mass-balance closure: {closure(out):.1e}.", ""]
    return text


def case_decay_chain(tests):
    import h5py
    out = need(tests / "transport" / "decay_chain" / "decay_chain")
    chain = SteadyChain(0.5, 0.25, [0.01, 0.005, 0.002, 0.001], [0.8, 0.7, 0.6])
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    rows = []
    with h5py.File(out / "results.h5", "r") as h5:
        x = h5["grid/x_centers"][:]
        last = h5["outputs"][sorted(h5["outputs"].keys())[-1]]
        t = float(last.attrs["time"])
        inside = x <= 290.0
        for n, name in enumerate("ABCD"):
            c = last[name][0, 0, :]
            exact = np.array([chain(n, xi) for xi in x])
            scale = exact[inside].max()
            checked = inside & (exact > 1e-3 * scale)
            rows.append((name, np.max(np.abs(c - exact)[checked]) / scale))
            line, = ax.plot(x, c, "-", label=f"terrafate {name}")
            ax.plot(x[::6], exact[::6], "o", ms=3, mfc="none", color=line.get_color())
    ax.plot([], [], "o", ms=3, mfc="none", color="k", label="analytical")
    ax.set_xlabel("x [m]")
    ax.set_ylabel("C [mg/L]")
    ax.set_title(f"Steady decay chain A -> B -> C -> D ({t:g} d)")
    ax.legend(fontsize=7)
    figure = FIGURES / save(fig, "decay_chain.png")
    text = ["## Steady four-member decay chain", "",
            "A -> B -> C -> D in uniform 1-D flow, v = 0.5 m/d, D = 0.25 m2/d, k = 0.01, 0.005, "
            "0.002, 0.001 /d, yields 0.8, 0.7, 0.6, inlet held at C_A = 1. Deck: "
            "`tests/transport/decay_chain.yaml`; test: `transport_decay_chain` "
            "(tests/transport/check_decay_chain.py; the closed form is analytic.SteadyChain).", "",
            f"![terrafate vs the steady closed form](verification/{figure.name})", "",
            "| species | max abs(terrafate - analytical) / max C, x <= 290 m |", "|---|---|"]
    text += [f"| {name} | {e:.2e} |" for name, e in rows]
    text += ["", f"Test tolerance: 0.02. Largest mass-balance closure: {closure(out):.1e}.", ""]
    return text


def case_hunt(tests):
    import transport_outputs
    H = check("check_hunt_line_source")
    out = need(tests / "transport" / "hunt_line_source" / "hunt_line_source")
    (x, y, _), outputs = transport_outputs.read_fields(str(out), (H.SPECIES,))
    before, c = (fields[H.SPECIES][0] for _, fields in outputs[-2:])
    m = H.RATE / H.THICKNESS
    i0, j0 = int(np.argmin(np.abs(x))), int(np.argmin(np.abs(y)))
    jj, ii = np.meshgrid(np.arange(len(y)), np.arange(len(x)), indexing="ij")
    far = np.maximum(np.abs(ii - i0), np.abs(jj - j0)) > H.EXCLUDED_CELLS
    checked = far & (c > H.THRESHOLD * c.max())
    exact = np.array([line_source_steady(x[i], y[j], m, H.THETA, H.V, H.DL, H.DT, H.DECAY)
                      for j, i in zip(jj[checked], ii[checked])])
    relative = np.abs(c[checked] - exact) / exact
    absolute = np.abs(c[checked] - exact)
    worst = int(np.argmax(relative))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    keep = np.abs(x - x[i0]) > 1e-9
    a1.semilogy(x, np.maximum(c[j0], 1e-6), "-", label="terrafate")
    a1.semilogy(x[keep][::2], [line_source_steady(xi, y[j0], m, H.THETA, H.V, H.DL, H.DT,
                                                  H.DECAY) for xi in x[keep][::2]],
                "o", ms=3, mfc="none", color="k", label="Hunt / Wilson-Miller")
    a1.set_ylim(c.max() * 1e-3, c.max() * 1.5)
    a1.set_xlabel("x [m] (y = 0)")
    a1.set_ylabel("C [mg/L]")
    a1.legend(fontsize=7)
    for xs, color in ((10.0, "C1"), (50.0, "C2")):
        i = int(np.argmin(np.abs(x - xs)))
        a2.plot(y, c[:, i], "-", color=color, label=f"terrafate x = {x[i]:g} m")
        a2.plot(y[::2], [line_source_steady(x[i], yj, m, H.THETA, H.V, H.DL, H.DT, H.DECAY)
                         for yj in y[::2]], "o", ms=3, mfc="none", color=color)
    a2.set_xlabel("y [m]")
    a2.legend(fontsize=7)
    fig.suptitle("Steady line source, flow along x (TVD)", fontsize=10)
    figure = save(fig, "hunt_line_source.png")
    return section(
        "Steady 2-D plume from a line source (Hunt / Wilson & Miller)",
        f"A continuous source of {H.RATE:g} g/d over {H.THICKNESS:g} m in uniform flow along x, "
        f"v = {H.V:.4g} m/d, aL = {H.AL:g} m, aT = {H.AT:g} m, decay {H.DECAY:g} /d, at steady "
        "state (1000 d), against the Bessel-K0 solution (analytic.line_source_steady). Compared "
        f"at every cell more than {H.EXCLUDED_CELLS} cells from the source with C > "
        f"{H.THRESHOLD:.0%} of the maximum. Deck: `tests/transport/hunt_line_source.yaml`; "
        "test: `transport_hunt_line_source` (tests/transport/check_hunt_line_source.py).",
        figure, "terrafate vs the Hunt line-source solution",
        ["cells compared", "max rel. error", "where (x, y) [m]", "max abs error [mg/L]",
         "max C [mg/L]"],
        [(int(np.count_nonzero(checked)), f"{relative[worst]:.2%}",
          f"({x[ii[checked]][worst]:g}, {y[jj[checked]][worst]:g})", e(absolute.max()),
          f"{c.max():.4g}")],
        f"Test tolerance: {H.TOLERANCE:.0%} relative. Change 900 -> 1000 d: "
        f"{np.abs(c - before).max() / c.max():.1e} of the maximum. Largest mass-balance "
        f"closure: {closure(out):.1e}.")


def case_oblique(tests):
    import transport_outputs
    O = check("check_oblique_line_source")
    out = need(tests / "transport" / "oblique" / "cross")
    without = need(tests / "transport" / "oblique" / "no_cross")
    rows = []
    for name, folder in (("with cross terms", out), ("without (-transport_dispersion_cross_terms "
                                                     "false)", without)):
        error, where = O.worst_error(str(folder))
        rows.append((name, f"{error:.2%}", where))
    centers, outputs = transport_outputs.read_fields(str(out), ["A"])
    x, y = centers[0], centers[1]
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for folder, style, label in ((out, "-", "terrafate"), (without, "--",
                                                           "terrafate, no cross terms")):
        c = transport_outputs.read_fields(str(folder), ["A"])[1][-1][1]["A"][0]
        i0 = int(np.argmin(np.abs(x - O.SOURCE[0])))
        j0 = int(np.argmin(np.abs(y - O.SOURCE[1])))
        steps = [k for k in range(-len(x), len(x))
                 if 0 <= i0 + k < len(x) and 0 <= j0 + k < len(y)]
        s = np.array([k * (x[1] - x[0]) * math.sqrt(2.0) for k in steps])
        ax.semilogy(s, [max(c[j0 + k, i0 + k], 1e-9) for k in steps], style, label=label)
    s_exact = s[np.abs(s) > 1e-9][::2]
    ax.semilogy(s_exact, [line_source_steady(v, 0.0, O.M, O.THETA, O.V, O.DL, O.DT, O.DECAY)
                          for v in s_exact], "o", ms=3, mfc="none", color="k", label="Hunt")
    cmax = c.max()
    ax.set_ylim(1e-3 * cmax, 3 * cmax)
    ax.set_xlabel("distance along the flow direction (the grid diagonal) [m]")
    ax.set_ylabel("C [mg/L]")
    ax.set_title("Line source in flow at 45 degrees to the grid")
    ax.legend(fontsize=7)
    figure = save(fig, "oblique_line_source.png")
    return section(
        "Steady line source in flow at 45 degrees to the grid (dispersion cross terms)",
        f"The same solution in flow-aligned coordinates, v = {O.V:.4g} m/d, DL = {O.DL:.4g} m2/d, "
        f"DT = {O.DT:.4g} m2/d, decay {O.DECAY:g} /d; compared at every cell more than "
        f"{O.EXCLUDED_CELLS} cells from the source with C > {O.THRESHOLD:.0%} of the maximum. "
        "The run without the cross terms must be off by more than 100 %. Deck: "
        "`tests/transport/oblique_line_source.yaml`; test: `transport_oblique_line_source` "
        "(tests/transport/check_oblique_line_source.py).",
        figure, "terrafate vs the Hunt line-source solution, oblique flow",
        ["run", "max rel. error", "where"], rows,
        f"Test tolerance: {O.TOLERANCE:.0%} with cross terms, > 100 % without. Largest "
        f"mass-balance closure: {closure(out):.1e}.")


def case_oblique_chain(tests):
    import transport_outputs
    P = check("check_oblique_chain")
    folder = tests / "transport" / "oblique_chain"
    runs = {name: need(folder / name) for name in ("uncorrected", "np1", "np2")}
    fields = {name: transport_outputs.read_fields(str(out), P.SPECIES)[1]
              for name, out in runs.items()}
    rows = []
    labels = {"uncorrected": "without the correction (-transport_positivity false)",
              "np1": "with it, 1 rank", "np2": "with it, 2 ranks"}
    for name, out in runs.items():
        ratio, where = P.relative_minimum(fields[name])
        if name == "uncorrected":
            rows.append((labels[name], f"{ratio:.1e} ({where})", "-"))
            continue
        errors = P.mass_errors(balance_rows(out))
        time, species, mass, expected = max(errors, key=lambda r: abs(r[2] - r[3]) / r[3])
        rows.append((labels[name], f"{ratio:.1e}",
                     f"{abs(mass - expected) / expected:.1e} ({species}, {time:g} d)"))
    change = max(np.abs(a[s] - b[s]).max() / a[s].max() for (_, a), (_, b)
                 in zip(fields["np1"], fields["uncorrected"]) for s in P.SPECIES)
    ranks = max(np.abs(a[s] - b[s]).max() / a[s].max() for (_, a), (_, b)
                in zip(fields["np1"], fields["np2"]) for s in P.SPECIES)
    errors = P.mass_errors(balance_rows(runs["np1"]))
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for s in P.SPECIES:
        points = sorted((t, m, x) for t, species, m, x in errors if species == s)
        line, = ax.plot([p[0] for p in points], [p[2] for p in points], "-", label=f"{s} recursion")
        ax.plot([p[0] for p in points], [p[1] for p in points], "o", mfc="none",
                color=line.get_color(), label=f"{s} terrafate")
    ax.set_yscale("log")
    ax.set_xlabel("time [d]")
    ax.set_ylabel("mass + outflow [g]")
    ax.set_title("Oblique 3-D chain with the positivity correction: masses")
    ax.legend(fontsize=6, ncol=2)
    figure = save(fig, "oblique_chain_positivity.png")
    return section(
        "Positivity: a decay chain in 3-D flow oblique to the grid (dispersion cross terms)",
        "PCE -> TCE -> cDCE -> VC from a 100 g/d point source for 60 d in uniform flow q = "
        "(0.13, 0.075, 0.005) m/d, dispersivities 2 / 0.2 / 0.02 m, 60 x 40 x 20 cells of "
        "2 x 2 x 0.5 m. The 19-point cross-dispersion stencil undershoots; the positivity "
        "correction must leave no value below -1e-12 of its field's maximum, at 1 and 2 ranks, "
        "without losing or making mass: each species' mass plus its boundary outflow must follow "
        "the backward-Euler Bateman recursion of the whole domain. Deck: "
        "`tests/transport/oblique_chain.yaml`; test: `transport_oblique_chain_positivity` "
        "(tests/transport/check_oblique_chain.py).",
        figure, "terrafate masses vs the backward-Euler Bateman recursion",
        ["run", "smallest value / field maximum", "mass vs the Bateman recursion"], rows,
        f"Test limits: -1e-12 of the field maximum, 5e-5 of the mass. The correction changes no "
        f"value by more than {change:.2%} of its species' maximum (the undershoot it removes); "
        f"1 and 2 ranks agree to {ranks:.1e}. Largest mass-balance closure: "
        f"{closure(runs['np1'], runs['np2']):.1e}.")


def case_napl(tests):
    N = check("check_napl_depletion")
    outs = {g: need(tests / "transport" / "napl" / f"gamma{g}") for g in (0.5, 1.0, 2.0)}
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    rows = []
    t_fine = np.linspace(0.0, 15000.0, 301)
    for (gamma, out), color in zip(outs.items(), ("C0", "C1", "C2")):
        ax.plot(t_fine, [N.exact_mass(t, gamma) / 1e5 for t in t_fine], "-", color=color,
                lw=1, label=f"closed form, gamma {gamma:g}")
        data = napl_masses(out)
        ax.plot([t for t, _ in data], [m / 1e5 for _, m in data], "o", color=color, ms=4,
                mfc="none", label=f"terrafate, gamma {gamma:g}")
        for t, mass in data:
            exact = N.exact_mass(t, gamma)
            rows.append((f"{gamma:g}", f"{t:g}", f"{mass:.1f}", f"{exact:.1f}",
                         e(abs(mass - exact) / exact)))
    ax.set_xlabel("time [d]")
    ax.set_ylabel("NAPL mass / M0")
    ax.set_title("NAPL source depletion, M0 = 1e5 g, tau = 1e4 d")
    ax.legend(fontsize=7, ncol=2)
    figure = save(fig, "napl_depletion.png")
    return section(
        "NAPL source depletion (REMChlor source model)",
        "A NAPL source of M0 = 1e5 g, C0 = 100 mg/L in a column with Q = 0.1 m3/d through it: "
        "dM/dt = -Q C0 (M/M0)^gamma, closed form for gamma = 0.5, 1 and 2 (check_napl_depletion"
        ".exact_mass). Decks written by the test; test: `transport_napl_depletion` "
        "(tests/transport/check_napl_depletion.py).",
        figure, "terrafate vs the closed-form NAPL mass",
        ["gamma", "time [d]", "terrafate M [g]", "closed form [g]", "relative error"], rows,
        f"Test tolerance: 1 % relative. Largest mass-balance closure: "
        f"{closure(*outs.values()):.1e}.")


def case_dual_batch(tests):
    out = need(tests / "transport" / "dual_domain" / "batch")
    rm, rim, c0, rate = 0.48, 0.32, 10.0, 0.01    # check_dual_domain.batch
    ceq = rm * c0 / (rm + rim)

    def exact(t, species):
        decay = 1.0 if species == "A" else math.exp(-0.002 * t)
        c = decay * (ceq + (c0 - ceq) * math.exp(-rate * (1 / rm + 1 / rim) * t))
        return c, decay * (rm * c0 - rm * c / decay) / rim

    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    t_fine = np.linspace(0.0, 100.0, 201)
    rows = []
    for species, color in (("A", "C0"), ("B", "C1")):
        ref = np.array([exact(t, species) for t in t_fine])
        ax.plot(t_fine, ref[:, 0], "-", color=color, lw=1, label=f"closed form {species} mobile")
        ax.plot(t_fine, ref[:, 1], "--", color=color, lw=1,
                label=f"closed form {species} immobile")
        data = [(r["time"], r["dissolved"] / 0.3, r["immobile"] / rim)
                for r in balance_rows(out) if r["species"] == species]
        ax.plot([d[0] for d in data], [d[1] for d in data], "o", color=color, ms=4, mfc="none")
        ax.plot([d[0] for d in data], [d[2] for d in data], "s", color=color, ms=4, mfc="none")
        errors = [max(abs(cm - exact(t, species)[0]), abs(ci - exact(t, species)[1]))
                  for t, cm, ci in data]
        rows.append((species, "none" if species == "A" else "0.002 /d", e(max(errors)),
                     e(max(errors) / c0)))
    ax.plot([], [], "o", color="k", ms=4, mfc="none", label="terrafate mobile")
    ax.plot([], [], "s", color="k", ms=4, mfc="none", label="terrafate immobile")
    ax.set_xlabel("time [d]")
    ax.set_ylabel("C [mg/L]")
    ax.set_title("Dual-domain batch exchange")
    ax.legend(fontsize=7, ncol=2)
    figure = save(fig, "dual_domain_batch.png")
    return section(
        "Dual-domain (mobile-immobile) batch exchange",
        "One cell, porosity 0.3, immobile porosity 0.2, exchange rate 0.01 /d, Rm = 0.48, "
        "Rim = 0.32, mobile water at C0 = 10 mg/L, immobile at 0; closed form C(t) = Ceq + "
        "(C0 - Ceq) exp(-a (1/Rm + 1/Rim) t), and times exp(-0.002 t) for the decaying species. "
        "Deck written by the test; test: `transport_dual_domain` "
        "(tests/transport/check_dual_domain.py).",
        figure, "terrafate vs the dual-domain closed form",
        ["species", "decay", "max abs error, mobile and immobile [mg/L]", "/ C0"], rows,
        f"Test tolerance: 1e-3 C0. Largest mass-balance closure: {closure(out):.1e}.")


def case_dual_column(tests):
    base = tests / "transport" / "dual_domain"
    runs = {name: need(base / name) for name in ("coarse", "medium", "fine", "single")}
    series = {name: observations(out, "A")["x30"] for name, out in runs.items()}
    fine = dict(zip(series["fine"][:, 0], series["fine"][:, 1]))
    peak = max(fine.values())

    def error(name):
        return max(abs(c - fine[t]) for t, c in series[name]) / peak

    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for name, style, label in (("fine", "k-", "dx 0.0625 m (reference)"),
                               ("medium", "o", "dx 0.25 m"), ("coarse", "x", "dx 0.5 m"),
                               ("single", ":", "single domain, dx 0.25 m")):
        ax.semilogy(series[name][:, 0], np.maximum(series[name][:, 1], 1e-8), style, ms=3,
                    mfc="none", label=label)
    ax.set_ylim(1e-5, 1.0)
    ax.set_xlabel("time [d]")
    ax.set_ylabel("C at x = 30 m [mg/L]")
    ax.set_title("Dual-domain column: breakthrough with tailing")
    ax.legend(fontsize=7)
    figure = save(fig, "dual_domain_column.png")
    medium250 = dict(map(tuple, series["medium"]))[250.0]
    single250 = dict(map(tuple, series["single"]))[250.0]
    rows = [("dx 0.5 m", e(error("coarse"))), ("dx 0.25 m", e(error("medium")))]
    return section(
        "Dual-domain column breakthrough (converged fine grid)",
        "A 20-day pulse through a 60 m column, v = 0.5 m/d, aL = 0.5 m, immobile porosity "
        "0.15, exchange 0.02 /d, TVD; the reference is the same run with dx = 0.0625 m, "
        "dt = 0.03125 d. Decks written by the test; test: `transport_dual_domain` "
        "(tests/transport/check_dual_domain.py).",
        figure, "terrafate breakthrough vs the converged fine grid",
        ["run", "max abs(C - C_fine) at x = 30 m / peak"], rows,
        f"Test tolerance: 2 % of the peak for dx = 0.25 m, the error falling at least 1.5x from "
        f"dx = 0.5 m (here {error('coarse') / error('medium'):.1f}x), and the tail at 250 d at "
        f"least 5x the single-domain run's (here {medium250 / max(single250, 1e-300):.3g}x). "
        f"Largest mass-balance closure: {closure(*runs.values()):.1e}.")


def case_nonlinear(tests):
    NR = check("check_nonlinear_reactions")
    base = tests / "transport" / "nonlinear"
    runs = {name: need(base / name) for name in (*NR.ISOTHERMS, "zero_order")}
    c0 = 10.0
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    rows = []
    for n, (name, (_, isotherm)) in enumerate(NR.ISOTHERMS.items()):
        expected = NR.equilibrium(isotherm, c0)
        values = point_values(runs[name])
        cells = [values[(f"c{k}", "X", 4000.0)] for k in range(4)]
        a1.plot(NR.CELLS, cells, "o", color=f"C{n}", mfc="none", label=f"terrafate {name}")
        a1.axhline(expected, color=f"C{n}", lw=1)
        worst = max(abs(v - expected) for v in cells)
        rows.append((name, "4000 d, 4 cells", f"{expected:.10g}", e(worst), e(worst / expected)))
    a1.plot([], [], "-", color="k", lw=1, label="C* (bisection)")
    a1.set_xlabel("x [m]")
    a1.set_ylabel("C at 4000 d [mg/L]")
    a1.set_title("Batch sorption equilibrium", fontsize=9)
    a1.legend(fontsize=6)
    values = point_values(runs["zero_order"])
    t_fine = np.linspace(0.0, 1500.0, 151)
    a2.plot(t_fine, np.maximum(5.0 - 0.01 * t_fine / 2.0, 0.0), "k-", lw=1,
            label="C0 - k0 t / R")
    times = (200.0, 600.0, 990.0, 1500.0)
    a2.plot(times, [values[("c0", "X", t)] for t in times], "o", mfc="none", label="terrafate")
    a2.set_xlabel("time [d]")
    a2.set_ylabel("C [mg/L]")
    a2.set_title("Zero-order decay, R = 2", fontsize=9)
    a2.legend(fontsize=7)
    figure = save(fig, "nonlinear_reactions.png")
    worst = max(abs(values[(f"c{k}", "X", t)] - max(5.0 - 0.01 * t / 2.0, 0.0))
                for k in range(4) for t in times)
    rows.append(("zero order", "200 ... 1500 d, 4 cells", "5 - 0.005 t", e(worst),
                 e(worst / 5.0)))
    return section(
        "Freundlich and Langmuir batch equilibrium; zero-order decay",
        "A closed 4-cell column, half at C0 = 10 mg/L, diffuses to the uniform C* that keeps "
        "the total (dissolved + sorbed) mass, found by bisection (check_nonlinear_reactions."
        "equilibrium) for S = 2 C^0.7, 2 C^1.4 and 50 x 0.2 C / (1 + 0.2 C); zero-order decay "
        "k0 = 0.01 mg/L/d with R = 2: C = 5 - k0 t / R, 0 after 1000 d. Decks written by the "
        "test; test: `transport_nonlinear_reactions` "
        "(tests/transport/check_nonlinear_reactions.py).",
        figure, "terrafate vs the equilibrium and zero-order hand calculations",
        ["case", "compared", "reference [mg/L]", "max abs error [mg/L]", "relative"], rows,
        "Test tolerance: 1e-10 relative for C*; max(1e-10 C, 1e-9 mg/L) for zero order. "
        f"Largest mass-balance closure: {closure(*runs.values()):.1e}.")


def case_plane_discharge(tests):
    out = need(tests / "transport" / "plane_discharge" / "planes")
    flow, c0, rate, porosity, volume = 0.1, 2.0, 0.01, 0.25, 4.0   # check_plane_discharge
    ratio = flow / (flow + rate * porosity * volume)
    expected = {("p25", "tracer"): flow * c0, ("p75", "tracer"): flow * c0,
                ("p25", "decaying"): flow * c0 * ratio ** 13,
                ("p75", "decaying"): flow * c0 * ratio ** 37}
    with open(out / "mass_discharge.csv") as f:
        got = {(r["plane"], r["species"]): float(r["value"]) for r in csv.DictReader(f)}
    rows = [(p, s, f"{got[(p, s)]:.9g}", f"{v:.9g}", e(abs(got[(p, s)] - v) / v))
            for (p, s), v in sorted(expected.items())]
    fig, ax = plt.subplots(figsize=(5.0, 3.2))
    labels = [f"{p} {s}" for (p, s) in sorted(expected)]
    pos = np.arange(len(labels))
    ax.bar(pos - 0.2, [got[k] for k in sorted(expected)], 0.4, label="terrafate")
    ax.bar(pos + 0.2, [expected[k] for k in sorted(expected)], 0.4, label="hand calculation")
    ax.set_xticks(pos, labels, fontsize=8)
    ax.set_ylabel("mass discharge [g/d]")
    ax.set_title("Control-plane mass discharge")
    ax.legend(fontsize=7)
    figure = save(fig, "plane_discharge.png")
    return section(
        "Control-plane mass discharge",
        "Steady 1-D flow Q = 0.1 m3/d, upwind, no dispersion: a tracer gives Q C0 through every "
        "plane; a decaying species (0.01 /d) Q C0 r^(n+1) after cell n, r = Q / (Q + lambda "
        "theta V). Deck: `tests/transport/plane_discharge.yaml`; test: "
        "`transport_plane_discharge` (tests/transport/check_plane_discharge.py).",
        figure, "terrafate vs the hand calculation",
        ["plane", "species", "terrafate [g/d]", "hand calculation [g/d]", "relative error"],
        rows, "Test tolerance: 1e-6 relative.")


def case_zone_rates(tests):
    Z = check("check_zone_rates")
    out = need(tests / "transport" / "zone_rates" / "zones")
    values = point_values(out)
    k_tce = math.log(2) / 346.57359
    rows, bars = [], []
    for zone, k_parent, k_daughter in (("plain", 0.01, 0.0), ("treated", 0.05, k_tce)):
        parent, daughter = Z.discrete(k_parent, k_daughter)
        exact = 10.0 * math.exp(-k_parent * 100.0)
        got_p, got_d = values[(zone, "PCE", 100.0)], values[(zone, "TCE", 100.0)]
        rows.append((zone, "PCE", f"{got_p:.9g}", f"{parent:.9g}", e(abs(got_p / parent - 1)),
                     f"{exact:.6g}", e(abs(got_p / exact - 1))))
        rows.append((zone, "TCE", f"{got_d:.9g}", f"{daughter:.9g}",
                     e(abs(got_d / daughter - 1)), "", ""))
        bars += [(f"{zone} PCE", got_p, parent, exact), (f"{zone} TCE", got_d, daughter, None)]
    fig, ax = plt.subplots(figsize=(5.0, 3.2))
    pos = np.arange(len(bars))
    ax.bar(pos - 0.2, [b[1] for b in bars], 0.4, label="terrafate")
    ax.bar(pos + 0.2, [b[2] for b in bars], 0.4, label="backward Euler recurrence")
    ax.plot([p for p, b in zip(pos, bars) if b[3]], [b[3] for b in bars if b[3]], "k_", ms=20,
            label="exp(-k t)")
    ax.set_xticks(pos, [b[0] for b in bars], fontsize=8)
    ax.set_ylabel("C at 100 d [mg/L]")
    ax.set_title("Decay rates by material zone")
    ax.legend(fontsize=7)
    figure = save(fig, "zone_rates.png")
    return section(
        "Decay rates by material zone",
        "Batch, two cells at PCE 10 mg/L: PCE decays at 0.01 /d (0.05 /d in the treated zone), "
        "TCE is produced with yield 0.8 and decays only in the treated zone. References: the "
        "backward-Euler recurrence (check_zone_rates.discrete, dt = 0.05 d) and exp(-k t). Deck "
        "written by the test; test: `transport_zone_rates` "
        "(tests/transport/check_zone_rates.py).",
        figure, "terrafate vs the recurrence and the exponential",
        ["zone", "species", "terrafate [mg/L]", "recurrence", "rel. error", "exp(-k t)",
         "rel. error"], rows,
        "Test tolerance: 1e-9 relative to the recurrence, 1 % to exp(-k t). Largest "
        f"mass-balance closure: {closure(out):.1e}.")


def case_soil_leaching(tests):
    L = check("check_soil_leaching")
    import soil_analytic
    runs = {h: need(tests / "soil" / "leaching" / f"slug_henry{h}") for h in (0.0, 0.5)}
    theta = soil_analytic.unit_gradient_theta(L.Q, **L.TEXTURE)
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    rows = []
    for (henry, out), color in zip(runs.items(), ("C0", "C1")):
        retardation = 1.0 + L.RHO_KD / theta + (L.TEXTURE["theta_s"] - theta) * henry / theta
        velocity = L.Q / (theta * retardation)
        dispersion = L.DISPERSIVITY * L.Q / (theta * retardation)
        leached = {r["time"]: r["leached"] for r in balance_rows(out)}
        exact = [soil_analytic.slug_passed(t, L.TOP, L.BOTTOM, L.DEPTH, velocity, dispersion,
                                           L.MASS) for t in L.TIMES]
        ax.plot(L.TIMES, np.array(exact) / L.MASS, "-", color=color, lw=1,
                label=f"closed form, H = {henry:g}")
        ax.plot(L.TIMES[::2], [leached[t] / L.MASS for t in L.TIMES[::2]], "o", color=color,
                ms=3, mfc="none", label=f"terrafate, H = {henry:g}")
        worst = max(abs(leached[t] - x) for t, x in zip(L.TIMES, exact)) / L.MASS
        half = next(i for i, t in enumerate(L.TIMES) if leached[t] >= 0.5 * L.MASS)
        t0, t1 = L.TIMES[half - 1], L.TIMES[half]
        t_half = t0 + (0.5 * L.MASS - leached[t0]) / (leached[t1] - leached[t0]) * (t1 - t0)
        exact_half = (L.DEPTH - 0.5 * (L.TOP + L.BOTTOM)) / velocity
        rows.append((f"{henry:g}", f"{retardation:.4f}", e(worst), f"{t_half:.0f}",
                     f"{exact_half:.0f}", e(abs(t_half / exact_half - 1))))
    ax.set_xlabel("time [d]")
    ax.set_ylabel("cumulative leached / slug mass")
    ax.set_title("Soil slug leaching to the water table")
    ax.legend(fontsize=7)
    figure = save(fig, "soil_leaching.png")
    return section(
        "Soil slug leaching, with and without a gas phase",
        f"A 5 m loam column under {L.Q * 1000:g} mm/d holds a slug between {L.TOP:g} and "
        f"{L.BOTTOM:g} m depth ({L.MASS:g} g); the cumulative mass leached to the water table "
        "against the infinite-column slug solution (soil_analytic.slug_passed) with the water "
        f"content from an independent bisection of K(theta) = q (theta = {theta:.5f}). Decks "
        "written by the test; test: `soil_leaching` (tests/soil/check_soil_leaching.py).",
        figure, "terrafate vs the closed-form slug leaching",
        ["Henry", "R", "max abs error / slug mass", "half leached [d]", "closed form [d]",
         "rel. error"], rows,
        "Test tolerance: 2 % of the slug mass at every output time, 2 % on the half-mass time. "
        f"Largest mass-balance closure: {closure(*runs.values()):.1e}.")


def case_soil_volatilization(tests):
    V = check("check_soil_volatilization")
    out = need(tests / "soil" / "volatilization" / "volatilization")
    volatilized = {r["time"]: r["volatilized"] for r in balance_rows(out)}
    t_fine = np.linspace(0.5, 200.0, 200)
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    ax.plot(t_fine, [V.lost_per_area(t) * V.AREA for t in t_fine], "k-", lw=1,
            label="closed form (Jury et al. 1983)")
    ax.plot(V.TIMES, [volatilized[t] for t in V.TIMES], "o", mfc="none", label="terrafate")
    ax.set_xlabel("time [d]")
    ax.set_ylabel("cumulative volatilized [g]")
    ax.set_title("Volatilization through a boundary layer")
    ax.legend(fontsize=7)
    figure = save(fig, "soil_volatilization.png")
    rows = [(f"{t:g}", f"{volatilized[t]:.4f}", f"{V.lost_per_area(t) * V.AREA:.4f}",
             e(abs(volatilized[t] / (V.lost_per_area(t) * V.AREA) - 1))) for t in V.TIMES]
    return section(
        "Volatilization from soil through a boundary layer",
        f"A 10 m soil column at 40 mg/kg, no recharge, Henry {V.HENRY:g}, air diffusion "
        f"{V.AIR_DIFFUSION:g} m2/d, a {V.BOUNDARY_LAYER:g} m still-air boundary layer: the "
        "cumulative mass volatilized against the semi-infinite closed form (Carslaw & Jaeger; "
        "Jury, Spencer & Farmer 1983; check_soil_volatilization.lost_per_area). Deck written by "
        "the test; test: `soil_volatilization` (tests/soil/check_soil_volatilization.py).",
        figure, "terrafate vs the closed-form volatilization",
        ["time [d]", "terrafate [g]", "closed form [g]", "relative error"], rows,
        f"Test tolerance: 2 % relative. Largest mass-balance closure: {closure(out):.1e}.")


def case_soil_cap(tests):
    C = check("check_soil_cap")
    import soil_analytic
    out = need(tests / "soil" / "cap" / "cap")
    with open(out / "leaching.csv") as f:
        rate = {float(r["time"]): float(r["value"]) for r in csv.DictReader(f)
                if r["process"] == "leached" and r["zone"] == "site" and r["species"] == "A"}
    theta_1 = soil_analytic.unit_gradient_theta(C.Q, **C.TEXTURE)
    theta_2 = soil_analytic.unit_gradient_theta(0.5 * C.Q, **C.TEXTURE)
    before = C.Q * C.AREA * C.BULK / (theta_1 + C.RHO_KD)
    after = 0.5 * C.Q * C.AREA * C.BULK / (theta_2 + C.RHO_KD)
    times = sorted(rate)
    fig, ax = plt.subplots(figsize=(6.0, 3.2))
    ax.step([0, 1000, 1000, 1500], [before, before, after, after], "k-", lw=1, where="post",
            label="hand calculation")
    ax.plot(times, [rate[t] for t in times], "o", mfc="none", label="terrafate")
    ax.set_xlabel("time [d]")
    ax.set_ylabel("leached [g/d]")
    ax.set_title("A cap halving infiltration from 1000 d")
    ax.legend(fontsize=7)
    figure = save(fig, "soil_cap.png")
    rows = [(f"{t:g}", f"{rate[t]:.10f}", f"{(before if t <= 1000 else after):.10f}",
             e(abs(rate[t] / (before if t <= 1000 else after) - 1))) for t in times]
    return section(
        "Leaching rate under a cap",
        "A uniformly contaminated 5 m loam column (80 g/m3) under 1 mm/d; a cap halves "
        "infiltration from 1000 d. Until clean water reaches the water table the column leaches "
        "q A B / (theta + rho_b Kd), with theta from the bisection of K(theta) = q "
        f"({theta_1:.5f} before, {theta_2:.5f} under the cap). Deck written by the test; test: "
        "`soil_cap` (tests/soil/check_soil_cap.py).",
        figure, "terrafate vs the hand-calculated leaching rates",
        ["time [d]", "terrafate [g/d]", "hand calculation [g/d]", "relative error"], rows,
        f"Test tolerance: 1e-8 relative. Largest mass-balance closure: {closure(out):.1e}.")


def case_prb(tests):
    P = check("check_prb")
    out = need(tests / "remediation" / "prb" / "prb")
    aged_out = need(tests / "remediation" / "prb" / "prb_ageing")
    values, aged = point_values(out), point_values(aged_out)
    a_exact = P.closed_form()
    entries = [("A, barrier 0.1 /d", values[("P80", "A", 3000.0)], a_exact, "2 %"),
               ("B (product, yield 0.5)", values[("P80", "B", 3000.0)], 0.5 * (P.C0 - a_exact),
                "2 %"),
               ("A, aged barrier (0.05 /d at 3000 d)", aged[("P80", "A", 3000.0)],
                P.closed_form(P.LAMBDA / 2), "3 %")]
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    pos = np.arange(len(entries))
    ax.bar(pos - 0.2, [x[1] for x in entries], 0.4, label="terrafate")
    ax.bar(pos + 0.2, [x[2] for x in entries], 0.4, label="closed form")
    ax.set_xticks(pos, ["A", "B", "A aged"])
    ax.set_ylabel("C at x = 80 m, 3000 d [mg/L]")
    ax.set_title("Permeable reactive barrier, steady state")
    ax.legend(fontsize=7)
    figure = save(fig, "prb.png")
    rows = [(n, f"{s:.6f}", f"{x:.6f}", e(abs(s - x) / x), t) for n, s, x, t in entries]
    return section(
        "Permeable reactive barrier (two-zone steady closed form)",
        "1-D column, q = 0.1 m/d, theta D = 0.05 m2/d, a 2 m barrier degrading A at 0.1 /d into "
        "B (yield 0.5); the steady closed form with continuity of C and C' at the barrier faces "
        "(check_prb.closed_form), B from the barrier's mass balance. Decks written by the test; "
        "test: `remediation_prb` (tests/remediation/check_prb.py).",
        figure, "terrafate vs the PRB closed form",
        ["quantity at x = 80 m", "terrafate [mg/L]", "closed form [mg/L]", "relative error",
         "tolerance"], rows,
        f"Largest mass-balance closure: {closure(out, aged_out):.1e}.")


def case_isco(tests):
    I = check("check_isco")
    out = need(tests / "remediation" / "isco" / "oxidation")
    natural = need(tests / "remediation" / "isco" / "natural_demand")
    values, nat = point_values(out), point_values(natural)
    t_fine = np.linspace(0.0, 40.0, 161)
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    ax.plot(t_fine, [I.closed_form(t) if t > 0 else I.C0 for t in t_fine], "C0-", lw=1,
            label="TCE closed form")
    ax.plot(t_fine, I.O0 * np.exp(-0.05 * t_fine), "C1-", lw=1,
            label="oxidant, natural demand: O0 exp(-0.05 t)")
    rows = []
    times = (1.0, 3.0, 10.0, 40.0)
    ax.plot(times, [values[("P", "TCE", t)] for t in times], "C0o", mfc="none",
            label="terrafate TCE")
    for t in times:
        c, x = values[("P", "TCE", t)], I.closed_form(t)
        rows.append(("TCE (second order)", f"{t:g}", f"{c:.9f}", f"{x:.9f}", e(abs(c - x) / x)))
    times_n = (1.0, 10.0, 40.0)
    ax.plot(times_n, [nat[("P", "MnO4", t)] for t in times_n], "C1s", mfc="none",
            label="terrafate oxidant")
    for t in times_n:
        o, x = nat[("P", "MnO4", t)], I.O0 * math.exp(-0.05 * t)
        rows.append(("MnO4 (natural demand)", f"{t:g}", f"{o:.9f}", f"{x:.9f}",
                     e(abs(o - x) / x)))
    ax.set_xlabel("time [d]")
    ax.set_ylabel("C [mg/L]")
    ax.set_title("Chemical oxidation, batch")
    ax.legend(fontsize=7)
    figure = save(fig, "isco.png")
    return section(
        "Chemical oxidation (second-order kinetics, batch)",
        f"TCE at {I.C0:g} mg/L with R = {I.R:g}, permanganate at {I.O0:g} mg/L, k = {I.K:g} "
        f"L/mg/d, demand {I.S:g} g/g: closed form C(t) = D C0 / ((D + b C0) exp(a D t) - b C0) "
        "(check_isco.closed_form); and, without TCE, a natural demand 0.05 /d: O0 exp(-0.05 t). "
        "Decks written by the test; test: `remediation_isco` "
        "(tests/remediation/check_isco.py).",
        figure, "terrafate vs the ISCO closed forms",
        ["species", "time [d]", "terrafate [mg/L]", "closed form [mg/L]", "relative error"],
        rows, f"Test tolerance: 1e-6 relative. Largest mass-balance closure: "
        f"{closure(out, natural):.1e}.")


def case_source_removal(tests):
    S = check("check_source_removal")
    out = need(tests / "remediation" / "source_removal" / "removal")
    data = napl_masses(out)
    t_fine = np.concatenate([np.linspace(0, 5000, 101), np.linspace(5000.001, 10000, 100)])
    fig, ax = plt.subplots(figsize=(6.0, 3.2))
    ax.plot(t_fine, [S.exact(t) for t in t_fine], "k-", lw=1, label="closed form")
    ax.plot([t for t, _ in data], [m for _, m in data], "o", mfc="none", label="terrafate")
    ax.set_xlabel("time [d]")
    ax.set_ylabel("NAPL mass [g]")
    ax.set_title("Half the NAPL source removed at 5000 d")
    ax.legend(fontsize=7)
    figure = save(fig, "source_removal.png")
    rows = [(f"{t:g}", f"{m:.2f}", f"{S.exact(t):.2f}", e(abs(m - S.exact(t)) / S.exact(t)))
            for t, m in data]
    return section(
        "NAPL source removal",
        "The gamma = 1 NAPL source (M0 = 1e5 g, tau = 1e4 d) with half its remaining mass "
        "excavated at 5000 d: M = M0 exp(-t / tau) before, 0.5 M0 exp(-0.5) exp(-(t - 5000) / "
        "tau) after (check_source_removal.exact). Deck written by the test; test: "
        "`remediation_source_removal` (tests/remediation/check_source_removal.py).",
        figure, "terrafate vs the closed-form NAPL mass",
        ["time [d]", "terrafate [g]", "closed form [g]", "relative error"], rows,
        f"Test tolerance: 1 % relative. Largest mass-balance closure: {closure(out):.1e}.")


def case_ensemble(tests):
    B = check("check_ensemble_batch")
    out = need(tests / "risk" / "ensemble_batch" / "batch")
    with open(out / "realizations" / "0000" / "risk.csv") as f:
        unit = next(float(r["cancer_risk"]) for r in csv.DictReader(f)
                    if r["time"] == "0" and r["species"] == "all")
    with open(out / "risk_quantiles.csv") as f:
        quantiles = list(csv.DictReader(f))
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    t_fine = np.arange(0, B.TIMES[-1] + 1, B.DT)
    rows = []
    for (p, column), color in zip(((0.05, "cancer_risk_p5"), (0.5, "cancer_risk_p50"),
                                   (0.95, "cancer_risk_p95")), ("C0", "C1", "C2")):
        k = B.MEDIAN * B.GSD ** (-B.normal_quantile(p))
        ax.semilogy(t_fine, unit * (1 + k * B.DT) ** -(t_fine / B.DT), "-", color=color, lw=1,
                    label=f"analytic p{round(100 * p)}")
        ts = [float(r["time"]) for r in quantiles]
        vs = [float(r[column]) for r in quantiles]
        ax.semilogy(ts, vs, "o", color=color, mfc="none", label=f"ensemble p{round(100 * p)}")
        bound = 4 * math.sqrt(p * (1 - p) / B.N) + 1.0 / B.N
        worst_rel, worst_cdf = 0.0, 0.0
        for t, value in zip(ts, vs):
            n = round(t / B.DT)
            if n == 0:
                continue
            analytic = unit * (1 + k * B.DT) ** -n
            worst_rel = max(worst_rel, abs(value / analytic - 1))
            k_at = ((unit / value) ** (1.0 / n) - 1.0) / B.DT
            cdf = 1.0 - B.phi(math.log(k_at / B.MEDIAN) / math.log(B.GSD))
            worst_cdf = max(worst_cdf, abs(cdf - p))
        rows.append((f"p{round(100 * p)}", e(worst_rel), f"{worst_cdf:.4f}", f"{bound:.4f}"))
    ax.set_xlabel("time [d]")
    ax.set_ylabel("cancer risk")
    ax.set_title(f"Ensemble of {B.N}: lognormal decay rate")
    ax.legend(fontsize=7, ncol=2)
    figure = save(fig, "ensemble_batch.png")
    return section(
        "Ensemble risk quantiles (lognormal decay rate)",
        f"Benzene at 1 mg/L decaying at a rate drawn from a lognormal (median {B.MEDIAN:g} /d, "
        f"GSD {B.GSD:g}) in {B.N} realizations; the p-quantile of the cancer risk is "
        "u (1 + k_(1-p) dt)^-n (check_ensemble_batch). Deck written by the test; test: "
        "`risk_ensemble_batch` (tests/risk/check_ensemble_batch.py).",
        figure, "ensemble quantiles vs the analytic quantiles",
        ["quantile", "max rel. difference from the analytic quantile",
         "max abs(CDF at the ensemble quantile - p)", "test bound"], rows,
        "Test tolerance: the analytic CDF at the ensemble quantile within p +- (4 sqrt(p (1 - p) "
        "/ N) + 1/N): sampling error, not discretisation, is what is compared.")


NOT_PLOTTED = [
    ("`transport_analytic`", "checks the closed forms themselves (no terrafate run)"),
    ("`transport_ranks_agreement`, `transport_one_sided_source_np2`, `soil_ranks_agreement`, "
     "`remediation_ranks_agreement`, `risk_ensemble_ranks`, `io_output_np*`",
     "1 rank vs 2 ranks: terrafate against itself, not an independent reference"),
    ("`transport_transient_flow`", "invariants (uniform C kept to 1e-10; transient flow that "
     "settles = the steady-flow run): terrafate against itself"),
    ("`transport_step_retry`", "step control: the retried run recovers, a hopeless one fails "
     "cleanly"),
    ("`soil_actions`, `remediation_excavation`, `remediation_eisb`, `remediation_cap`, "
     "`remediation_reinjection`, `remediation_ledger`, `carbon_footprint`, "
     "`remediation_pump_and_treat`, `risk_outputs`",
     "hand calculations of ledger items, bookkeeping and table entries (exact to 1e-8 ... "
     "1e-12), asserted number by number in their scripts; no curve to plot"),
    ("`optimize_*`", "optimizer behaviour (the optimum vs a bisection of the same model)"),
]


def case_flow(tests):
    folder = need(tests / "flow_analytic", *(tests / "flow_analytic" / f"{name}.csv" for name in
                                             ("recharge_50", "recharge_100", "recharge_200",
                                              "layered", "theis")))

    def table(name):
        with open(folder / f"{name}.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        return {key: np.array([float(r[key]) for r in rows]) for key in rows[0]}

    fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.2))
    recharge = {cells: table(f"recharge_{cells}") for cells in (50, 100, 200)}
    errors = {cells: np.max(np.abs(r["head_m"] - r["exact_m"])) for cells, r in recharge.items()}
    medium = recharge[100]
    axes[0].plot(medium["x_m"], medium["head_m"], "-", label="terrafate, 100 cells")
    axes[0].plot(medium["x_m"][::5], medium["exact_m"][::5], "o", ms=3, mfc="none",
                 color="k", label="analytic")
    axes[0].set_xlabel("x [m]")
    axes[0].set_ylabel("head [m]")
    axes[0].set_title("Recharge between fixed heads", fontsize=9)
    axes[0].legend(fontsize=7)
    layered = table("layered")
    axes[1].plot(layered["head_m"], layered["z_m"], "-", label="terrafate")
    axes[1].plot(layered["exact_m"], layered["z_m"], "o", ms=3, mfc="none", color="k",
                 label="analytic")
    axes[1].set_xlabel("head [m]")
    axes[1].set_ylabel("z [m]")
    axes[1].set_title("Layered column (K 1, 10, 0.1, 5 m/d)", fontsize=9)
    axes[1].legend(fontsize=7)
    theis = table("theis")
    for time in sorted(set(theis["time_d"])):
        at = theis["time_d"] == time
        line, = axes[2].plot(theis["radius_m"][at], theis["drawdown_m"][at], "-",
                             label=f"terrafate {time:g} d")
        axes[2].plot(theis["radius_m"][at], theis["theis_m"][at], "o", ms=3, mfc="none",
                     color=line.get_color())
    axes[2].plot([], [], "o", ms=3, mfc="none", color="k", label="Theis")
    axes[2].set_xscale("log")
    axes[2].set_xlabel("r [m]")
    axes[2].set_ylabel("drawdown [m]")
    axes[2].set_title("Theis well, Q = 500 m3/d", fontsize=9)
    axes[2].legend(fontsize=7)
    figure = save(fig, "flow_analytic.png")
    layered_error = np.max(np.abs(layered["head_m"] - layered["exact_m"])) / 20.0
    theis_error = np.max(np.abs(theis["drawdown_m"] - theis["theis_m"]) / theis["theis_m"])
    rows = [(f"recharge parabola, {cells} cells", f"max abs error {e(errors[cells])} m", "")
            for cells in (50, 100, 200)]
    rows.append(("recharge parabola, observed order", f"{math.log2(errors[50] / errors[100]):.3f}, "
                 f"{math.log2(errors[100] / errors[200]):.3f}", "2 +- 0.1; 100 cells < 2e-4 m"))
    rows.append(("layered column", f"max abs error / 20 m: {e(layered_error)}", "1e-10"))
    rows.append(("Theis, r = 10-100 m, t = 1 and 10 d", f"max rel. error {theis_error:.4f}",
                 "0.02"))
    return section(
        "Groundwater flow: recharge, a layered column and the Theis well",
        "Steady recharge (0.5 mm/d) on a 1000 m strip between heads of 10 and 5 m (T = 50 m2/d; "
        "analytic parabola), steady vertical flow through four layers (piecewise linear head, "
        "harmonic flux), and transient drawdown around a well in a confined aquifer (T = 100 "
        "m2/d, S = 1e-3; the Theis solution with W(u) to machine precision, on a telescoping "
        "grid, BoomerAMG). Decks in tests/flow/test_flow_analytic.cpp, which writes these "
        "tables on its one-rank run; test: `flow_np1` (and `flow_np2`, the same checks on 2 "
        "ranks).",
        figure, "terrafate heads and drawdowns vs the analytic solutions",
        ["case", "error", "test tolerance"], rows,
        "The flow budgets close to 1e-10 or better in all three cases (asserted by the tests).")


def version(tests):
    """'terrafate VERSION (git COMMIT)' from the provenance.json of the outputs read."""
    seen = set()
    for path in sorted(tests.glob("**/provenance.json")):
        with open(path) as f:
            data = json.load(f)
        seen.add(f"terrafate {data.get('version', '?')} (git {data.get('git_commit', '?')})")
    return ", ".join(sorted(seen)) or "terrafate (version unknown)"


CASES = [
    ("flow_np1", case_flow),
    ("transport_mf6_p1_tvd", lambda t: case_p1(t, "tvd")),
    ("transport_mf6_p1_upstream", lambda t: case_p1(t, "upstream")),
    ("transport_mf6_p2_tvd", case_p2),
    ("transport_ogata_banks", case_ogata_banks),
    ("transport_decay_chain", case_decay_chain),
    ("transport_hunt_line_source", case_hunt),
    ("transport_oblique_line_source", case_oblique),
    ("transport_oblique_chain_positivity", case_oblique_chain),
    ("transport_napl_depletion", case_napl),
    ("transport_dual_domain (batch)", case_dual_batch),
    ("transport_dual_domain (column)", case_dual_column),
    ("transport_nonlinear_reactions", case_nonlinear),
    ("transport_plane_discharge", case_plane_discharge),
    ("transport_zone_rates", case_zone_rates),
    ("soil_leaching", case_soil_leaching),
    ("soil_volatilization", case_soil_volatilization),
    ("soil_cap", case_soil_cap),
    ("remediation_prb", case_prb),
    ("remediation_isco", case_isco),
    ("remediation_source_removal", case_source_removal),
    ("risk_ensemble_batch", case_ensemble),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=str(ROOT / "build"),
                        help="the build folder ctest ran in (default: build)")
    args = parser.parse_args()
    tests = Path(args.build).resolve() / "tests"
    if not tests.is_dir():
        sys.exit(f"{tests} not found: build and run ctest first")
    FIGURES.mkdir(parents=True, exist_ok=True)
    body, missing = [], []
    for name, case in CASES:
        try:
            body += case(tests)
        except Missing as error:
            missing.append((name, str(error)))
    text = ["# Verification report", "",
            "<!-- Generated by scripts/make_verification_report.py: do not edit by hand. -->", "",
            f"Generated on {datetime.date.today().isoformat()} from the outputs of {version(tests)}"
            " by",
            "`/usr/bin/python3 scripts/make_verification_report.py --build build` after",
            "`ctest --test-dir build`: each case reads the outputs its ctest left in",
            "`build/tests/<area>/` and recomputes that test's comparison with the reference",
            "imported from the test's own check script. The whole suite's verification cases and",
            "their assertions are listed in",
            "[inputs/verification/README.md](../inputs/verification/README.md).", "",
            "| case | test |", "|---|---|"]
    for line in body:
        if line.startswith("## "):
            title = line[3:]
            anchor = "".join(ch for ch in title.lower().replace(" ", "-")
                             if ch.isalnum() or ch in "-_")
            text.append(f"| [{title}](#{anchor}) | |")
    text.append("")
    # Fill the test column of the index from each section's "test: `NAME`".
    index = [i for i, line in enumerate(text) if line.startswith("| [")]
    sections = [line for line in body if line.startswith("## ")]
    for i, title in zip(index, sections):
        paragraph = body[body.index(title) + 2]
        tests_named = sorted(set(part.split("`")[0] for part in paragraph.split("test: `")[1:]))
        text[i] = text[i][:-2] + " " + " ".join(f"`{t}`" for t in tests_named) + " |"
    text += body
    text += ["## Not plotted", "",
             "Tests of the suite that are not compared with an independent reference here, and "
             "why:", ""]
    text += [f"- {names}: {why}." for names, why in NOT_PLOTTED]
    if missing:
        text += ["", "Cases whose outputs were not found (run their ctest, or provide "
                 "../shared/reference/mf6):", ""]
        text += [f"- `{name}`: {path}" for name, path in missing]
    (ROOT / "docs" / "verification.md").write_text("\n".join(text) + "\n")
    print(f"wrote docs/verification.md ({len(CASES) - len(missing)} cases) and "
          f"docs/verification/*.png" + (f"; missing: {missing}" if missing else ""))


if __name__ == "__main__":
    main()
