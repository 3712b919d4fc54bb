"""optimize --resume: an interrupted design search continued from what finished.

Usage: check_resume.py TERRAFATE DESIGN_DECK WORKDIR [MPIEXEC]

The deck is the design-search site (inputs/verification/optimize_design_search/site.yaml: a
pump-and-treat strategy branched from a shared history at 100 d, then NSGA-II and COBYLA over its
rate), with a shorter search (population 8, 1 generation, 4 COBYLA evaluations). The
independent reference is the same optimization run without interruption.
1. optimize is stopped by SIGINT once some designs have finished (design_0006/status.txt); it
   exits 75 and prints `continue with: COMMAND`, and COMMAND holds `--resume`.
2. COMMAND, run as printed through the shell, exits 0; strategies.csv, pareto.csv and every
   designs/*.yaml are byte-identical to the uninterrupted run's.
3. The resumed run did not simulate the finished runs again: its `resumed: K run(s) kept, S
   simulated` line has K = the runs whose status.txt said ok when the first run stopped, and
   K + S = the evaluations of the uninterrupted run (its strategies.csv rows); each kept run's
   results.csv files are untouched (same modification time), and so is the shared history's
   branch checkpoint.
4. With MPIEXEC: on 2 ranks (two evaluations at once) killed by SIGKILL (a job killed without
   warning: no checkpoint, no hint), then `mpiexec -n 2 terrafate optimize DECK --resume OUT`:
   the same checks against the same reference.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")
    return condition


def run(args, expect=0, shell=False):
    result = subprocess.run(args, capture_output=True, text=True, timeout=900, shell=shell)
    if result.returncode != expect:
        sys.exit(f"FAIL: {args if shell else ' '.join(args)} exited {result.returncode} "
                 f"(expected {expect})\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def finished_runs(folder):
    """The run folders under `folder`/strategies whose status.txt says ok."""
    found = []
    for status in glob.glob(os.path.join(folder, "strategies", "**", "status.txt"),
                            recursive=True):
        if open(status).read().strip() == "ok":
            found.append(os.path.dirname(status))
    return sorted(found)


def kill_ranks(out):
    """SIGKILL to the ranks this script started writing into `out` (mpiexec starts them in
    their own process groups, so killing its group leaves them running), until none is left."""
    deadline = time.time() + 60
    while time.time() < deadline:
        ranks = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    words = fh.read().decode(errors="replace").split("\0")
            except OSError:
                continue
            if words and words[0].endswith("terrafate") and "optimize" in words and out in words:
                ranks.append(int(entry))
        if not ranks:
            return
        for pid in ranks:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
    sys.exit(f"FAIL: the ranks writing {out} did not end")


def interrupted_and_resumed(prefix, command, out, reference_rows, kill=False):
    process = subprocess.Popen(command + ["-o", out], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=kill)
    marker = os.path.join(out, "strategies", "design_0006", "status.txt")
    deadline = time.time() + 600
    while not os.path.exists(marker):
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            sys.exit(f"FAIL: {prefix}: optimize ended before design_0006 finished "
                     f"(status {process.returncode})")
        time.sleep(0.02)
    if kill:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=600)
        kill_ranks(out)
        hint = " ".join(command + ["--resume", out])
    else:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=600)
        match = re.search(r"continue with: (.+)$", err, re.MULTILINE)
        hint = match.group(1) if match else None
        print(f"{prefix}: stopped with status {process.returncode}; hint: {hint}")
        if not check(process.returncode == 75 and hint and "--resume" in hint,
                     f"{prefix}: status {process.returncode}, no --resume hint: {err[-2000:]!r}"):
            return
    finished = finished_runs(out)
    times = {run: os.path.getmtime(os.path.join(run, "risk.csv")) for run in finished}
    branch = glob.glob(os.path.join(out, "shared_history", "branch.h5"))
    branch_time = os.path.getmtime(branch[0]) if branch else None
    check(branch, f"{prefix}: no shared_history/branch.h5 after the interruption")

    result = run(hint, shell=True)
    for name in ["strategies.csv", "pareto.csv"]:
        check(open(os.path.join("reference", name)).read() ==
              open(os.path.join(out, name)).read(),
              f"{prefix}: {name} differs from the uninterrupted run's")
    designs = sorted(os.path.basename(p) for p in glob.glob(os.path.join("reference", "designs",
                                                                           "*.yaml")))
    check(designs == sorted(os.path.basename(p) for p in
                            glob.glob(os.path.join(out, "designs", "*.yaml"))),
          f"{prefix}: the designs/ files differ in name")
    for name in designs:
        check(open(os.path.join("reference", "designs", name)).read() ==
              open(os.path.join(out, "designs", name)).read(), f"{prefix}: designs/{name} differs")
    line = re.search(r"resumed: (\d+) run\(s\) kept from the earlier run, (\d+) simulated",
                     result.stdout)
    if check(line, f"{prefix}: no 'resumed:' line in {result.stdout[-2000:]!r}"):
        kept, simulated = int(line.group(1)), int(line.group(2))
        print(f"{prefix}: {len(finished)} runs had finished; resumed: {kept} kept, "
              f"{simulated} simulated; {reference_rows} evaluations in all")
        check(kept == len(finished) and kept >= 4,
              f"{prefix}: {kept} runs kept, {len(finished)} had finished")
        check(kept + simulated == reference_rows,
              f"{prefix}: {kept} + {simulated} runs, the reference evaluated {reference_rows}")
    touched = [run for run, t in times.items()
               if os.path.getmtime(os.path.join(run, "risk.csv")) != t]
    check(not touched, f"{prefix}: finished runs written again: {touched[:5]}")
    if branch:
        check(os.path.getmtime(branch[0]) == branch_time,
              f"{prefix}: the shared history was simulated again")
    check("PT: feasible (kept from the earlier run)" in result.stdout
          or "PT: not feasible (kept from the earlier run)" in result.stdout,
          f"{prefix}: the strategy's progress line does not say it was kept")


def main():
    terrafate, deck = sys.argv[1:3]
    work = sys.argv[3]
    mpiexec = sys.argv[4] if len(sys.argv) > 4 else None
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    text = open(deck).read()
    search = "optimizer: {population: 8, generations: 3, seed: 3, refinement: 12}"
    if search not in text:
        sys.exit(f"{deck}: '{search}' not found (the deck changed: update this script)")
    deck = os.path.abspath(os.path.join(work, "site.yaml"))
    with open(deck, "w") as fh:  # a shorter search: 8 x 2 designs, then 4 of COBYLA
        fh.write(text.replace(search, "optimizer: {population: 8, generations: 1, seed: 3, "
                                      "refinement: 4}"))
    os.chdir(work)  # the printed commands are relative to where terrafate ran
    command = [terrafate, "optimize", deck, "--no-figures"]
    run(command + ["-o", "reference"])
    rows = len(open(os.path.join("reference", "strategies.csv")).read().splitlines()) - 1
    check(rows > 8, f"the reference evaluated {rows} strategies and designs")
    interrupted_and_resumed("1 rank", command, "stopped", rows)
    if mpiexec:
        interrupted_and_resumed("2 ranks", [mpiexec, "--oversubscribe", "-n", "2"] + command,
                                "stopped_np2", rows, kill=True)
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
