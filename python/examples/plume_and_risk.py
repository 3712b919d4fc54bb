#!/usr/bin/python3
"""Worked example 1: a run's plume and risk.

    build/bin/terrafate run inputs/demo/demo.yaml -o demo_results
    /usr/bin/python3 python/examples/plume_and_risk.py demo_results [PCE]

Prints, per output time, the species' peak concentration, its mass-weighted centre and the
aquifer volume above the standard (fields from results.h5 as xarray), then when each receptor
first exceeds the cancer-risk target (risk.csv as pandas).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import terrafate  # noqa: E402

out = sys.argv[1]
species = sys.argv[2] if len(sys.argv) > 2 else "PCE"
results = terrafate.open_results(out)
fields = results.fields()                       # xarray.Dataset: time, z, y, x (+ component)
c = fields[species]                             # [time, z, y, x] in mg/L
print(f"{species} [{c.attrs['units']}] on a {fields.sizes['x']} x {fields.sizes['y']} x "
      f"{fields.sizes['z']} grid")
standard = results.table("plume").query("species == @species").standard_mg_per_L.iloc[0]
cell_volume = (fields.x_nodes.diff("x_node").values.mean() * fields.y_nodes.diff("y_node").values.mean()
               * fields.z_nodes.diff("z_node").values.mean())
for t in range(fields.sizes["time"]):
    ct = c.isel(time=t)
    total = float(ct.sum())
    years = float(fields.years[t])
    if total == 0:
        print(f"{years:5.1f} yr  no {species}")
        continue
    x_centre = float((ct * fields.x).sum() / total)
    above = int((ct > standard).sum()) * cell_volume
    print(f"{years:5.1f} yr  peak {float(ct.max()):.3g} mg/L  x centre {x_centre:.0f} m  "
          f"volume above {standard:g} mg/L: {above:.0f} m3 (cell volumes, unweighted by porosity)")

risk = results.table("risk")                    # pandas.DataFrame
total = risk[(risk.species == "all") & (risk.pathway == "all")]
target = results.deck["risk"]["target"]["cancer_risk"]
for receptor, g in total.groupby("receptor"):
    over = g[g.cancer_risk > target]
    first = f"{over.time.iloc[0] / terrafate.reader.DAYS_PER_YEAR:.1f} yr" if len(over) else "never"
    print(f"receptor {receptor}: peak cancer risk {g.cancer_risk.max():.3g}, above the target "
          f"{target:g} from {first}")
