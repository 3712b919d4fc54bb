#!/usr/bin/python3
"""Damaged checkpoints are refused, never restarted from silently and never a crash (issue 26).

Usage: check_damaged_checkpoint.py TERRAFATE DECK WORKDIR

Runs DECK (restart.yaml, checkpoints every 200 d, two kept), then restarts from a damaged copy of
its newest checkpoint, one damage at a time. Each restart must exit 2 (or 0 after falling back to
the older kept checkpoint, saying so) with a message naming the defect, and nothing may show a
crash (a signal, "Segmentation", "PETSC ERROR", "map::at"). The damages:
  scaled      every concentration of /cells/transport/0/mobile x 10, checksum left alone
  negative    one cell set to -1e6 mg/L, and the checksum recomputed here (independently of the
              C++ code, from the documented formula) so only the value check can catch it
  no_deck     /texts/deck deleted
  malformed   /values/loop replaced by a 2-D dataset, /texts/deck by a scalar
  truncated   the file cut to half its size
  old_schema  the schema_version attribute removed (a checkpoint without checksums)
A fallback must say "trying the previous kept checkpoint"; with every kept checkpoint truncated
the restart exits 2 naming each. The intact checkpoint restarts with exit 0 (so the refusals are due to the damage), and the
checksum recomputed here equals the stored one on every dataset of it.
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

MASK = (1 << 64) - 1
CRASH_MARKERS = ("Segmentation", "PETSC ERROR", "map::at", "Sanitizer")


def mix(x):
    """splitmix64's finalizer on uint64 arrays (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def checksum(data):
    """Sum over elements (C order) of mix(mix(index) ^ bits), mod 2^64."""
    flat = np.ascontiguousarray(data).reshape(-1)
    bits = flat.view(np.uint64) if flat.dtype == np.float64 else flat.astype(np.uint64)
    with np.errstate(over="ignore"):
        terms = mix(mix(np.arange(flat.size, dtype=np.uint64)) ^ bits)
    return int(sum(int(t) for t in terms) & MASK)


def run(args, timeout=300):
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout + result.stderr


def main():
    terrafate, deck, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    base = os.path.join(work, "base")
    code, output = run([terrafate, "run", deck, "-o", base])
    if code != 0:
        sys.exit(f"FAIL: the base run exited {code}\n{output}")
    folder = os.path.join(base, "checkpoints")
    kept = sorted(p for p in os.listdir(folder) if p.endswith(".h5") and "_results" not in p)
    newest = os.path.join(folder, kept[-1])
    problems = []

    with h5py.File(newest, "r") as f:
        def verify(name, obj):
            if isinstance(obj, h5py.Dataset):
                stored = int(obj.attrs["checksum"])
                if checksum(obj[()]) != stored:
                    problems.append(f"checksum of {name}: computed {checksum(obj[()])}, "
                                    f"stored {stored}")
        f.visititems(verify)

    def damaged(label, damage):
        """Copies the kept checkpoints (and results snapshots) into a folder, damages the newest."""
        target = os.path.join(work, label, "checkpoints")
        shutil.copytree(folder, target)
        path = os.path.join(target, kept[-1])
        damage(path)
        return path

    def scaled(path):
        with h5py.File(path, "r+") as f:
            f["cells/transport/0/mobile"][...] = f["cells/transport/0/mobile"][()] * 10

    def negative(path):
        with h5py.File(path, "r+") as f:
            data = f["cells/transport/0/mobile"]
            values = data[()]
            values[1, 7, 15] = -1e6
            data[...] = values
            data.attrs.modify("checksum", np.uint64(checksum(values)))

    def no_deck(path):
        with h5py.File(path, "r+") as f:
            del f["texts/deck"]

    def malformed(path):
        with h5py.File(path, "r+") as f:
            del f["values/loop"]
            f.create_dataset("values/loop", data=np.zeros((3, 4)))
            f["values/loop"].attrs["checksum"] = np.uint64(0)
            del f["texts/deck"]
            f.create_dataset("texts/deck", data=np.uint8(7))

    def truncated(path):
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            f.truncate(size // 2)

    def old_schema(path):
        with h5py.File(path, "r+") as f:
            del f.attrs["schema_version"]

    code, output = run([terrafate, "run", deck, "-o", os.path.join(work, "intact"), "--restart",
                        newest])
    if code != 0:
        problems.append(f"intact: exit {code}\n{output}")

    for label, damage, expected in [("scaled", scaled, "checksum mismatch"),
                                    ("negative", negative, "non-negative"),
                                    ("no_deck", no_deck, "/texts/deck"),
                                    ("malformed", malformed, "checkpoint"),
                                    ("truncated", truncated, "checkpoint"),
                                    ("old_schema", old_schema, "schema version")]:
        path = damaged(label, damage)
        code, output = run([terrafate, "run", deck, "-o", os.path.join(work, label, "out"),
                            "--restart", path])
        fell_back = code == 0 and kept[-2] in output
        if fell_back and "trying the previous kept checkpoint" not in output:
            problems.append(f"{label}: fell back without saying so\n{output}")
        crash = [m for m in CRASH_MARKERS if m in output]
        if code != 2 and not fell_back:
            problems.append(f"{label}: exit {code}, expected 2 or a fallback\n{output}")
        elif expected not in output:
            problems.append(f"{label}: the message lacks \"{expected}\"\n{output}")
        if crash or code < 0:
            problems.append(f"{label}: crash markers {crash}, exit {code}")
        print(f"{label}: exit {code}: {output.strip().splitlines()[-1][:200]}")

    # Every kept checkpoint truncated: none is valid, exit 2 naming each.
    target = os.path.join(work, "all_damaged", "checkpoints")
    shutil.copytree(folder, target)
    for name in kept:
        truncated(os.path.join(target, name))
    code, output = run([terrafate, "run", deck, "-o", os.path.join(work, "all_damaged", "out"),
                        "--restart", os.path.join(target, kept[-1])])
    if code != 2 or any(name not in output for name in kept):
        problems.append(f"all damaged: exit {code}, expected 2 naming {kept}\n{output}")
    print(f"all_damaged: exit {code}")

    if problems:
        print("FAIL\n" + "\n".join(problems))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
