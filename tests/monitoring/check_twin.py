#!/usr/bin/python3
"""Twin experiments of `terrafate assimilate` (issue 23).

  check_twin.py twin  TERRAFATE TRUTH_DECK WORKDIR MPIEXEC [SEED...]
  check_twin.py ranks TERRAFATE TRUTH_DECK WORKDIR MPIEXEC
  check_twin.py trajectory|field|observations_at TERRAFATE DECK WORKDIR MPIEXEC
    (posterior risk trajectories, a conductivity field parameter, run --observations-at: see
    check_trajectory, check_field and check_observations_at)

The truth deck (twin/truth.yaml) is run once; its values at six wells every half year over years 1
to 8 (PCE and TCE), times a lognormal error of 10 % (numpy, seeded), are the monitoring record. The
assimilation starts from a lognormal prior for PCE's decay rate, the NAPL mass and the
conductivity whose median lies a factor 2 off the truth and whose P5-P95 spans a factor 10 (gsd 2).

`twin` (the acceptance test; default seeds 1 2 3, each the noise seed and the assimilation seed):
for every parameter the posterior median is within 20 % of the truth and the posterior P5-P95
contains it; at the receptor 10 years after the last datum (year 18) the posterior predictive
P5-P95 of PCE and TCE contains the truth run's value. The reference is the truth deck's own
values (a twin experiment), which the assimilation never sees.

`ranks`: a shorter assimilation (16 members, 2 iterations) at 1 rank and at 2 ranks on two
sub-communicators (--ranks-per-run 1) gives the same posterior.csv to round-off (1e-12
relative; each member runs on one rank either way, and the draws are keyed by member).

`contradict` (with twin/rising.yaml): a record of rising trends downgradient; `evidence` calls
PCE at MW4 and MW5 Increasing, and the probability that the school well meets the risk target
falls from the prior's (fast degradation expected) to the posterior's.
"""
import csv
import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

TRUTH = {"transport.species.PCE.decay.rate": 8.22e-4,
         "transport.sources.pce_dnapl.mass": 4.0e5,
         "materials.sand.hydraulic_conductivity": 10.0}
PRIOR_MEDIAN = {"transport.species.PCE.decay.rate": 1.644e-3,   # truth x 2
                "transport.sources.pce_dnapl.mass": 2.0e5,      # truth / 2
                "materials.sand.hydraulic_conductivity": 20.0}  # truth x 2
WELLS = {"MW1": [42, 30, 5], "MW2": [66, 30, 5], "MW3": [102, 30, 5], "MW4": [138, 30, 5],
         "MW5": [186, 30, 5], "MW6": [102, 42, 5]}
DATA_END = 2920.0     # [d] year 8
PREDICTION = 6570.0   # [d] year 18, 10 years after the last datum
NOISE = 0.10          # lognormal sigma of the synthetic data
# The assimilation's observation error (relative): twice the noise, as a practitioner states an
# error that also covers the model's (here the model is exact), so that the posterior P5-P95 is
# not a 90 % coin toss per check but contains the truth unless the update is biased.
ERROR = 0.20
DETECTION_LIMIT = 1e-3  # [mg/L]


def run(command, **kwargs):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(str, command))} exited {result.returncode}\n"
                 f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def truth_run(terrafate, deck, work):
    out = work / "truth"
    if out.exists():
        shutil.rmtree(out)
    run([terrafate, "run", deck, "-o", out, "--no-figures"])
    return read_rows(out / "observations.csv")


def write_monitoring(rows, folder, seed):
    rng = np.random.default_rng(seed)
    lines = ["well,time,species,value,unit,detection_limit"]
    for row in rows:
        t = float(row["time"])
        if row["location"] in WELLS and row["variable"] in ("PCE", "TCE") and 0 < t <= DATA_END:
            value = float(row["value"]) * math.exp(NOISE * rng.standard_normal())
            text = f"{value:.6g}" if value >= DETECTION_LIMIT else f"<{DETECTION_LIMIT}"
            lines.append(f"{row['location']},{t:g},{row['variable']},{text},mg/L,"
                         f"{DETECTION_LIMIT}")
    (folder / "monitoring.csv").write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def write_deck(deck, folder, seed, realizations, iterations, prior=None):
    wells = "\n".join(f"    - {{name: {name}, position: {position}}}"
                      for name, position in WELLS.items())
    parameters = "\n".join(
        f"    - {{path: {path}, distribution: lognormal, median: {median}, gsd: 2}}"
        for path, median in (prior or PRIOR_MEDIAN).items())
    text = deck.read_text() + f"""monitoring:
  data: monitoring.csv
  wells:
{wells}
assimilation:
  method: es-mda
  iterations: {iterations}
  realizations: {realizations}
  seed: {seed}
  parameters:
{parameters}
  error: {{relative: {ERROR}}}
  transform: log
"""
    path = folder / "twin.yaml"
    path.write_text(text)
    return path


def assimilate(command, deck, out):
    if out.exists():
        shutil.rmtree(out)
    start = time.monotonic()
    result = run(list(command) + ["assimilate", deck, "-o", out])
    return time.monotonic() - start, result.stdout


def check_twin(terrafate, deck, work, mpiexec, seeds):
    truth_rows = truth_run(terrafate, deck, work)
    truth_at = {(r["location"], r["variable"], float(r["time"])): float(r["value"])
                for r in truth_rows}
    failures, report = [], {}
    for seed in seeds:
        folder = work / f"seed_{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        samples = write_monitoring(truth_rows, folder, seed)
        twin = write_deck(deck, folder, seed, 64, 4)
        wall, stdout = assimilate([terrafate], twin, folder / "out")
        summary = {r["parameter"]: r for r in read_rows(folder / "out" / "parameters_summary.csv")}
        print(f"seed {seed}: {samples} samples, {wall:.1f} s")
        entry = {"samples": samples, "wall_s": wall, "parameters": {}, "predictive": {}}
        for path, truth in TRUTH.items():
            row = summary[path]
            p5, p50, p95 = (float(row[k]) for k in ("posterior_p5", "posterior_p50",
                                                    "posterior_p95"))
            error = abs(p50 - truth) / truth
            print(f"  {path}: truth {truth:.4g}, prior P50 {float(row['prior_p50']):.4g}, "
                  f"posterior P5 {p5:.4g} P50 {p50:.4g} P95 {p95:.4g} (median off by "
                  f"{100 * error:.1f} %)")
            entry["parameters"][path] = {"truth": truth, "p5": p5, "p50": p50, "p95": p95}
            if error > 0.20:
                failures.append(f"seed {seed}: {path} posterior median {p50:.4g} is "
                                f"{100 * error:.1f} % off the truth {truth:.4g} (limit 20 %)")
            if not p5 <= truth <= p95:
                failures.append(f"seed {seed}: {path} truth {truth:.4g} outside the posterior "
                                f"P5-P95 [{p5:.4g}, {p95:.4g}]")
        predictive = read_rows(folder / "out" / "predictive.csv")
        for species in ("PCE", "TCE"):
            truth = truth_at[("receptor", species, PREDICTION)]
            row = next(r for r in predictive if r["location"] == "receptor" and
                       r["variable"] == species and r["stage"] == "posterior" and
                       abs(float(r["time"]) - PREDICTION) < 1e-6)
            p5, p95 = float(row["p5"]), float(row["p95"])
            print(f"  receptor {species} at {PREDICTION:g} d: truth {truth:.4g} mg/L, posterior "
                  f"predictive P5 {p5:.4g} P50 {float(row['p50']):.4g} P95 {p95:.4g}")
            entry["predictive"][species] = {"truth": truth, "p5": p5,
                                            "p50": float(row["p50"]), "p95": p95}
            if not p5 <= truth <= p95:
                failures.append(f"seed {seed}: receptor {species} truth {truth:.4g} outside the "
                                f"posterior predictive P5-P95 [{p5:.4g}, {p95:.4g}]")
        report[seed] = entry
    (work / "twin_report.json").write_text(json.dumps(report, indent=1))
    return failures


def posterior(path):
    rows = read_rows(path)
    return np.array([[float(v) for k, v in row.items() if k != "realization"] for row in rows])


def bad_inputs(terrafate, deck, folder):
    """Exit 2 with validate's kind of message: a deck without monitoring:, and a sample of a
    species the deck does not simulate (named by its line)."""
    failures = []
    lines = (folder / "monitoring.csv").read_text().splitlines()
    bad = folder / "bad"
    bad.mkdir(exist_ok=True)
    (bad / "monitoring.csv").write_text("\n".join(lines[:3] + ["MW1,400,VC,0.1,mg/L,0.001"])
                                        + "\n")
    bad_deck = bad / "twin.yaml"
    bad_deck.write_text((folder / "twin.yaml").read_text())
    for path, expected in ((deck, "monitoring"), (bad_deck, "monitoring.csv:4")):
        result = subprocess.run([str(terrafate), "assimilate", str(path), "-o",
                                 str(bad / "out")], capture_output=True, text=True)
        print(f"bad input {path.name}: exit {result.returncode}: {result.stderr.strip()[:160]}")
        if result.returncode != 2 or expected not in result.stderr:
            failures.append(f"assimilate {path}: exit {result.returncode} (expected 2 and "
                            f"'{expected}' in the message): {result.stderr[-500:]}")
    return failures


def check_ranks(terrafate, deck, work, mpiexec):
    truth_rows = truth_run(terrafate, deck, work)
    folder = work / "ranks"
    folder.mkdir(parents=True, exist_ok=True)
    write_monitoring(truth_rows, folder, 1)
    twin = write_deck(deck, folder, 1, 16, 2)
    walls = {}
    walls["1 rank"], _ = assimilate([terrafate], twin, folder / "np1")
    walls["2 ranks, 2 groups"], _ = assimilate([mpiexec, "-n", 2, terrafate], twin,
                                               folder / "np2")
    one = posterior(folder / "np1" / "posterior.csv")
    failures = bad_inputs(terrafate, deck, folder)
    for name, limit in (("np2", 1e-12),):
        other = posterior(folder / name / "posterior.csv")
        difference = float(np.max(np.abs(other - one) / np.abs(one)))
        print(f"{name}: largest relative difference of the posterior from 1 rank: "
              f"{difference:.3e} (limit {limit:g})")
        if not difference <= limit:
            failures.append(f"{name}: posterior differs from 1 rank by {difference:.3e} "
                            f"(limit {limit:g})")
    for name, wall in walls.items():
        print(f"wall time, {name}: {wall:.1f} s")
    return failures


def check_contradiction(terrafate, deck, work):
    """A record of rising trends downgradient (the truth decays slowly): `evidence` calls PCE at
    MW4 and MW5 Increasing, and the assimilation, from a prior that expects fast degradation,
    lowers the probability that the school well meets the risk target."""
    truth_rows = truth_run(terrafate, deck, work)
    folder = work / "contradict"
    folder.mkdir(parents=True, exist_ok=True)
    write_monitoring(truth_rows, folder, 5)
    rising = write_deck(deck, folder, 5, 32, 3, {"transport.species.PCE.decay.rate": 4.0e-3})
    failures = []
    evidence = folder / "evidence"
    if evidence.exists():
        shutil.rmtree(evidence)
    run([terrafate, "evidence", rising, "-o", evidence])
    trends = {(r["well"], r["species"]): r for r in read_rows(evidence / "trends.csv")}
    for well in ("MW4", "MW5"):
        row = trends[(well, "PCE")]
        print(f"evidence: {well} PCE S = {row['mann_kendall_s']}, p = {row['p_value']}: "
              f"{row['trend']}")
        if row["trend"] != "Increasing":
            failures.append(f"evidence calls PCE at {well} '{row['trend']}', not Increasing")
    assimilate([terrafate], rising, folder / "out")
    probability = {r["stage"]: float(r["probability_target_met"])
                   for r in read_rows(folder / "out" / "compliance_probability.csv")
                   if r["receptor"] == "school_well"}
    summary = read_rows(folder / "out" / "parameters_summary.csv")[0]
    print(f"decay rate: truth 1.37e-4 1/d, prior P50 {float(summary['prior_p50']):.4g}, "
          f"posterior P50 {float(summary['posterior_p50']):.4g}")
    print(f"probability that the school well meets the target: prior {probability['prior']:.3f}, "
          f"posterior {probability['posterior']:.3f}")
    if not probability["prior"] >= 0.2:
        failures.append(f"the prior's compliance probability {probability['prior']:.3f} is below "
                        "0.2: the scenario does not test a fall")
    if not probability["posterior"] < probability["prior"]:
        failures.append(f"posterior compliance probability {probability['posterior']:.3f} is not "
                        f"below the prior's {probability['prior']:.3f}")
    return failures


def check_trajectory(terrafate, deck, work):
    """Posterior risk trajectories (twin/rising.yaml, 16 members, 2 iterations): per receptor,
    criterion and time, posterior_risk.csv's P5/P50/P95 equal numpy's percentiles (linear, as
    the ensemble's) of the member values in posterior_risk_members.csv; those member values are
    the member runs' own risk.csv rows (`all` species); the probability of meeting the target at
    the last time equals compliance_probability.csv's (prior_risk.csv: the prior's). And the
    members' simulated values at the samples, gathered in memory, are the values in the member
    runs' observations.csv: fit.csv's posterior P5/P50/P95 recomputed from those files (the samples
    lie on output times at point wells) agree to fit.csv's 10 digits."""
    truth_rows = truth_run(terrafate, deck, work)
    folder = work / "trajectory"
    folder.mkdir(parents=True, exist_ok=True)
    write_monitoring(truth_rows, folder, 5)
    rising = write_deck(deck, folder, 5, 16, 2, {"transport.species.PCE.decay.rate": 4.0e-3})
    out = folder / "out"
    assimilate([terrafate], rising, out)
    failures = []
    members = {}
    for r in read_rows(out / "posterior_risk_members.csv"):
        members.setdefault((r["receptor"], r["criterion"], float(r["time_d"])), {})[
            int(r["realization"])] = float(r["value"])
    rows = read_rows(out / "posterior_risk.csv")
    if not rows:
        failures.append("posterior_risk.csv has no rows")
    worst = 0.0
    for row in rows:
        key = (row["receptor"], row["criterion"], float(row["time_d"]))
        values = np.array(list(members[key].values()))
        if len(values) != 16 or int(row["realizations"]) != 16:
            failures.append(f"{key}: {len(values)} member values, realizations "
                            f"{row['realizations']} (expected 16)")
        for column, q in (("p5", 5), ("p50", 50), ("p95", 95)):
            expected = float(np.percentile(values, q))
            got = float(row[column])
            error = abs(got - expected) / max(abs(expected), 1e-300)
            worst = max(worst, error)
            if error > 1e-9:
                failures.append(f"{key} {column}: {got:.10g}, numpy {expected:.10g}")
    school = [r for r in rows if r["receptor"] == "school_well" and r["criterion"] ==
              "cancer_risk"]
    print(f"posterior_risk.csv: {len(rows)} rows; largest relative difference from numpy's "
          f"percentiles of the members: {worst:.2e} (limit 1e-9)")
    for r in school[::6] + school[-1:]:
        print(f"  school_well cancer_risk at {float(r['time_d']):g} d: P5 {float(r['p5']):.3e} "
              f"P50 {float(r['p50']):.3e} P95 {float(r['p95']):.3e}, P(target met) "
              f"{float(r['probability_target_met']):.3f}")
    # The member values are the member runs' risk.csv (site rows: species all).
    last = out / "runs" / "iteration_2"
    checked = 0
    for r in (0, 7, 15):
        for row in read_rows(last / f"{r:04d}" / "risk.csv"):
            if row["species"] != "all":
                continue
            for criterion, column in (("cancer_risk", "cancer_risk"),
                                      ("hazard_index", "hazard_quotient")):
                key = (row["receptor"], criterion, float(row["time"]))
                if members[key][r] != float(row[column]):
                    failures.append(f"member {r} {key}: {members[key][r]!r} in "
                                    f"posterior_risk_members.csv, {row[column]} in risk.csv")
                checked += 1
    print(f"member values against the member runs' risk.csv: {checked} compared")
    compliance = {r["stage"]: float(r["probability_target_met"])
                  for r in read_rows(out / "compliance_probability.csv")
                  if r["receptor"] == "school_well"}
    for stage in ("prior", "posterior"):
        end = [r for r in read_rows(out / f"{stage}_risk.csv") if r["receptor"] ==
               "school_well" and r["criterion"] == "cancer_risk"][-1]
        print(f"{stage}: P(target met) at {float(end['time_d']):g} d "
              f"{float(end['probability_target_met']):.4f}; compliance_probability.csv "
              f"{compliance[stage]:.4f}")
        if abs(float(end["probability_target_met"]) - compliance[stage]) > 1e-9:
            failures.append(f"{stage}: the last time's probability differs from "
                            "compliance_probability.csv")
    # fit.csv's posterior quantiles from the member runs' observations.csv files.
    observed = []
    for r in range(16):
        table = {(row["location"], row["variable"], float(row["time"])): float(row["value"])
                 for row in read_rows(last / f"{r:04d}" / "observations.csv")}
        observed.append(table)
    worst = 0.0
    fit = [row for row in read_rows(out / "fit.csv") if row["stage"] == "posterior"]
    for row in fit:
        key = (row["well"], row["species"], float(row["time"]))
        values = np.array([table[key] for table in observed])
        for column, q in (("sim_p5", 5), ("sim_p50", 50), ("sim_p95", 95)):
            expected = float(np.percentile(values, q))
            error = abs(float(row[column]) - expected) / max(abs(expected), 1e-300)
            worst = max(worst, error)
            if error > 1e-9:
                failures.append(f"fit.csv {key} {column}: {row[column]}, from the members' "
                                f"observations.csv {expected:.10g}")
    print(f"fit.csv posterior ({len(fit)} samples) against the members' observations.csv: "
          f"largest relative difference {worst:.2e} (limit 1e-9)")
    return failures


def check_field(terrafate, deck, work):
    """A conductivity field as an assimilation parameter (twin/truth.yaml): the assimilation
    deck's sand conductivity is 20 m/d, twice the truth's 10, and the parameters are the decay
    rate and NAPL mass (lognormal, as `twin`) and a Gaussian random field of log10 K factors on
    the sand (log10_std 0.4, correlation length 600 m, twice the domain: mostly a multiplier per
    member, with some variation), updated cell by cell (32 members, 4 iterations). The truth is a
    uniform factor 0.5; the field's effective multiplier (the geometric mean factor over the
    sand's cells, parameters_summary.csv) must hold 0.5 within its posterior P5-P95, and its
    P95/P5 must shrink from the prior's. (With a 200 m correlation length the posterior's
    geometric mean stays above 0.5, P5 0.505 with 64 members: the heads and plume constrain the
    harmonic mean along the flow, which a varied field keeps below its geometric mean.) posterior_field.csv's posterior mean
    log10 factor along the wells' row (y = 30 m, between the source and the last well) must lie
    nearer log10(0.5) than the prior mean does."""
    truth_rows = truth_run(terrafate, deck, work)
    folder = work / "field"
    folder.mkdir(parents=True, exist_ok=True)
    write_monitoring(truth_rows, folder, 2)
    text = deck.read_text()
    doubled = text.replace("hydraulic_conductivity: 10,", "hydraulic_conductivity: 20,")
    if doubled == text:
        return ["twin/truth.yaml: no 'hydraulic_conductivity: 10,' to double"]
    base = folder / "base.yaml"
    base.write_text(doubled)
    prior = {k: v for k, v in PRIOR_MEDIAN.items() if "hydraulic_conductivity" not in k}
    path = write_deck(base, folder, 2, 32, 4, prior)
    path.write_text(path.read_text().replace(
        "  error:", "    - {path: materials.sand.hydraulic_conductivity, field: {type: gaussian, "
        "log10_std: 0.4, correlation_length: [600, 600, 20]}}\n  error:"))
    out = folder / "out"
    wall, _ = assimilate([terrafate], path, out)
    failures = []
    summary = {r["parameter"]: r for r in read_rows(out / "parameters_summary.csv")}
    row = summary["materials.sand.hydraulic_conductivity:geometric_mean_factor"]
    q = {k: float(v) for k, v in row.items() if k != "parameter"}
    print(f"field assimilation: {wall:.1f} s")
    print(f"  K factor (geometric mean over the sand): truth 0.5; prior P5 {q['prior_p5']:.3f} "
          f"P50 {q['prior_p50']:.3f} P95 {q['prior_p95']:.3f}; posterior P5 "
          f"{q['posterior_p5']:.3f} P50 {q['posterior_p50']:.3f} P95 {q['posterior_p95']:.3f}")
    prior_spread = q["prior_p95"] / q["prior_p5"]
    posterior_spread = q["posterior_p95"] / q["posterior_p5"]
    print(f"  P95/P5: prior {prior_spread:.3f}, posterior {posterior_spread:.3f}")
    if not q["posterior_p5"] <= 0.5 <= q["posterior_p95"]:
        failures.append(f"the truth's factor 0.5 lies outside the posterior P5-P95 "
                        f"[{q['posterior_p5']:.3f}, {q['posterior_p95']:.3f}]")
    if not q["prior_p5"] <= 0.5 <= q["prior_p95"]:
        failures.append("the prior P5-P95 does not hold 0.5: the scenario tests nothing")
    if not posterior_spread < prior_spread:
        failures.append(f"the spread does not shrink: P95/P5 {posterior_spread:.3f} from "
                        f"{prior_spread:.3f}")
    for path_, truth in TRUTH.items():
        if path_ in summary:
            r = summary[path_]
            print(f"  {path_}: truth {truth:.4g}, posterior P5 {float(r['posterior_p5']):.4g} "
                  f"P50 {float(r['posterior_p50']):.4g} P95 {float(r['posterior_p95']):.4g}")
    cells = [r for r in read_rows(out / "posterior_field.csv")
             if abs(float(r["y"]) - 30) < 1e-9 and 30 <= float(r["x"]) <= 186]
    prior_off = np.mean([abs(float(r["prior_mean_log10_factor"]) - math.log10(0.5))
                         for r in cells])
    posterior_off = np.mean([abs(float(r["posterior_mean_log10_factor"]) - math.log10(0.5))
                             for r in cells])
    print(f"  along the wells' row ({len(cells)} cells): mean |log10 factor - log10 0.5| prior "
          f"{prior_off:.3f}, posterior {posterior_off:.3f}")
    if not cells or not posterior_off < prior_off:
        failures.append(f"posterior_field.csv: the posterior mean along the wells' row is not "
                        f"nearer the truth ({posterior_off:.3f} against {prior_off:.3f})")
    return failures


def check_observations_at(terrafate, deck, work):
    """`terrafate run DECK --observations-at monitoring.csv` (twin/truth.yaml with monitoring.wells
    at its six observation points; the data at the deck's output times): observations_at.csv
    holds one row per data row, in order, and each value equals the run's own observations.csv
    row of the well's sampling point (monitoring.wN.k0) and the plain run's (without the option)
    observations.csv row of the observation point at the same position, exactly (the data times
    are output times already, so the runs take the same steps). A row naming an undeclared well
    is an input error naming its line (exit 2). A run restarted from a checkpoint at 2500 d
    writes the same observations_at.csv as the whole run (the values kept before the checkpoint
    come back from it)."""
    truth_rows = truth_run(terrafate, deck, work)
    plain = {(r["location"], r["variable"], float(r["time"])): float(r["value"])
             for r in truth_rows}
    folder = work / "observations_at"
    folder.mkdir(parents=True, exist_ok=True)
    samples = write_monitoring(truth_rows, folder, 3)
    wells = "\n".join(f"    - {{name: {name}, position: {position}}}"
                      for name, position in WELLS.items())
    path = folder / "deck.yaml"
    path.write_text(deck.read_text() + f"monitoring:\n  data: monitoring.csv\n  wells:\n{wells}\n")
    out = folder / "out"
    if out.exists():
        shutil.rmtree(out)
    run([terrafate, "run", path, "--observations-at", folder / "monitoring.csv", "-o", out,
         "--no-figures"])
    failures = []
    data = read_rows(folder / "monitoring.csv")
    written = read_rows(out / "observations_at.csv")
    own = {(r["location"], r["variable"], float(r["time"])): float(r["value"])
           for r in read_rows(out / "observations.csv")}
    names = list(WELLS)
    if len(written) != len(data) or len(written) != samples:
        failures.append(f"observations_at.csv has {len(written)} rows for {len(data)} data rows")
    compared = 0
    for d, w in zip(data, written):
        if (d["well"], d["species"]) != (w["well"], w["species"]) or \
                float(d["time"]) != float(w["time"]):
            failures.append(f"row order: {w} for the data row {d}")
            continue
        t, value = float(w["time"]), float(w["value"])
        point = f"monitoring.w{names.index(w['well'])}.k0"
        for name, table, key in (("its own observations.csv", own, (point, w["species"], t)),
                                 ("the plain run", plain, (w["well"], w["species"], t))):
            if table[key] != value:
                failures.append(f"{w['well']} {w['species']} {t:g} d: {value!r} in "
                                f"observations_at.csv, {table[key]!r} in {name}")
        compared += 1
    print(f"observations_at.csv: {len(written)} rows, {compared} compared with the run's "
          f"observations.csv and the plain run's (exact)")
    # A restart from a checkpoint at 2500 d (before the last three data times): the rows before
    # it come from the checkpoint's table, the rest from the continued run; the file is the same.
    checkpointed = folder / "checkpointed.yaml"
    checkpointed.write_text(path.read_text().replace(
        "output: {vtk: false, hdf5: false}",
        "output: {vtk: false, hdf5: false, checkpoint: {every: 2500}}"))
    for name in ("whole", "restarted"):
        if (folder / name).exists():
            shutil.rmtree(folder / name)
    run([terrafate, "run", checkpointed, "--observations-at", folder / "monitoring.csv", "-o",
         folder / "whole", "--no-figures"])
    first = sorted((folder / "whole" / "checkpoints").glob("checkpoint_*.h5"))[0]
    run([terrafate, "run", checkpointed, "--observations-at", folder / "monitoring.csv", "-o",
         folder / "restarted", "--restart", first, "--no-figures"])
    same = ((folder / "whole" / "observations_at.csv").read_bytes() ==
            (folder / "restarted" / "observations_at.csv").read_bytes())
    print(f"restarted from {first.name}: observations_at.csv {'identical' if same else 'DIFFERS'}")
    if not same:
        failures.append("observations_at.csv of a run restarted at 2500 d differs from the "
                        "whole run's")
    bad = folder / "bad.csv"
    lines = (folder / "monitoring.csv").read_text().splitlines()
    bad.write_text("\n".join(lines[:2] + ["MW9,400,PCE,0.1,mg/L,0.001"]) + "\n")
    result = subprocess.run([str(terrafate), "run", str(path), "--observations-at", str(bad), "-o",
                             str(folder / "bad_out"), "--overwrite", "--no-figures"],
                            capture_output=True, text=True)
    print(f"undeclared well: exit {result.returncode}: {result.stderr.strip()[:200]}")
    if result.returncode != 2 or "bad.csv:3" not in result.stderr:
        failures.append(f"an undeclared well: exit {result.returncode} (expected 2 naming "
                        f"bad.csv:3): {result.stderr[-400:]}")
    return failures


def main():
    mode, terrafate, deck, work, mpiexec = sys.argv[1:6]
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    if mode == "twin":
        seeds = [int(s) for s in sys.argv[6:]] or [1, 2, 3]
        failures = check_twin(Path(terrafate), Path(deck), work, mpiexec, seeds)
    elif mode == "observations_at":
        failures = check_observations_at(Path(terrafate), Path(deck), work)
    elif mode == "field":
        failures = check_field(Path(terrafate), Path(deck), work)
    elif mode == "trajectory":
        failures = check_trajectory(Path(terrafate), Path(deck), work)
    elif mode == "contradict":
        failures = check_contradiction(Path(terrafate), Path(deck), work)
    else:
        failures = check_ranks(Path(terrafate), Path(deck), work, mpiexec)
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
