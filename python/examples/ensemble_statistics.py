#!/usr/bin/python3
"""Worked example 3: statistics over an ensemble's realizations.

    build/bin/terrafate run inputs/chlorinated_solvent_site/site.yaml --strategy MNA -o mna
    /usr/bin/python3 python/examples/ensemble_statistics.py mna [SPECIES]

Stacks every realization's fields (xarray, a `realization` dimension), prints the probability
that the species exceeds its standard (or, without one, 1 % of its peak) somewhere at each
output time, and the median and P95 over the realizations of each receptor's total cancer risk
at the last time from the realizations' risk.csv (pandas), beside terrafate's risk_quantiles.csv.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import terrafate  # noqa: E402

results = terrafate.open_results(sys.argv[1])
fields = results.all_fields()
species = sys.argv[2] if len(sys.argv) > 2 else next(
    n for n in fields.data_vars if fields[n].attrs.get("units") == "mg/L")
c = fields[species]                              # [realization, time, z, y, x]
print(f"{results.kind}: {c.sizes['realization']} realizations of {species}")
plume = results.tables("plume")
standard = plume[plume.species == species].standard_mg_per_L.dropna()
threshold = float(standard.iloc[0]) if len(standard) else 0.01 * float(c.max())
exceeds = (c > threshold).any(dim=["z", "y", "x"])          # [realization, time]
for t in range(fields.sizes["time"]):
    print(f"{float(fields.years[t]):5.1f} yr  P({species} > {threshold:.3g} mg/L somewhere) = "
          f"{float(exceeds.isel(time=t).mean()):.2f}")

risk = results.tables("risk")                    # every realization's risk.csv, stacked
total = risk[(risk.species == "all") & (risk.pathway == "all")]
last = total[total.time == total.time.max()]
stats = last.groupby("receptor").cancer_risk.quantile([0.5, 0.95]).unstack()
stats.columns = ["P50 (pandas)", "P95 (pandas)"]
if results.has_table("risk_quantiles"):
    q = results.table("risk_quantiles")
    q = q[q.time == q.time.max()].set_index("receptor")
    stats["P50 (terrafate)"] = q.cancer_risk_p50
    stats["P95 (terrafate)"] = q.cancer_risk_p95
print(stats.to_string(float_format=lambda v: f"{v:.3g}"))
