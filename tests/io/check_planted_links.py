#!/usr/bin/python3
"""Output files never follow a planted link (issue 26).

Usage: check_planted_links.py TERRAFATE DECK WORKDIR

DECK (the bad-input base deck) is run with its `hdf5: false` turned on, so results.h5 is written.
Before `terrafate run DECK -o OUT --overwrite`, OUT holds links planted at the names terrafate
used to write through: observations.csv.partial and results.h5.partial pointing at a victim
file outside OUT, and budget.csv itself pointing at another victim. The run must exit 0, leave
both victims byte-identical, and end with regular files (not links) observations.csv,
budget.csv and results.h5 inside OUT.
"""
import os
import shutil
import subprocess
import sys


def main():
    terrafate, deck, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    out = os.path.join(work, "out")
    os.makedirs(out)
    with open(deck) as f:
        text = f.read()
    if "hdf5: false" not in text:
        sys.exit(f"FAIL: {deck} has no 'hdf5: false' to turn on")
    deck = os.path.join(work, "deck.yaml")
    with open(deck, "w") as f:
        f.write(text.replace("hdf5: false", "hdf5: true"))
    victims = {}
    for name in ("victim_partial.txt", "victim_final.txt"):
        path = os.path.join(work, name)
        with open(path, "w") as f:
            f.write(f"{name}: must stay as it is\n")
        victims[path] = open(path, "rb").read()
    os.symlink(os.path.join(work, "victim_partial.txt"),
               os.path.join(out, "observations.csv.partial"))
    os.symlink(os.path.join(work, "victim_partial.txt"), os.path.join(out, "results.h5.partial"))
    os.symlink(os.path.join(work, "victim_final.txt"), os.path.join(out, "budget.csv"))
    result = subprocess.run([terrafate, "run", deck, "-o", out, "--overwrite"],
                            capture_output=True, text=True, timeout=300)
    problems = []
    if result.returncode != 0:
        problems.append(f"exit {result.returncode}\n{result.stderr}")
    for path, before in victims.items():
        if open(path, "rb").read() != before:
            problems.append(f"{path} was changed through a planted link")
    for name in ("observations.csv", "budget.csv", "results.h5"):
        path = os.path.join(out, name)
        if os.path.islink(path) or not os.path.isfile(path):
            problems.append(f"{name} is not a regular file in the output folder")
    if problems:
        print("FAIL\n" + "\n".join(problems))
        return 1
    print("PASS: victims unchanged, outputs are regular files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
