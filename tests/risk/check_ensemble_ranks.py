"""An ensemble with a random conductivity field and a random decay rate gives the same quantiles
whatever the number of ranks.

Usage: check_ensemble_ranks.py TERRAFATE WORKDIR MPIEXEC

A PCE plume from a constant-concentration source in a 40 x 20 x 2 grid, 12 realizations: the
sand's conductivity times 10^(0.3 g) with g a Gaussian field (correlation lengths 40, 20, 2 m),
and a lognormal decay rate. Runs on 1, 2 and 4 ranks with one rank per realization must give
byte-identical ensemble.csv and risk_quantiles.csv (each realization runs alone, and the random
numbers are functions of the seed, the parameter and the realization only). On 4 ranks with 2
ranks per realization, and on 2 ranks with 2, the field is the same (built from global cell
indices), so the quantiles agree within 1e-8 of their values (linear solves to 1e-13). The
spread between P5 and P95 must not be zero (the parameters do vary the result).
"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402

DECK = """title: ensemble ranks agreement
grid:
  origin: [0, 0, 0]
  size: [200, 100, 10]
  cells: [40, 20, 2]
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.7,
     foc: 0.001, dispersivity: [5, 0.5, 0.05]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 12}
    - {face: xmax, type: head, head: 10}
transport:
  species:
    - {name: PCE, sorption: {type: linear, koc: 100}, decay: {rate: 0.0005}}
  sources:
    - {species: PCE, type: concentration, region: {box: {min: [20, 40, 0], max: [30, 60, 10]}},
       concentration: 5}
risk:
  framework: hj25.3-2019
  standard: gbt14848-III
  receptors:
    - {name: well, position: [150, 50, 5], land_use: first_class,
       pathways: [groundwater_ingestion, indoor_vapour]}
ensemble:
  realizations: 12
  seed: 2024
  parameters:
    - {path: transport.species.PCE.decay.rate, distribution: lognormal, median: 0.0005, gsd: 1.5}
    - {path: materials.sand.hydraulic_conductivity,
       field: {type: gaussian, log10_std: 0.3, correlation_length: [40, 20, 2]}}
time:
  end: 1500
  max_step: 50
  output_times: [500, 1000, 1500]
output: {hdf5: false, vtk: false}
"""


def read(path):
    with open(path) as f:
        return f.read()


def main():
    terrafate, workdir, mpiexec = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    deck = os.path.join(workdir, "ensemble.yaml")
    with open(deck, "w") as f:
        f.write(DECK)
    runs = {}
    for ranks, per_run in ((1, 1), (2, 1), (4, 1), (4, 2), (2, 2)):
        out = os.path.join(workdir, f"np{ranks}_per{per_run}")
        outputs.run(terrafate, deck, out, ranks=ranks, mpiexec=mpiexec,
                    options=("--ranks-per-run", str(per_run), "--", "-transport_ksp_rtol",
                             "1e-13"))
        runs[(ranks, per_run)] = out
    failures = []
    reference = runs[(1, 1)]
    for key in ((2, 1), (4, 1)):
        for name in ("ensemble.csv", "risk_quantiles.csv"):
            same = read(os.path.join(reference, name)) == read(os.path.join(runs[key], name))
            print(f"{name}: {key[0]} ranks, 1 per realization: "
                  f"{'identical' if same else 'DIFFERENT'} to 1 rank")
            if not same:
                failures.append(f"{name} differs at {key[0]} ranks")
    with open(os.path.join(reference, "risk_quantiles.csv"), newline="") as f:
        base = list(csv.DictReader(f))
    columns = [c for c in base[0] if c.startswith("cancer_risk") or c.startswith("hazard_index")]
    for key in ((4, 2), (2, 2)):
        with open(os.path.join(runs[key], "risk_quantiles.csv"), newline="") as f:
            other = list(csv.DictReader(f))
        worst = max(abs(float(a[c]) - float(b[c])) / abs(float(a[c]))
                    for a, b in zip(base, other) for c in columns if float(a[c]) != 0.0)
        print(f"risk_quantiles.csv: {key[0]} ranks, {key[1]} per realization: within "
              f"{worst:.2e} of 1 rank")
        if worst > 1e-8:
            failures.append(f"{key}: quantiles differ by {worst:.2e}")
    last = base[-1]
    spread = float(last["cancer_risk_p95"]) / float(last["cancer_risk_p5"])
    print(f"P95 / P5 of the cancer risk at {last['time']} d: {spread:.3f}")
    if not spread > 1.05:
        failures.append("the ensemble does not spread")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
