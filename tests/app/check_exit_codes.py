#!/usr/bin/python3
"""The command line contract: --version, --help, usage errors, a missing deck, validate, the
refusal to write into an existing output folder without --overwrite (and with it, into one
holding a file terrafate did not write), did-you-mean for a mistyped subcommand, and a
numerical failure (the flow solver limited to one iteration) with their exit codes and messages.
Usage: check_exit_codes.py TERRAFATE DECK WORKDIR MPIEXEC
"""
import os
import shutil
import subprocess
import sys

failures = []


def check(name, command, expected_status, expected_text, stream="stderr"):
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    text = result.stdout if stream == "stdout" else result.stderr
    ok = result.returncode == expected_status and expected_text in text
    print(f"{'PASS' if ok else 'FAIL'} {name}: exit {result.returncode} (expected "
          f"{expected_status}); {stream}: {text.strip().splitlines()[-1] if text.strip() else ''}")
    if not ok:
        failures.append(name)
    return text


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    check("version", [terrafate, "--version"], 0, "terrafate 0.", "stdout")
    check("help", [terrafate, "--help"], 0, "validate", "stdout")
    check("no subcommand", [terrafate], 2, "subcommand")
    # A mistyped subcommand: did-you-mean, exit 2, and no output folder made.
    check("mistyped subcommand", [terrafate, "runn", deck, "-o", os.path.join(workdir, "typo")],
          2, "did you mean 'run'?")
    if os.path.exists(os.path.join(workdir, "typo")):
        failures.append("a mistyped subcommand created its output folder")
    check("mistyped optimize", [terrafate, "optimise", deck], 2, "did you mean 'optimize'?")
    text = check("unknown subcommand", [terrafate, "frobnicate"], 2,
                 "unknown subcommand 'frobnicate'")
    if "did you mean" in text:
        failures.append("a suggestion for a name far from every subcommand")
    check("unknown option", [terrafate, "run", deck, "--frobnicate"], 2, "frobnicate")
    check("missing deck", [terrafate, "validate", os.path.join(workdir, "absent.yaml")], 2,
          "cannot open the deck file")
    check("validate", [terrafate, "validate", deck], 0, "valid", "stdout")
    # PETSc options before and after the deck, with and without values.
    check("petsc options", [terrafate, "run", "-log_view", deck, "-o", os.path.join(workdir, "ok"),
                            "-flow_pc_type", "hypre", "-flow_ksp_monitor"], 0, "results in",
          "stdout")
    # An existing, non-empty output folder is refused without --overwrite; with it, a folder
    # holding a file terrafate did not write is refused naming it (issue 26), the file left
    # alone; without that file, terrafate's files are replaced.
    ok = os.path.join(workdir, "ok")
    with open(os.path.join(ok, "notes.txt"), "w") as f:
        f.write("the user's own file\n")
    check("existing output folder", [terrafate, "run", deck, "-o", ok], 2, "--overwrite")
    check("--overwrite with a foreign file", [terrafate, "run", deck, "-o", ok, "--overwrite"],
          2, "notes.txt")
    if not os.path.exists(os.path.join(ok, "notes.txt")):
        failures.append("--overwrite deleted a file terrafate did not write")
    os.remove(os.path.join(ok, "notes.txt"))
    check("--overwrite", [terrafate, "run", deck, "-o", ok, "--overwrite"], 0, "results in",
          "stdout")
    text = check("numerical failure at 2 ranks",
                 [mpiexec, "--oversubscribe", "-n", "2", terrafate, "run", deck, "-o",
                  os.path.join(workdir, "fail"), "-flow_ksp_max_it", "1"], 3,
                 "flow solver did not converge")
    if text.count("numerical error") != 1:
        failures.append("numerical failure message printed once")
    # The rank layout: an impossible one is refused; one chosen along x gives the observations
    # of the one-rank run.
    check("impossible rank layout", [mpiexec, "--oversubscribe", "-n", "2", terrafate, "run", deck,
                                     "-o", os.path.join(workdir, "layout_bad"),
                                     "-grid_processors_x", "3"], 2, "-grid_processors")
    check("rank layout along x", [mpiexec, "--oversubscribe", "-n", "2", terrafate, "run", deck,
                                  "-o", os.path.join(workdir, "layout_x"), "-grid_processors_y",
                                  "1", "-grid_processors_z", "1"], 0, "results in", "stdout")
    def observations(folder):
        with open(os.path.join(folder, "observations.csv")) as f:
            rows = [line.strip().split(",") for line in f][1:]
        return {tuple(row[:3]): float(row[3]) for row in rows}
    serial, split = observations(ok), observations(os.path.join(workdir, "layout_x"))
    worst = max(abs(split[key] - value) / max(abs(value), 1e-30) for key, value in serial.items()
                if abs(value) > 1e-12)
    print(f"{'PASS' if worst < 1e-8 and serial.keys() == split.keys() else 'FAIL'} rank layout "
          f"along x vs one rank: largest relative difference {worst:.2e} (tolerance 1e-8)")
    if not (worst < 1e-8 and serial.keys() == split.keys()):
        failures.append("rank layout along x vs one rank")
    if failures:
        sys.exit(f"FAIL: {', '.join(failures)}")
    print("PASS")


if __name__ == "__main__":
    main()
