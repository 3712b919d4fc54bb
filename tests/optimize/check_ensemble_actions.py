"""terrafate optimize with an ensemble that varies a remediation action's value (issue 21).

Usage: check_ensemble_actions.py TERRAFATE WORKDIR

The site of check_ensemble_confidence.py (lognormal benzene half-life over 6 realizations) with
the EISB factor also drawn per realization (uniform 1 to 6), and `decision:` judging on the
95 % Clopper-Pearson lower bound:
1. Each strategy's probability_of_compliance equals the fraction of its realizations whose
   compliance.csv time to target is at or before the deadline (counted here by hand).
2. p_low and p_high equal the Clopper-Pearson interval computed here independently (bisection
   on the binomial tail sums, in Python) to 1e-6; realizations = 6.
3. feasible = (p_low >= decision.confidence); recommendation.json's realizations_needed is the
   smallest n with 0.025^(1/n) >= confidence.
The times to target of both strategies' realizations are printed (EISB's vary with the factor
as well as the half-life).
"""
import math
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ensemble_confidence as base  # noqa: E402

CONFIDENCE = 0.3


def binomial_cdf(k, n, p):
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(0, k + 1))


def bisect(f, target):
    """The p in [0, 1] where the decreasing f crosses target."""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) > target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def clopper_pearson(x, n, alpha=0.05):
    low = 0.0 if x == 0 else bisect(lambda p: binomial_cdf(x - 1, n, p), 1 - alpha / 2)
    high = 1.0 if x == n else bisect(lambda p: binomial_cdf(x, n, p), alpha / 2)
    return low, high


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    base.DECK = base.DECK.replace(
        "distribution: lognormal, median: 400, gsd: 1.5}}\n",
        "distribution: lognormal, median: 400, gsd: 1.5}}\n"
        "    - {{path: remediation.eisb.factor, distribution: uniform, min: 1, max: 6}}\n"
        "decision: {{confidence: " + repr(CONFIDENCE) + ", on: lower_bound, "
        "carbon_tolerance: 0.1}}\n")
    out, s, rec = base.optimize(terrafate, workdir, "actions", CONFIDENCE)
    failures = []
    for name in ("MNA", "EISB"):
        fraction, members = base.fraction_compliant(out, name)
        row = s[name]
        p = float(row["probability_of_compliance"])
        x = round(fraction * members)
        low, high = clopper_pearson(x, members)
        print(f"{name}: P(compliance) {p} (by hand {x}/{members}); interval "
              f"[{row['p_low']}, {row['p_high']}] vs Clopper-Pearson by hand [{low:.9f}, "
              f"{high:.9f}]; feasible {row['feasible']}")
        if members != 6 or p != fraction or row["realizations"] != "6":
            failures.append(f"{name}: probability {p} vs {fraction} from {members} realizations")
        if abs(float(row["p_low"]) - low) > 1e-6 or abs(float(row["p_high"]) - high) > 1e-6:
            failures.append(f"{name}: interval differs from Clopper-Pearson")
        if row["feasible"] != ("1" if float(row["p_low"]) >= CONFIDENCE else "0"):
            failures.append(f"{name}: feasibility is not p_low >= {CONFIDENCE}")
    needed = next(n for n in range(1, 1000) if 0.025 ** (1 / n) >= CONFIDENCE)
    if rec.get("realizations_needed") != needed:
        failures.append(f"realizations_needed {rec.get('realizations_needed')} vs {needed}")
    eisb = [float(base.rows(os.path.join(out, "strategies", "EISB", "realizations",
                                         f"{m:04d}", "compliance.csv"))[0]["time_to_target"])
            for m in range(6)]
    mna = [float(base.rows(os.path.join(out, "strategies", "MNA", "realizations",
                                        f"{m:04d}", "compliance.csv"))[0]["time_to_target"])
           for m in range(6)]
    print(f"time to target: EISB {eisb}; MNA {mna}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
