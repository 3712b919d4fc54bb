"""Checkpoint/restart: a run killed at a random moment and restarted from its last checkpoint
ends with the results of an uninterrupted run.

Usage: check_restart.py TERRAFATE DECK WORKDIR MPIEXEC

The deck (restart.yaml: soil columns, a PCE -> TCE chain in groundwater, a cap, vapour
extraction and an excavation, risk receptors, HDF5 and VTK outputs, a checkpoint every 200 d)
runs:
1. uninterrupted on 1 and on 2 ranks;
2. on R = 1 and 2 ranks, killed with SIGKILL at a random moment after its first checkpoint, then
   restarted (--restart, the newest complete checkpoint) into a new folder: every CSV file is
   byte-identical to the uninterrupted run at R ranks, results.h5 holds the same outputs with
   bitwise equal fields, observations.csv has no duplicate or missing rows, and the VTK series
   lists every output;
3. the same into the killed run's own folder with --overwrite (refused without it);
4. a 1-rank checkpoint restarted on 2 ranks: every number within 1e-12 of the largest value of
   its column in the uninterrupted 1-rank run (linear solves to 1e-14 for this comparison);
5. SIGTERM: the run writes a checkpoint, exits with status 75 naming it, and the restart from it
   again gives the uninterrupted results;
6. --checkpoint-every-minutes alone writes checkpoints, and a restart from one gives them too.
"""
import csv
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

TABLES = ["observations.csv", "budget.csv", "mass_balance.csv", "soil.csv", "leaching.csv",
          "risk.csv", "plume.csv", "compliance.csv", "ledger.csv", "soil_standards.csv"]
TIGHT = ["--", "-transport_ksp_rtol", "1e-14", "-flow_ksp_rtol", "1e-14"]


def command(terrafate, mpiexec, ranks, deck, out, *extra):
    base = [terrafate, "run", deck, "-o", out, *extra]
    return [mpiexec, "--oversubscribe", "-n", str(ranks)] + base if ranks > 1 else base


def run(args, expect=0):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if result.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)} exited {result.returncode} (expected {expect})\n"
                 f"{result.stderr}")
    return result


def newest_checkpoint(out):
    paths = sorted(p for p in glob.glob(os.path.join(out, "checkpoints", "checkpoint_*.h5"))
                   if not p.endswith("_results.h5"))
    return paths[-1] if paths else None


def fields(out):
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        return {(g, d): (f["outputs"][g].attrs["time"], f["outputs"][g][d][()])
                for g in f["outputs"] for d in f["outputs"][g]}


def compare_identical(reference, other, label, failures):
    for name in TABLES:
        a, b = os.path.join(reference, name), os.path.join(other, name)
        if os.path.exists(a) != os.path.exists(b) or (
                os.path.exists(a) and open(a).read() != open(b).read()):
            failures.append(f"{label}: {name} differs")
    fa, fb = fields(reference), fields(other)
    if fa.keys() != fb.keys():
        failures.append(f"{label}: results.h5 holds other outputs")
    else:
        for key in fa:
            if fa[key][0] != fb[key][0] or not np.array_equal(fa[key][1], fb[key][1]):
                failures.append(f"{label}: results.h5 {key} differs")
                break
    rows = list(csv.reader(open(os.path.join(other, "observations.csv"))))[1:]
    keys = [(r[0], r[1], r[2]) for r in rows]
    if len(keys) != len(set(keys)):
        failures.append(f"{label}: duplicate rows in observations.csv")
    pvd = open(os.path.join(other, "vtk", "fields.pvd")).read()
    steps = len(glob.glob(os.path.join(reference, "vtk", "step_*")))
    if pvd.count("<DataSet") != steps or len(glob.glob(os.path.join(other, "vtk", "step_*"))) != steps:
        failures.append(f"{label}: the VTK series does not list the {steps} outputs")
    print(f"{label}: {'identical' if not failures else 'DIFFERENT'} "
          f"({len(TABLES)} tables, {len(fa)} HDF5 fields, {len(rows)} observation rows)")


def kill_after_first_checkpoint(args, out, sig):
    """Starts the run, waits for its first complete checkpoint, waits a random moment and
    sends `sig` to the run (all its processes for SIGKILL, the launcher for SIGTERM)."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.time() + 300
    while newest_checkpoint(out) is None:
        if process.poll() is not None or time.time() > deadline:
            sys.exit(f"FAIL: the run ended before its first checkpoint: {process.stderr.read()}")
        time.sleep(0.02)
    # Within 0.3 s: on an idle machine the rest of the run after its first checkpoint lasts only
    # seconds (a 0.8 s wait let it finish first in 2 of 4 full-suite runs this session).
    time.sleep(random.uniform(0.0, 0.3))
    if process.poll() is not None:
        sys.exit("FAIL: the run ended before it could be interrupted (make the deck longer)")
    if sig == signal.SIGKILL:
        # Every process of the run, the MPI ranks included (mpiexec may put them in process
        # groups of their own): all of them name the output folder on their command line.
        os.killpg(process.pid, signal.SIGKILL)
        subprocess.run(["pkill", "-KILL", "-f", out], check=False)
    else:
        process.send_signal(sig)
    _, stderr = process.communicate(timeout=300)
    while subprocess.run(["pgrep", "-f", out], capture_output=True).returncode == 0:
        subprocess.run(["pkill", "-KILL", "-f", out], check=False)
        time.sleep(0.05)
    return process.returncode, stderr


def numbers(path):
    rows = list(csv.reader(open(path)))
    return rows[0], rows[1:]


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    failures = []
    full = {}
    for ranks in (1, 2):
        full[ranks] = os.path.join(workdir, f"full_np{ranks}")
        run(command(terrafate, mpiexec, ranks, deck, full[ranks]))
    tight = os.path.join(workdir, "full_np1_tight")
    run(command(terrafate, mpiexec, 1, deck, tight, *TIGHT))

    for ranks in (1, 2):
        killed = os.path.join(workdir, f"killed_np{ranks}")
        code, _ = kill_after_first_checkpoint(
            command(terrafate, mpiexec, ranks, deck, killed), killed, signal.SIGKILL)
        checkpoint = newest_checkpoint(killed)
        print(f"{ranks} rank(s): killed (status {code}); restarting from "
              f"{os.path.basename(checkpoint)}")
        restarted = os.path.join(workdir, f"restarted_np{ranks}")
        run(command(terrafate, mpiexec, ranks, deck, restarted, "--restart", checkpoint))
        compare_identical(full[ranks], restarted, f"{ranks} rank(s), new folder", failures)
        # Into the killed run's own folder: refused without --overwrite.
        result = run(command(terrafate, mpiexec, ranks, deck, killed, "--restart", checkpoint),
                     expect=2)
        if "--overwrite" not in result.stderr:
            failures.append("the refusal does not mention --overwrite")
        run(command(terrafate, mpiexec, ranks, deck, killed, "--restart", checkpoint,
                    "--overwrite"))
        compare_identical(full[ranks], killed, f"{ranks} rank(s), same folder", failures)

    # A 1-rank checkpoint continued on 2 ranks.
    killed = os.path.join(workdir, "killed_tight")
    kill_after_first_checkpoint(command(terrafate, mpiexec, 1, deck, killed, *TIGHT), killed,
                                signal.SIGKILL)
    across = os.path.join(workdir, "restarted_across")
    run(command(terrafate, mpiexec, 2, deck, across, "--restart", newest_checkpoint(killed),
                *TIGHT))
    worst = 0.0
    for name in TABLES:
        header, a = numbers(os.path.join(tight, name))
        _, b = numbers(os.path.join(across, name))
        if len(a) != len(b):
            failures.append(f"1 -> 2 ranks: {name} has {len(b)} rows, not {len(a)}")
            continue
        for c, column in enumerate(header):
            try:
                x = np.array([float(r[c]) for r in a])
                y = np.array([float(r[c]) for r in b])
            except ValueError:
                if [r[c] for r in a] != [r[c] for r in b]:
                    failures.append(f"1 -> 2 ranks: {name} column {column} differs")
                continue
            if column == "relative_closure":
                continue  # round-off by definition
            finite = np.isfinite(x)
            scale = np.max(np.abs(x[finite])) if finite.any() else 0.0
            if scale > 0.0:
                worst = max(worst, float(np.max(np.abs(x[finite] - y[finite]))) / scale)
    print(f"1-rank checkpoint restarted on 2 ranks: within {worst:.2e} of each column's "
          "largest value")
    if worst > 1e-12:
        failures.append(f"1 -> 2 ranks differs by {worst:.2e}")

    # SIGTERM: a checkpoint and status 75.
    stopped = os.path.join(workdir, "sigterm")
    code, stderr = kill_after_first_checkpoint(command(terrafate, mpiexec, 1, deck, stopped),
                                               stopped, signal.SIGTERM)
    checkpoint = newest_checkpoint(stopped)
    print(f"SIGTERM: status {code}: {stderr.strip().splitlines()[-1] if stderr.strip() else ''}")
    if code != 75 or "--resume" not in stderr or os.path.basename(checkpoint) not in stderr:
        failures.append(f"SIGTERM: status {code}, message {stderr!r}")
    resumed = os.path.join(workdir, "sigterm_restarted")
    run(command(terrafate, mpiexec, 1, deck, resumed, "--restart", checkpoint))
    compare_identical(full[1], resumed, "after SIGTERM", failures)

    # Wall-clock checkpoints alone (the deck's simulated-time ones removed).
    wall_deck = os.path.join(workdir, "wall_clock.yaml")
    with open(wall_deck, "w") as f:
        f.write(open(deck).read().replace("  checkpoint: {every: 200}\n", ""))
    wall = os.path.join(workdir, "wall_clock")
    run(command(terrafate, mpiexec, 1, wall_deck, wall, "--checkpoint-every-minutes", "0.005"))
    checkpoint = newest_checkpoint(wall)
    print(f"--checkpoint-every-minutes 0.005: newest {checkpoint and os.path.basename(checkpoint)}")
    if checkpoint is None:
        failures.append("no wall-clock checkpoint was written")
    else:
        resumed = os.path.join(workdir, "wall_clock_restarted")
        run(command(terrafate, mpiexec, 1, wall_deck, resumed, "--restart", checkpoint))
        compare_identical(full[1], resumed, "from a wall-clock checkpoint", failures)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
