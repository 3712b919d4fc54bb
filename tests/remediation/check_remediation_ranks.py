#!/usr/bin/python3
"""Every remediation action (all_actions.yaml) at 1 and 2 MPI ranks: the same results.

Both runs solve to -transport_ksp_rtol 1e-13 so that the comparison measures the domain
decomposition of the actions (excavation, injection, oxidation, zone rates, wells, caps), not
the solver tolerance. Asserted: the concentration fields at every output agree to 1e-9 of the
largest concentration of any species then (a daughter made in small amounts, ethene at 1e-4
mg/L, inherits its parents' differences: 3e-9 of its own maximum, 5e-14 of the parents'); every ledger quantity and every mass balance entry agrees to 1e-9 of the
largest entry of its species (ledger: of its action and unit); both mass balances close to 1e-8.
Usage: check_remediation_ranks.py TERRAFATE DECK WORKDIR MPIEXEC
"""
import csv
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402

SPECIES = ["PCE", "TCE", "ethene", "MnO4"]
MASSES = ["dissolved", "sorbed", "immobile", "inflow", "outflow", "sources", "decayed",
          "produced", "removed"]


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    os.makedirs(workdir, exist_ok=True)
    runs = {}
    for ranks in (1, 2):
        out = os.path.join(workdir, f"np{ranks}")
        outputs.run(terrafate, deck, out, ranks, mpiexec,
                    options=["-transport_ksp_rtol", "1e-13"])
        balance = outputs.check_mass_balance(out, SPECIES, 1e-8)
        with open(os.path.join(out, "ledger.csv"), newline="") as f:
            ledger = {(row["action"], row["item"], row["unit"]): float(row["quantity"])
                      for row in csv.DictReader(f)}
        runs[ranks] = (outputs.read_fields(out, SPECIES)[1], balance, ledger)
    failures = []
    (fields1, balance1, ledger1), (fields2, balance2, ledger2) = runs[1], runs[2]
    worst = 0.0
    for (t, a), (_, b) in zip(fields1, fields2):
        scale = max(max(np.abs(a[s]).max() for s in SPECIES), 1e-300)
        for s in SPECIES:
            worst = max(worst, np.abs(a[s] - b[s]).max() / scale)
    print(f"fields: largest difference {worst:.2e} of the largest concentration")
    if not worst < 1e-9:
        failures.append(f"fields differ by {worst:.2e}")
    worst = 0.0
    for s in SPECIES:
        rows1 = [r for r in balance1 if r["species"] == s]
        rows2 = [r for r in balance2 if r["species"] == s]
        scale = max(max(abs(r[m]) for r in rows1 for m in MASSES), 1e-300)
        for r1, r2 in zip(rows1, rows2):
            worst = max(worst, max(abs(r1[m] - r2[m]) for m in MASSES) / scale)
    print(f"mass balance: largest difference {worst:.2e} of the species' largest entry")
    if not worst < 1e-9:
        failures.append(f"mass balances differ by {worst:.2e}")
    if set(ledger1) != set(ledger2):
        failures.append("the ledgers list different items")
    else:
        worst = 0.0
        for key, value in ledger1.items():
            scale = max(max(abs(v) for k, v in ledger1.items() if k[0] == key[0] and k[2] == key[2]),
                        1e-300)
            worst = max(worst, abs(value - ledger2[key]) / scale)
        print(f"ledger ({len(ledger1)} items): largest difference {worst:.2e}")
        if not worst < 1e-9:
            failures.append(f"ledgers differ by {worst:.2e}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
