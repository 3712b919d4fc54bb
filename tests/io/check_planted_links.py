#!/usr/bin/python3
"""Output files never follow a planted link (issue 26).

Usage: check_planted_links.py TERRAFATE DECK WORKDIR

DECK (the bad-input base deck) is run with its `hdf5: false` turned on, so results.h5 is written,
into OUT; then links are planted and `terrafate run DECK -o OUT --overwrite` runs again:
1. at names the first run wrote (its manifest lists them): budget.csv and observations.csv
   pointing at victim files outside OUT. The run must exit 0, leave both victims
   byte-identical, and end with regular files (not links) observations.csv, budget.csv and
   results.h5 inside OUT (--overwrite removes the links, never what they point at);
2. at names terrafate did not write: observations.csv.partial and results.h5.partial pointing at
   a victim. The run must refuse (exit 2) naming them, and leave the victim as it is.
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
    problems = []

    def overwrite_run():
        return subprocess.run([terrafate, "run", deck, "-o", out, "--overwrite"],
                              capture_output=True, text=True, timeout=300)

    def victims_unchanged(label):
        for path, before in victims.items():
            if open(path, "rb").read() != before:
                problems.append(f"{label}: {path} was changed through a planted link")

    first = overwrite_run()
    if first.returncode != 0:
        problems.append(f"first run: exit {first.returncode}\n{first.stderr}")
    for name, victim in (("budget.csv", "victim_final.txt"),
                         ("observations.csv", "victim_partial.txt")):
        os.remove(os.path.join(out, name))
        os.symlink(os.path.join(work, victim), os.path.join(out, name))
    result = overwrite_run()
    if result.returncode != 0:
        problems.append(f"links at written names: exit {result.returncode}\n{result.stderr}")
    victims_unchanged("links at written names")
    for name in ("observations.csv", "budget.csv", "results.h5"):
        path = os.path.join(out, name)
        if os.path.islink(path) or not os.path.isfile(path):
            problems.append(f"{name} is not a regular file in the output folder")

    for name in ("observations.csv.partial", "results.h5.partial"):
        os.symlink(os.path.join(work, "victim_partial.txt"), os.path.join(out, name))
    result = overwrite_run()
    if result.returncode != 2 or "observations.csv.partial" not in result.stderr:
        problems.append(f"links at other names: exit {result.returncode} (expected 2 naming "
                        f"them)\n{result.stderr}")
    victims_unchanged("links at other names")
    if problems:
        print("FAIL\n" + "\n".join(problems))
        return 1
    print("PASS: victims unchanged, outputs are regular files, unlisted links refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
