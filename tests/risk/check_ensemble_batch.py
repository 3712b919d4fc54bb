"""Ensemble quantiles of a batch decay case vs the analytic quantiles.

Usage: check_ensemble_batch.py TERRAFATE WORKDIR

Benzene at 1 mg/L in still groundwater decays at a rate k drawn from a lognormal distribution
(median 1e-3 /d, geometric standard deviation 2) in each of N = 200 realizations; a second-class
receptor drinks it. Backward Euler with steps of 36.5 d gives C(t_n) = (1 + k dt)^-n exactly, so
CR(t) = u (1 + k dt)^-n with u the receptor's risk per mg/L (the t = 0 value), decreasing in k:
the p-quantile of CR(t) is u (1 + k_(1-p) dt)^-n with k_q = 1e-3 x 2^(z_q).
Check: for p = 0.05, 0.5 and 0.95 at every output time, the analytic CDF of CR(t) at the
ensemble's quantile (type 7) lies within p +- (4 sqrt(p (1 - p) / N) + 1/N): four standard errors
of a sample proportion, plus the interpolation of order statistics.
Also: ensemble.csv lists the 200 sampled rates, whose log has mean ln(1e-3) within 4 standard
errors (ln 2 / sqrt(N)); probability_target_met is the fraction of realizations whose
time_to_target (compliance.csv) is at or before the time.
"""
import csv
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402

N = 200
DT = 36.5
TIMES = [0, 730, 1460, 2190, 2920, 3650]
MEDIAN, GSD = 1.0e-3, 2.0

DECK = f"""title: batch decay ensemble
grid:
  origin: [0, 0, 0]
  size: [20, 10, 10]
  cells: [2, 1, 1]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10}}
    - {{face: xmax, type: head, head: 10}}
transport:
  species:
    - {{name: B, chemical: benzene, decay: {{rate: 0.001}}}}
  initial:
    - {{species: B, region: all, concentration: 1}}
risk:
  framework: hj25.3-2019
  target: {{cancer_risk: 1.0e-5, hazard_quotient: 1}}
  standard: none
  receptors:
    - {{name: well, position: [5, 5, 5], land_use: second_class,
       pathways: [groundwater_ingestion]}}
ensemble:
  realizations: {N}
  seed: 12345
  parameters:
    - {{path: transport.species.B.decay.rate, distribution: lognormal, median: {MEDIAN},
       gsd: {GSD}}}
time:
  end: 3650
  max_step: {DT}
  output_times: {TIMES}
output: {{hdf5: false, vtk: false}}
"""


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def main():
    terrafate, workdir = sys.argv[1:3]
    out = outputs.run_text(terrafate, workdir, "batch", DECK)
    failures = []
    with open(os.path.join(out, "ensemble.csv"), newline="") as f:
        members = list(csv.DictReader(f))
    rates = [float(m["transport.species.B.decay.rate"]) for m in members if m["status"] == "ok"]
    if len(rates) != N:
        failures.append(f"{len(rates)} of {N} realizations succeeded")
    mean_log = sum(math.log(k) for k in rates) / len(rates)
    error = abs(mean_log - math.log(MEDIAN)) / (math.log(GSD) / math.sqrt(len(rates)))
    print(f"mean ln k = {mean_log:.4f} (ln median {math.log(MEDIAN):.4f}), {error:.2f} standard "
          "errors")
    if error > 4:
        failures.append("the sampled rates are not lognormal(1e-3, 2)")
    # The risk per mg/L, from realization 0 at t = 0.
    with open(os.path.join(out, "realizations", "0000", "risk.csv"), newline="") as f:
        unit = next(float(r["cancer_risk"]) for r in csv.DictReader(f)
                    if r["time"] == "0" and r["species"] == "all")
    with open(os.path.join(out, "risk_quantiles.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    worst = 0.0
    for row in rows:
        t = float(row["time"])
        n = round(t / DT)
        for p, column in ((0.05, "cancer_risk_p5"), (0.5, "cancer_risk_p50"),
                          (0.95, "cancer_risk_p95")):
            value = float(row[column])
            if n == 0:
                if abs(value / unit - 1) > 1e-12:
                    failures.append(f"{column} at 0 d is {value}, not {unit}")
                continue
            k = ((unit / value) ** (1.0 / n) - 1.0) / DT  # the rate giving this risk
            cdf = 1.0 - phi(math.log(k / MEDIAN) / math.log(GSD))
            bound = 4 * math.sqrt(p * (1 - p) / N) + 1.0 / N
            worst = max(worst, abs(cdf - p) / bound)
            analytic = unit * (1 + MEDIAN * GSD ** (-normal_quantile(p)) * DT) ** -n
            print(f"t = {t:6g} d {column}: {value:.6e} (analytic {analytic:.6e}); CDF there "
                  f"{cdf:.4f} vs {p} +- {bound:.4f}")
            if abs(cdf - p) > bound:
                failures.append(f"{column} at {t} d outside the sampling error")
    # probability_target_met vs compliance.csv of each member.
    reached = []
    for m in range(N):
        with open(os.path.join(out, "realizations", f"{m:04d}", "compliance.csv"),
                  newline="") as f:
            reached.append(float(next(csv.DictReader(f))["time_to_target"]))
    for row in rows:
        t = float(row["time"])
        expected = sum(1 for r in reached if not math.isnan(r) and r <= t) / N
        if abs(float(row["probability_target_met"]) - expected) > 1e-12:
            failures.append(f"probability_target_met at {t} d is {row['probability_target_met']}"
                            f", {expected} from the members")
    print(f"largest |CDF - p| / bound: {worst:.3f}; probability_target_met at 3650 d: "
          f"{rows[-1]['probability_target_met']}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


def normal_quantile(p):
    low, high = -10.0, 10.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if phi(middle) < p:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


if __name__ == "__main__":
    main()
