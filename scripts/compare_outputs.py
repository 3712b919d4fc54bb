#!/usr/bin/python3
"""Byte-identical outputs across a refactoring: run a terrafate binary over a list of decks, then
compare two such output sets file by file and HDF5 dataset by dataset.

  compare_outputs.py run TERRAFATE OUTDIR [--ranks N] [--only REGEX] [--skip REGEX]
  compare_outputs.py compare OUTDIR_A OUTDIR_B

`run` runs every case of the deck list (inputs/demo, the three example sites: run and optimize,
every deck of inputs/verification: run, and optimize where it has strategies:) into
OUTDIR/<case>/, recording the exit code, stdout and stderr of each in OUTDIR/<case>.status and
the wall time in OUTDIR/timing.csv. `compare` compares every file of both sets: CSV, JSON,
Markdown, YAML and the status files byte by byte, results.h5/checkpoints dataset by dataset
(values, shape, dtype and attributes; only the provenance/timing ones ignored), and lists the
files that legitimately differ and are skipped (provenance, wall-clock timing, plots, logs).
Exit 0 when everything compared is identical, 1 otherwise.
"""
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent

# Files that differ from run to run whatever the code: provenance (times, host, git commit),
# wall-clock timing, plots (PNG metadata), the plot script's log, VTK (provenance in headers).
SKIPPED = [
    (re.compile(r"(^|/)provenance\.json$"), "provenance: run time, host, git commit"),
    (re.compile(r"(^|/)timing[^/]*$"), "wall-clock timing"),
    (re.compile(r"\.png$|\.svg$|\.pdf$"), "plots (image metadata)"),
    (re.compile(r"(^|/)plots\.log$"), "plot script log"),
    (re.compile(r"\.vtr$|\.pvtr$|\.pvd$|\.vts$|\.pvts$"),
     "VTK fields (compared through results.h5)"),
]
# Files compared line by line without their wall-clock lines ("..._seconds": ..., "... 12.3 s").
WALL_CLOCK_FILES = re.compile(r"(^|/)(run_summary\.json|recommendation\.json|report\.md)$")
WALL_CLOCK_LINE = re.compile(r"seconds|git_commit|[0-9] ?s\b|[0-9] s[,.)]")
# The positions of the checkpoint loop vector of earlier versions.
LOOP_KEYS = ["period", "t", "dt", "recovering", "step_cap", "step", "next_output",
             "max_flow_closure", "max_mass_closure", "retries", "checkpoint_index",
             "next_checkpoint_time"]
# HDF5 datasets/attributes with provenance or wall-clock content.
SKIPPED_H5 = re.compile(r"(^|/)(provenance|timing|wall_seconds|created)([/_].*)?$")
# stdout/stderr lines with wall-clock or absolute-path content.
VOLATILE_LINE = re.compile(r"wall|seconds|[0-9.]+ ?s\b|elapsed|results in |/")


def cases():
    """(name, subcommand, deck) of every case."""
    out = [("demo_run", "run", ROOT / "inputs/demo/demo.yaml"),
           ("demo_optimize", "optimize", ROOT / "inputs/demo/demo.yaml")]
    for site in ("chlorinated_solvent_site", "chromium_plating_site", "petrol_station_btex"):
        deck = ROOT / "inputs" / site / "site.yaml"
        out.append((site + "_run", "run", deck))
        if re.search(r"^strategies:", deck.read_text(), re.M):
            out.append((site + "_optimize", "optimize", deck))
    for deck in sorted((ROOT / "inputs/verification").rglob("*.yaml")):
        name = str(deck.relative_to(ROOT / "inputs/verification").with_suffix("")).replace("/", "__")
        out.append((name + "_run", "run", deck))
        if re.search(r"^strategies:", deck.read_text(), re.M):
            out.append((name + "_optimize", "optimize", deck))
    return out


def run(args):
    outdir = Path(args.outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "root.txt").write_text(str(ROOT))  # deck paths in outputs start with it
    binary = str(Path(args.terrafate).resolve())
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    with open(outdir / "timing.csv", "a") as timing:
        for name, sub, deck in cases():
            if args.only and not re.search(args.only, name):
                continue
            if args.skip and re.search(args.skip, name):
                continue
            target = outdir / name
            command = [binary, sub, str(deck), "-o", str(target), "--overwrite"]
            if sub == "run" and re.search(r"^strategies:", deck.read_text(), re.M):
                command.append("--all-actions")  # a deck with strategies: every action at once
            if args.ranks > 1:
                command = ["mpiexec", "--oversubscribe", "-n", str(args.ranks)] + command
            start = time.time()
            result = subprocess.run(command, cwd=deck.parent, env=env, capture_output=True,
                                    text=True)
            seconds = time.time() - start
            timing.write(f"{name},{args.ranks},{seconds:.1f},{result.returncode}\n")
            timing.flush()
            stable = lambda text: "\n".join(l for l in text.splitlines()
                                            if not VOLATILE_LINE.search(l))
            (outdir / f"{name}.status").write_text(
                f"exit {result.returncode}\n--- stdout\n{stable(result.stdout)}\n"
                f"--- stderr\n{stable(result.stderr)}\n")
            print(f"{name}: exit {result.returncode}, {seconds:.1f} s", flush=True)


def h5_items(path, root=b"", out=b""):
    """{name: (kind, payload)} of every dataset and attribute, provenance/timing skipped; the
    checkout path `root` in string attributes replaced by <ROOT>."""
    items, skipped = {}, []

    def normal(value):
        if isinstance(value, bytes):
            return value.replace(root, b"<ROOT>").replace(out, b"<OUT>")
        if isinstance(value, str):
            return value.replace(root.decode(), "<ROOT>").replace(out.decode(), "<OUT>")
        return value
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if SKIPPED_H5.search(name):
                skipped.append(name)
                return
            if isinstance(obj, h5py.Dataset):
                value = obj[()]
                if name.startswith("texts/"):  # checkpoint texts (uint8): paths normalized
                    value = normal(np.asarray(value).tobytes())
                    items[name] = ("text", value)
                    return
                if name == "values/flow/stats":  # iterations, solves; not the seconds (1, 2)
                    items[name] = ("dataset", obj.dtype.str, obj.shape, value[[0, 3, 4]])
                    skipped.append(name + "[1:3] (seconds)")
                    return
                items[name] = ("dataset", obj.dtype.str, obj.shape, value)
            for key, value in obj.attrs.items():
                if SKIPPED_H5.search(key):
                    skipped.append(f"{name}@{key}")
                    continue
                items[f"{name}@{key}"] = ("attribute", normal(value))
        for key, value in f.attrs.items():
            if SKIPPED_H5.search(key):
                skipped.append(f"@{key}")
            else:
                items[f"@{key}"] = ("attribute", normal(value))
        f.visititems(visit)
    # Checkpoints before the named loop keys kept the loop state as one vector by position:
    # compare it key by key with the named datasets (values/loop/<key>).
    old = items.pop("values/loop", None)
    if old is not None and old[0] == "dataset":
        for key, value in zip(LOOP_KEYS, old[3]):
            items[f"values/loop/{key}"] = ("dataset", old[1], (1,), np.array([value]))
    return items, skipped


def same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind in "fc":
            return a.tobytes() == b.tobytes()
        return bool(np.array_equal(a, b))
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def compare(args):
    a, b = Path(args.a), Path(args.b)
    # Deck paths recorded in the outputs (carbon.csv sources, deck_path) start with the
    # checkout the set was run from: compared with that prefix replaced.
    set_of = lambda d: next(p for p in [d, d.parent] if (p / "root.txt").is_file())
    root_a, root_b = ((set_of(d) / "root.txt").read_text().encode() for d in (a, b))
    out_a, out_b = (str(set_of(d).resolve()).encode() for d in (a, b))
    files_a = {str(p.relative_to(a)) for p in a.rglob("*") if p.is_file()}
    files_b = {str(p.relative_to(b)) for p in b.rglob("*") if p.is_file()}
    problems, skipped, counts = [], {}, {"files": 0, "h5 files": 0, "h5 items": 0}
    for name in sorted(files_a | files_b):
        if name in ("timing.csv", "root.txt"):
            continue
        reason = next((why for pattern, why in SKIPPED if pattern.search(name)), None)
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        if name not in files_a or name not in files_b:
            problems.append(f"{name}: only in {'B' if name not in files_a else 'A'}")
            continue
        if name.endswith(".h5"):
            items_a, skip_a = h5_items(a / name, root_a, out_a)
            items_b, _ = h5_items(b / name, root_b, out_b)
            counts["h5 files"] += 1
            for s in skip_a:
                skipped["h5 provenance/timing items"] = skipped.get("h5 provenance/timing items", 0) + 1
            for key in sorted(set(items_a) | set(items_b)):
                counts["h5 items"] += 1
                if key not in items_a or key not in items_b:
                    problems.append(f"{name}:{key}: only in {'B' if key not in items_a else 'A'}")
                elif not same(items_a[key], items_b[key]):
                    problems.append(f"{name}:{key}: differs")
        elif WALL_CLOCK_FILES.search(name):
            # Everything but the lines holding wall-clock seconds, byte by byte.
            counts["files"] += 1
            strip = lambda path, root: [l.replace(root.decode(), "<ROOT>")
                                        for l in path.read_text().splitlines()
                                        if not WALL_CLOCK_LINE.search(l)]
            if strip(a / name, root_a) != strip(b / name, root_b):
                problems.append(f"{name}: differs (wall-clock lines ignored)")
            key = "wall-clock lines of run_summary.json/recommendation.json/report.md (rest compared)"
            skipped[key] = skipped.get(key, 0) + 1
        else:
            counts["files"] += 1
            if (a / name).read_bytes().replace(root_a, b"<ROOT>") != \
                    (b / name).read_bytes().replace(root_b, b"<ROOT>"):
                problems.append(f"{name}: differs")
    print(f"compared {counts['files']} files byte by byte and {counts['h5 items']} datasets/"
          f"attributes in {counts['h5 files']} HDF5 files")
    for reason, n in sorted(skipped.items()):
        print(f"skipped {n}: {reason}")
    for p in problems:
        print("DIFFERENT:", p)
    print("all identical" if not problems else f"{len(problems)} differences")
    return 0 if not problems else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("terrafate")
    r.add_argument("outdir")
    r.add_argument("--ranks", type=int, default=1)
    r.add_argument("--only")
    r.add_argument("--skip")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    args = parser.parse_args()
    if args.command == "run":
        run(args)
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
