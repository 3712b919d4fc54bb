"""Restart hints and --resume: every command terrafate prints after an interruption works.

Usage: check_resume_hints.py TERRAFATE STRATEGIES_DECK ENSEMBLE_DECK WORKDIR

Each case below was a wrong hint or a silent failure (issue 25); each is checked against an
independent reference, the same command run without interruption:
1. a run with --strategy stopped by SIGINT exits 75 and prints `continue with: COMMAND`; COMMAND,
   run as printed through the shell, exits 0 and every CSV table is byte-identical to the
   uninterrupted run (the old hint, `--restart CHECKPOINT`, was refused: the folder was not empty,
   and without --strategy the deck differed);
2. `--restart CHECKPOINT` of that run without --strategy exits 2 naming `--strategy NAME`, and
   leaves no output folder behind (a failed start used to leave an empty one);
3. an ensemble stopped by SIGINT after some realizations finished prints a `--resume` command
   (the old one, `--restart`, was refused for ensembles); run as printed, it keeps the finished
   realizations (says so for each), continues the others, and ensemble.csv and
   risk_quantiles.csv are byte-identical to the uninterrupted ensemble's; the realization lines
   carry `elapsed X s, ETA Y s`, the last one ETA 0 s; ensemble.csv's sampled values are in
   their shortest round-trip form (Python's repr of the same double);
4. optimize stopped by SIGINT after its first strategy finished prints a `--resume` command (it
   used to print one that started over); run as printed, it exits 0, keeps the finished
   strategies (its progress lines say so for each, and its `resumed:` line counts them) and
   writes the strategies.csv and pareto.csv of the uninterrupted optimize, byte for byte; its
   per-strategy progress lines count 1/N to N/N with an ETA, the last one ETA 0 s.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time

TABLES = ["observations.csv", "mass_balance.csv", "risk.csv", "compliance.csv", "ledger.csv",
          "footprint.csv"]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")
    return condition


def run(args, expect=0, shell=False):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, shell=shell)
    if result.returncode != expect:
        sys.exit(f"FAIL: {args if shell else ' '.join(args)} exited {result.returncode} "
                 f"(expected {expect})\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


def interrupt(args, ready):
    """Starts `args`, waits until ready() holds, sends SIGINT and returns (status, stdout,
    stderr)."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while not ready():
        if process.poll() is not None or time.time() > deadline:
            out, err = process.communicate()
            sys.exit(f"FAIL: {' '.join(args)} ended before it could be interrupted "
                     f"(status {process.returncode}; make the deck longer):\n{err}")
        time.sleep(0.02)
    if process.poll() is not None:
        sys.exit(f"FAIL: {' '.join(args)} ended before it could be interrupted")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def hint(stderr, prefix):
    match = re.search(re.escape(prefix) + r" (.+)$", stderr, re.MULTILINE)
    return match.group(1) if match else None


def same_tables(reference, other, names, label):
    for name in names:
        a, b = os.path.join(reference, name), os.path.join(other, name)
        if not os.path.exists(a):
            continue
        check(os.path.exists(b) and open(a).read() == open(b).read(),
              f"{label}: {name} differs from the uninterrupted run's")


def edited(source, target, replacements):
    text = open(source).read()
    for old, new in replacements:
        if old not in text:
            sys.exit(f"{source}: '{old}' not found (the deck changed: update this script)")
        text = text.replace(old, new)
    with open(target, "w") as f:
        f.write(text)
    return target


def main():
    terrafate, strategies_source, ensemble_source, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chdir(work)  # the printed commands are relative to where terrafate ran
    # Small steps so that a run lasts long enough to be interrupted part-way.
    strategies = edited(strategies_source, "strategies.yaml", [("max_step: 25", "max_step: 0.5")])
    ensemble = edited(ensemble_source, "ensemble.yaml",
                      [("realizations: 200", "realizations: 16"), ("max_step: 36.5", "max_step: 1")])

    # 1. run --strategy, SIGINT, the printed command.
    reference = "eisb_reference"
    run([terrafate, "run", strategies, "--strategy", "EISB", "-o", reference, "--no-figures"])
    stopped = "eisb stopped"  # a space: the printed command must quote it
    code, _, err = interrupt(
        [terrafate, "run", strategies, "--strategy", "EISB", "-o", stopped, "--no-figures"],
        lambda: os.path.exists(os.path.join(stopped, "observations.csv")))
    command = hint(err, "continue with:")
    print(f"run --strategy: status {code}; hint: {command}")
    if check(code == 75 and command is not None, f"run --strategy: status {code}, {err!r}"):
        check("--strategy EISB" in command and "--resume" in command,
              f"the hint lacks --strategy EISB or --resume: {command}")
        result = run(command, shell=True)
        check("continuing from" in result.stdout, "the resumed run does not name its checkpoint")
        same_tables(reference, stopped, TABLES, "run --strategy resumed")

    # 2. --restart without --strategy: exit 2 naming the option; no folder created.
    checkpoint = sorted(glob.glob(os.path.join(stopped, "checkpoints", "checkpoint_*.h5")))
    checkpoint = [p for p in checkpoint if not p.endswith("_results.h5")]
    if check(checkpoint, "run --strategy: no checkpoint kept"):
        result = run([terrafate, "run", strategies, "--all-actions", "-o", "wrong_deck",
                      "--restart", checkpoint[-1]], expect=2)
        check("--strategy EISB" in result.stderr,
              f"--restart without --strategy does not name it: {result.stderr!r}")
        check(not os.path.exists("wrong_deck"), "a refused restart left its output folder")
        print(f"--restart without --strategy: {result.stderr.strip()}")

    # 3. An ensemble: SIGINT after a few realizations, then the printed --resume command.
    run([terrafate, "run", ensemble, "-o", "ensemble_reference", "--no-figures"])
    members = os.path.join("ensemble_stopped", "realizations")
    code, _, err = interrupt(
        [terrafate, "run", ensemble, "-o", "ensemble_stopped", "--no-figures"],
        lambda: os.path.exists(os.path.join(members, "0002", "status.txt")))
    command = hint(err, "continue with:")
    print(f"ensemble: status {code}; hint: {command}")
    if check(code == 75 and command is not None and "--resume" in command,
             f"ensemble: status {code}, {err!r}"):
        finished = len(glob.glob(os.path.join(members, "*", "status.txt")))
        result = run(command, shell=True)
        kept = result.stdout.count("ok (kept from the earlier run)")
        check(kept == finished, f"ensemble resume kept {kept} realizations, {finished} had finished")
        same_tables("ensemble_reference", "ensemble_stopped",
                    ["ensemble.csv", "risk_quantiles.csv"], "ensemble resumed")
        eta = re.findall(r"realization \d+ of 16: ok; elapsed ([0-9.]+) s, ETA (\d+) s",
                         result.stdout)
        check(len(eta) == 16 - kept and eta and eta[-1][1] == "0",
              f"ensemble progress lines: {eta}")
        print(f"ensemble: {kept} realizations kept, {len(eta)} run on resume")
    # ensemble.csv's sampled values in the shortest form that reads back to the same double
    # (Python's repr, an independent implementation of the shortest round trip).
    rows = [line.split(",") for line in open(os.path.join("ensemble_reference",
                                                           "ensemble.csv")).read().split()[1:]]
    values = [row[2] for row in rows]
    check(values and all(repr(float(v)) == v for v in values),
          f"ensemble.csv: numbers not in their shortest round-trip form: {values[:4]}")

    # 4. optimize: SIGINT, the printed command; progress lines.
    code, _, err = interrupt(
        [terrafate, "optimize", strategies, "-o", "opt", "--no-figures"],
        lambda: os.path.exists(os.path.join("opt", "strategies", "MNA", "status.txt")))
    command = hint(err, "continue with:")
    print(f"optimize: status {code}; hint: {command}")
    if check(code == 75 and command is not None and "--resume" in command,
             f"optimize: status {code}, {err!r}"):
        finished = [p for p in glob.glob(os.path.join("opt", "strategies", "*", "status.txt"))
                    if open(p).read().strip() == "ok"]
        result = run(command, shell=True)
        kept = result.stdout.count("(kept from the earlier run)")
        check(kept == len(finished) >= 1 and
              f"resumed: {kept} run(s) kept from the earlier run, {3 - kept} simulated"
              in result.stdout, f"optimize resume: {len(finished)} finished, {kept} kept: "
              f"{result.stdout[-1500:]!r}")
        print(f"optimize: {len(finished)} strategies had finished, {kept} kept on resume")
        lines = re.findall(r"strategy (\d+)/(\d+) (\w+): [^;]+; elapsed ([0-9.]+) s, ETA (\d+) s",
                           result.stdout)
        check([(int(k), int(n)) for k, n, *_ in lines] == [(1, 3), (2, 3), (3, 3)],
              f"optimize progress lines: {lines}")
        check(lines and lines[-1][4] == "0", f"optimize: the last ETA is not 0 s: {lines}")
        elapsed = [float(line[3]) for line in lines]
        check(elapsed == sorted(elapsed), f"optimize: elapsed times decrease: {elapsed}")
        run([terrafate, "optimize", strategies, "-o", "opt_reference", "--no-figures"])
        same_tables("opt_reference", "opt", ["strategies.csv", "pareto.csv"],
                    "optimize resumed")

    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
