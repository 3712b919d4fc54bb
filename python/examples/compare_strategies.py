#!/usr/bin/python3
"""Worked example 2: compare an optimization's strategies.

    build/bin/terrafate optimize inputs/demo/demo.yaml -o demo_optimize
    /usr/bin/python3 python/examples/compare_strategies.py demo_optimize

Prints the decision table (strategies.csv as pandas, years instead of days), then, from the risk
trajectories in results.h5 (xarray: strategy, [realization,] receptor, time), each strategy's
peak total cancer risk after the deadline over the target, per receptor (the P95 over the
realizations for an ensemble).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import terrafate  # noqa: E402
from terrafate.reader import DAYS_PER_YEAR  # noqa: E402

results = terrafate.open_results(sys.argv[1])
rec = results.recommendation
table = results.table("strategies")
table["years_to_compliance"] = (table.time_to_target / DAYS_PER_YEAR).round(1)
print(table[["name", "level", "feasible", "probability_of_compliance", "years_to_compliance",
             "tco2e"]].to_string(index=False))
print("recommended:", rec["recommended"] or f"none (closest: {rec.get('closest')})")

risk = results.risk_trajectories()
after = risk.cancer_risk.sel(time=risk.time >= rec["deadline"])
if "realization" in after.dims:
    after = after.quantile(0.95, dim="realization")
peak_over_target = after.max("time") / rec["target_cancer_risk"]
print("peak cancer risk after the deadline / target:")
print(peak_over_target.to_pandas().round(3).to_string())
