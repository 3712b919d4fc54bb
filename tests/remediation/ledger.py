"""Reading ledger.csv (`action,item,quantity,unit,start,end`) and comparing its quantities with
hand calculations, for the checks in this folder."""
import csv
import os


def read_ledger(out):
    """{(action, item): quantity} of OUT/ledger.csv."""
    with open(os.path.join(out, "ledger.csv"), newline="") as f:
        return {(row["action"], row["item"]): float(row["quantity"]) for row in csv.DictReader(f)}


def compare(ledger, expected, failures, tolerance=1e-10):
    """Prints each expected (action, item) with the ledger's quantity; appends to `failures` the
    ones missing or off by more than `tolerance` (relative)."""
    for key, value in expected.items():
        print(f"ledger {key}: {ledger.get(key)} (expected {value})")
        if key not in ledger or not abs(ledger[key] - value) <= tolerance * abs(value):
            failures.append(f"ledger {key} = {ledger.get(key)}, expected {value}")
