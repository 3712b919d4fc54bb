"""`chemical:` must resolve (issue 20): a species whose `chemical:` matches no name, alias or CAS
number of data/chemicals.csv stops `terrafate validate` with exit code 2, an input error naming
the key and suggesting the closest name (`benzine` -> benzene); `chemical: none` declares a
species with no risk and validates.

Usage: check_chemical_resolution.py TERRAFATE WORKDIR
"""
import os
import subprocess
import sys

DECK = """title: chemical resolution
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
    - {{name: B, chemical: {chemical}}}
    - {{name: tracer, chemical: none}}
risk:
  framework: hj25.3-2019
  receptors:
    - {{name: well, position: [5, 5, 5], land_use: first_class,
       pathways: [groundwater_ingestion]}}
time:
  end: 365
  max_step: 36.5
output: {{hdf5: false, vtk: false}}
"""


def validate(terrafate, workdir, chemical):
    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, f"deck_{chemical.strip(chr(34))}.yaml")
    with open(path, "w") as f:
        f.write(DECK.format(chemical=chemical))
    result = subprocess.run([terrafate, "validate", path], capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def main():
    terrafate, workdir = sys.argv[1:3]
    failures = []
    code, text = validate(terrafate, workdir, '"benzine"')
    print(f"benzine: exit {code}: {text.strip()}")
    if code != 2:
        failures.append(f"benzine: exit {code}, expected 2")
    for expected in ("transport.species.B.chemical", "benzene", "deck_benzine.yaml:"):
        if expected not in text:
            failures.append(f"benzine: the message lacks '{expected}'")
    code, text = validate(terrafate, workdir, "benzene")
    print(f"benzene (and tracer with chemical: none): exit {code}")
    if code != 0:
        failures.append(f"benzene: exit {code}: {text.strip()}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
