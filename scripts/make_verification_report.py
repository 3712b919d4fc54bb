#!/usr/bin/python3
"""Generate docs/verification.md and its plots (docs/verification/*.png) by re-running the
verification decks and comparing with the references the test suite uses.

    /usr/bin/python3 scripts/make_verification_report.py --terrafate build/bin/terrafate

Cases (the same decks, references and tolerances as the ctest checks named in the report):
  * MODFLOW 6 problem 1, TVD and upstream (inputs/verification/mf6_p1_*.yaml) against MODFLOW 6
    and the van Genuchten & Alves (1982) first-type solution (../shared/reference/mf6);
  * MODFLOW 6 problem 2 = MT3DMS problem 3 (inputs/verification/mf6_p2_mt3dms_p03.yaml) against
    MODFLOW 6 TVD;
  * a third-type inlet column with retardation and decay (tests/transport/ogata_banks.yaml)
    against van Genuchten & Alves (1982), third-type inlet;
  * a steady four-member decay chain (tests/transport/decay_chain.yaml) against its closed form.
The analytical solutions are tests/transport/analytic.py (the ones the tests use). Runs take
about a minute on 2 cores.
"""
import argparse
import csv
import datetime
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "transport"))
from analytic import SteadyChain, first_type, third_type  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "reference" / "mf6" / "results"
FIGURES = ROOT / "docs" / "verification"


def run(terrafate, deck, out):
    result = subprocess.run([str(terrafate), "run", str(deck), "-o", str(out), "--overwrite"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{deck} failed:\n{result.stderr}")


def observations(out, species):
    series = {}
    with open(out / "observations.csv") as f:
        for row in csv.DictReader(f):
            if row["variable"] == species:
                series.setdefault(row["location"], []).append((float(row["time"]),
                                                               float(row["value"])))
    return {k: np.array(sorted(v)) for k, v in series.items()}


def closure(out):
    with open(out / "mass_balance.csv") as f:
        return max(abs(float(r["relative_closure"])) for r in csv.DictReader(f))


def case_p1(terrafate, work, scheme):
    deck = ROOT / "inputs" / "verification" / f"mf6_p1_{scheme}.yaml"
    out = work / f"p1_{scheme}"
    run(terrafate, deck, out)
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


def case_p2(terrafate, work):
    deck = ROOT / "inputs" / "verification" / "mf6_p2_mt3dms_p03.yaml"
    out = work / "p2"
    run(terrafate, deck, out)
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
    fig.tight_layout()
    figure = FIGURES / "mf6_p2.png"
    fig.savefig(figure, dpi=100)
    plt.close(fig)
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


def case_ogata_banks(terrafate, work):
    import h5py
    deck = ROOT / "tests" / "transport" / "ogata_banks.yaml"
    out = work / "ogata_banks"
    run(terrafate, deck, out)
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
    fig.tight_layout()
    figure = FIGURES / "ogata_banks.png"
    fig.savefig(figure, dpi=100)
    plt.close(fig)
    text = ["## Column with a flux (third-type) inlet, retardation and decay", "",
            "v = 0.5 m/d, D = 0.25 m2/d, R = 1.5, mu = 0.0025 /d. Deck: "
            "`tests/transport/ogata_banks.yaml`; test: `transport_ogata_banks` "
            "(tests/transport/check_ogata_banks.py).", "",
            f"![terrafate vs van Genuchten & Alves (1982)](verification/{figure.name})", "",
            "| time [d] | max abs(terrafate - analytical), x <= 150 m |", "|---|---|"]
    text += [f"| {t:g} | {e:.2e} |" for t, e in rows]
    text += ["", f"Test tolerance: 0.01. Largest mass-balance closure: {closure(out):.1e}.", ""]
    return text


def case_decay_chain(terrafate, work):
    import h5py
    deck = ROOT / "tests" / "transport" / "decay_chain.yaml"
    out = work / "decay_chain"
    run(terrafate, deck, out)
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
    fig.tight_layout()
    figure = FIGURES / "decay_chain.png"
    fig.savefig(figure, dpi=100)
    plt.close(fig)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terrafate", required=True)
    parser.add_argument("--work", default=str(ROOT / "build-docs" / "verification_report"))
    args = parser.parse_args()
    terrafate = Path(args.terrafate).resolve()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    FIGURES.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([str(terrafate), "--version"], capture_output=True,
                             text=True).stdout.strip()
    text = ["# Verification report", "",
            "<!-- Generated by scripts/make_verification_report.py: do not edit by hand. -->", "",
            f"Generated with {version} on {datetime.date.today().isoformat()} by",
            "`/usr/bin/python3 scripts/make_verification_report.py --terrafate build/bin/terrafate`,",
            "which re-runs each deck and compares it with the reference the named ctest uses.",
            "The whole suite's verification cases and their assertions are listed in",
            "[inputs/verification/README.md](../inputs/verification/README.md); the cases below",
            "are those with an external reference solution or code.", ""]
    text += case_p1(terrafate, work, "tvd")
    text += case_p1(terrafate, work, "upstream")
    text += case_p2(terrafate, work)
    text += case_ogata_banks(terrafate, work)
    text += case_decay_chain(terrafate, work)
    (ROOT / "docs" / "verification.md").write_text("\n".join(text))
    print("wrote docs/verification.md and docs/verification/*.png")


if __name__ == "__main__":
    main()
