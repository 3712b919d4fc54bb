"""cluster/slurm/ against a real Slurm: a one-node cluster (Debian's slurm-wlm, started here as
root in a temporary folder, tests/slurm/slurm_cluster.py) runs the batch templates, and their
results must be those of the same decks run directly with mpirun.

Usage: check_slurm.py TERRAFATE REPOSITORY WORKDIR MPIEXEC
Exits 77 (skipped) without slurm-wlm or without root.

1. run.sbatch, `sbatch --wait -n 2`, tests/slurm/plume.yaml: every CSV table (observations.csv,
   budget.csv, mass_balance.csv) byte-identical to `mpirun -n 2 terrafate run`, and every field
   of results.h5 bitwise equal (same time, same values).
2. ensemble.sbatch, `sbatch --wait -n 2`, tests/slurm/ensemble.yaml (6 realizations, one per
   rank): ensemble.csv, risk_quantiles.csv and each realization's observations.csv and risk.csv
   byte-identical to `mpirun -n 2 terrafate run`.
3. The job-array variant (submit-ensemble-array.sh, 3 realizations per task, 1 rank per task,
   then gather.sbatch): the same files byte-identical to the run in one allocation (2.).
4. run.sbatch sent a SIGTERM part-way (`scancel --signal=TERM`, what --signal sends before the
   time limit) after its first checkpoint: terrafate stops with a checkpoint before the end of
   the run, the job resubmits itself, the next job continues with --restart from that
   checkpoint, and the completed results are identical to the direct run (as in 1.).
4b. ensemble.sbatch (1 rank, tests/slurm/ensemble.yaml with 10 times smaller steps) sent a
   SIGTERM once its first realization finished: the job resubmits itself, the next job runs
   `terrafate run DECK --resume FOLDER` (jobs.log), and ensemble.csv, risk_quantiles.csv and each
   realization's observations.csv and risk.csv are byte-identical to a direct run of that deck.
5. scaling.sh on 1 node x 2 ranks: scaling.csv's row holds the cells, steps and time-loop seconds
   of that run's run_summary.json and a peak memory.
The daemons are stopped (by their pids) whatever happens.
"""
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from slurm_cluster import SlurmCluster, slurm_available  # noqa: E402

SKIP = 77
failures = []
WORKDIR = [None]


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)
    return condition


def run(args, env=None, expect=0, timeout=300):
    # From the work folder: Slurm's default log files land in the submitting folder.
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout,
                            cwd=WORKDIR[0])
    if result.returncode != expect:
        raise RuntimeError(f"{' '.join(args)} exited {result.returncode} (expected {expect})\n"
                           f"{result.stdout}\n{result.stderr}")
    return result


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


def read(path):
    with open(path) as f:
        return f.read()


def status(run_dir, name="status"):
    path = os.path.join(run_dir, "slurm", name)
    return read(path).strip() if os.path.exists(path) else ""


def h5_fields(folder):
    with h5py.File(os.path.join(folder, "results.h5"), "r") as f:
        return {(g, d): (f["outputs"][g].attrs["time"], f["outputs"][g][d][()])
                for g in f["outputs"] for d in f["outputs"][g]}


def compare_single(reference, other, label):
    """Every CSV table byte-identical, every results.h5 field bitwise equal."""
    tables = sorted(os.path.basename(p) for p in glob.glob(os.path.join(reference, "*.csv")))
    check("observations.csv" in tables, f"{label}: the reference has no observations.csv")
    for name in tables:
        path = os.path.join(other, name)
        check(os.path.exists(path) and read(path) == read(os.path.join(reference, name)),
              f"{label}: {name} differs from the direct mpirun run")
    a, b = h5_fields(reference), h5_fields(other)
    check(a.keys() == b.keys(), f"{label}: results.h5 holds other outputs")
    equal = sum(1 for k in a if k in b and a[k][0] == b[k][0] and np.array_equal(a[k][1], b[k][1]))
    check(equal == len(a), f"{label}: {len(a) - equal} results.h5 fields differ")
    rows = list(csv.reader(open(os.path.join(other, "observations.csv"))))[1:]
    check(len(rows) > 0, f"{label}: observations.csv is empty")
    print(f"{label}: {len(tables)} tables ({len(rows)} observation rows) identical, "
          f"{equal} of {len(a)} HDF5 fields bitwise equal")


def ensemble_files(realizations):
    return ["ensemble.csv", "risk_quantiles.csv"] + [
        os.path.join("realizations", f"{r:04d}", name)
        for r in range(realizations) for name in ("observations.csv", "risk.csv")]


def compare_ensemble(reference, other, label):
    files = ensemble_files(6)
    same = 0
    for name in files:
        path = os.path.join(other, name)
        if check(os.path.exists(path) and read(path) == read(os.path.join(reference, name)),
                 f"{label}: {name} differs"):
            same += 1
    print(f"{label}: {same} of {len(files)} files identical")


def job_id(output):
    match = re.search(r"(\d+)", output)
    if not match:
        raise RuntimeError(f"no job id in {output!r}")
    return match.group(1)


def main():
    terrafate, repository, workdir, mpiexec = sys.argv[1:5]
    if not slurm_available():
        print("slurm-wlm is not installed (slurmctld, slurmd, sbatch): skipped")
        return SKIP
    if os.geteuid() != 0:
        print("the test cluster's daemons run as root: skipped")
        return SKIP
    start = time.time()
    terrafate = os.path.abspath(terrafate)
    slurm_dir = os.path.join(repository, "cluster", "slurm")
    plume = os.path.join(repository, "tests", "slurm", "plume.yaml")
    ensemble = os.path.join(repository, "tests", "slurm", "ensemble.yaml")
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    workdir = os.path.abspath(workdir)
    WORKDIR[0] = workdir

    # The references, outside Slurm.
    mpi_env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    direct = os.path.join(workdir, "direct_plume")
    run([mpiexec, "--oversubscribe", "-n", "2", terrafate, "run", plume, "-o", direct], mpi_env)
    direct_ensemble = os.path.join(workdir, "direct_ensemble")
    run([mpiexec, "--oversubscribe", "-n", "2", terrafate, "run", ensemble, "-o",
         direct_ensemble], mpi_env)
    print(f"direct mpirun runs done ({time.time() - start:.0f} s)")

    # The cluster's state in a short temporary path (slurmd's sockets live in its spool).
    cluster_dir = tempfile.mkdtemp(prefix="terrafate-slurm-")
    cluster = SlurmCluster(cluster_dir)
    try:
        cluster.start()
        print(f"Slurm cluster up in {cluster_dir} ({time.time() - start:.0f} s)")
        env = cluster.env()
        env.update(TERRAFATE=terrafate, TERRAFATE_OUTPUT_ROOT=os.path.join(workdir, "runs"))
        logs = ["--output", os.path.join(workdir, "slurm-%x-%j.out"), "--chdir", workdir]

        # 1. The single-run template.
        result = run(["sbatch", "--wait", "-n", "2", *logs,
                      os.path.join(slurm_dir, "run.sbatch"), plume], env)
        job = job_id(result.stdout)
        run_dir = os.path.join(workdir, "runs", f"plume-{job}")
        check(status(run_dir) == "completed", f"run.sbatch: status {status(run_dir)!r}")
        compare_single(direct, run_dir, f"run.sbatch (job {job})")
        summary = json.load(open(os.path.join(run_dir, "run_summary.json")))
        check(summary["ranks"] == 2, f"run.sbatch ran on {summary['ranks']} ranks, not 2")

        # 2. The ensemble template.
        result = run(["sbatch", "--wait", "-n", "2", *logs,
                      os.path.join(slurm_dir, "ensemble.sbatch"), ensemble], env)
        job = job_id(result.stdout)
        ensemble_dir = os.path.join(workdir, "runs", f"ensemble-{job}")
        check(status(ensemble_dir) == "completed", f"ensemble.sbatch: {status(ensemble_dir)!r}")
        compare_ensemble(direct_ensemble, ensemble_dir, f"ensemble.sbatch (job {job})")
        print(f"templates done ({time.time() - start:.0f} s)")

        # 3. The job-array variant and its gather step.
        result = run([os.path.join(slurm_dir, "submit-ensemble-array.sh"), ensemble, "3",
                      "--ntasks=1", *logs], env)
        array = re.search(r"array job (\d+) \((\d+) tasks", result.stdout)
        array_dir = re.search(r"results: (\S+)", result.stdout).group(1)
        check(array is not None and array.group(2) == "2",
              f"submit-ensemble-array.sh: {result.stdout!r}")
        wait_for(lambda: status(array_dir, "gather.status"), 180, "the gather job")
        check(status(array_dir, "gather.status") == "completed",
              f"gather: {status(array_dir, 'gather.status')!r}")
        for task in (0, 1):
            check(status(array_dir, f"task-{task}.status") == "completed",
                  f"array task {task}: {status(array_dir, f'task-{task}.status')!r}")
        compare_ensemble(ensemble_dir, array_dir, "job array + gather vs one allocation")
        print(f"job array done ({time.time() - start:.0f} s)")

        # 4. SIGTERM part-way, resubmission, restart.
        result = run(["sbatch", "--parsable", "-n", "2", *logs,
                      os.path.join(slurm_dir, "run.sbatch"), plume], env)
        first = job_id(result.stdout)
        run_dir = os.path.join(workdir, "runs", f"plume-{first}")
        wait_for(lambda: glob.glob(os.path.join(run_dir, "checkpoints", "checkpoint_*[0-9].h5")),
                 120, "the first checkpoint")
        run(["scancel", "--signal=TERM", first], env)
        wait_for(lambda: status(run_dir) in ("completed",) or status(run_dir).startswith("failed"),
                 180, "the resubmitted chain")
        check(status(run_dir) == "completed", f"after SIGTERM: status {status(run_dir)!r}")
        journal = read(os.path.join(run_dir, "slurm", "jobs.log"))
        jobs = sorted(set(re.findall(r"job (\d+):", journal)), key=int)
        check(len(jobs) == 2 and jobs[0] == first,
              f"after SIGTERM: jobs {jobs} in jobs.log, expected {first} and its resubmission")
        stopped = re.search(r"stopped by a signal at t = ([0-9.e+-]+) d",
                            read(os.path.join(workdir, f"slurm-terrafate-{first}.out")))
        if check(stopped is not None, f"job {first}'s output does not report the stop"):
            t = float(stopped.group(1))
            check(0 < t < 2000, f"stopped at t = {t} d: not part-way")
            print(f"SIGTERM: job {first} stopped at t = {t} d after a checkpoint")
        if len(jobs) == 2:
            check(os.path.exists(os.path.join(workdir, f"slurm-terrafate-{jobs[1]}.out")),
                  f"job {jobs[1]}'s Slurm log is not in the folder the chain runs in")
            second = [line for line in journal.splitlines() if f"job {jobs[1]}:" in line]
            check(any("--restart" in line and "checkpoint_" in line for line in second),
                  f"job {jobs[1]} did not restart from a checkpoint: {second}")
        compare_single(direct, run_dir, f"SIGTERM, resubmitted and restarted (jobs {jobs})")
        print(f"restart done ({time.time() - start:.0f} s)")

        # 4b. The ensemble template sent a SIGTERM part-way: resubmitted, resumed.
        slow = os.path.join(workdir, "ensemble_slow.yaml")
        text = read(ensemble)
        check("max_step: 50" in text, "tests/slurm/ensemble.yaml: no 'max_step: 50' to shrink")
        with open(slow, "w") as fh:
            fh.write(text.replace("max_step: 50", "max_step: 5"))
        direct_slow = os.path.join(workdir, "direct_ensemble_slow")
        run([terrafate, "run", slow, "-o", direct_slow], mpi_env)
        result = run(["sbatch", "--parsable", "-n", "1", *logs,
                      os.path.join(slurm_dir, "ensemble.sbatch"), slow], env)
        first = job_id(result.stdout)
        slow_dir = os.path.join(workdir, "runs", f"ensemble_slow-{first}")
        wait_for(lambda: os.path.exists(os.path.join(slow_dir, "realizations", "0000",
                                                     "status.txt")), 180,
                 "the first realization")
        run(["scancel", "--signal=TERM", first], env)
        wait_for(lambda: status(slow_dir) == "completed" or status(slow_dir).startswith("failed"),
                 300, "the resubmitted ensemble chain")
        check(status(slow_dir) == "completed", f"ensemble after SIGTERM: {status(slow_dir)!r}")
        journal = read(os.path.join(slow_dir, "slurm", "jobs.log"))
        jobs = sorted(set(re.findall(r"job (\d+):", journal)), key=int)
        second = [line for line in journal.splitlines()
                  if len(jobs) == 2 and f"job {jobs[1]}:" in line]
        check(len(jobs) == 2 and any("--resume" in line for line in second),
              f"ensemble after SIGTERM: jobs {jobs}, journal {journal!r}")
        compare_ensemble(direct_slow, slow_dir, f"ensemble.sbatch SIGTERM and --resume ({jobs})")
        print(f"ensemble resume done ({time.time() - start:.0f} s)")

        # 5. The scaling driver on 1 node.
        scaling_env = dict(env, TERRAFATE_OUTPUT_ROOT=os.path.join(workdir, "scaling"))
        run([os.path.join(slurm_dir, "scaling.sh"), plume, "1", "2"], scaling_env)
        table_path = os.path.join(workdir, "scaling", "scaling.csv")
        wait_for(lambda: os.path.exists(table_path), 180, "the scaling table")
        rows = list(csv.DictReader(open(table_path)))
        summaries = glob.glob(os.path.join(workdir, "scaling", "nodes-1", "plume-*",
                                           "run_summary.json"))
        if check(len(rows) == 1 and len(summaries) == 1,
                 f"scaling: {len(rows)} rows, {len(summaries)} runs"):
            row, summary = rows[0], json.load(open(summaries[0]))
            check(int(row["nodes"]) == 1 and int(row["ranks"]) == 2, f"scaling row {row}")
            check(int(row["cells"]) == summary["cells"] == 2400 and
                  int(row["steps"]) == summary["steps"] == 2000, f"scaling row {row}")
            check(abs(float(row["loop_s"]) - summary["time_loop_seconds"]) <=
                  1e-3 * summary["time_loop_seconds"], f"scaling loop_s {row['loop_s']}")
            check(row["rss_mb_max"] != "" and float(row["rss_mb_max"]) > 1.0,
                  f"scaling: no peak memory ({row['rss_mb_max']!r})")
            print(f"scaling table: {row}")
    except Exception as e:  # noqa: BLE001  (report with the daemons' logs)
        failures.append(str(e))
        print("FAIL:", e)
        print(cluster.logs())
    finally:
        cluster.stop()
        shutil.rmtree(cluster_dir, ignore_errors=True)
    print(f"slurm test: {time.time() - start:.0f} s")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
