#!/usr/bin/python3
"""The binary's hardening at the application layer (issue 26).

Usage: check_run_hardening.py TERRAFATE DECK STUDY_DECK WORKDIR

DECK is the bad-input base deck (steady flow, one well, one observation point), STUDY_DECK the
bad-input deck with strategies (42_design_space_inverted_range.yaml, its design_space: dropped);
every deck here is derived from one of them by a one-place text change. Checks, each against a value written here:
1. PETSc options: a ./.petscrc and PETSC_OPTIONS in the run's environment, each setting
   -flow_ksp_rtol, are ignored: provenance.json's petsc_options_in_effect lacks them (and names
   -skip_petscrc); with --petsc-options-file FILE the file's option is listed with its value.
2. Output folder: while another process holds OUT/.terrafate.lock (flock, as a running
   terrafate does), a run into OUT exits 2 saying another run writes there; a second run into a
   finished OUT without --overwrite exits 2 naming --overwrite; the deck with VTK output, then
   another deck (no VTK, no observation point) with --overwrite, leaves no vtk/; a file terrafate did not write makes --overwrite exit 2 naming it, and the
   file is left as it is.
3. One validation path: a deck with a remediation action of unknown type exits 2 under
   validate (naming the type), run and optimize (with strategies), each with validate's message.
4. A strategy named `..` and a run of more than 1e7 time steps exit 2 at validate.
"""
import fcntl
import json
import os
import shutil
import subprocess
import sys


def main():
    terrafate, deck, study_deck, work = sys.argv[1:5]
    terrafate = os.path.abspath(terrafate)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    base = open(deck).read()
    problems = []

    def write(name, text):
        path = os.path.join(work, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run(args, env=None, cwd=None):
        result = subprocess.run([terrafate, *args], capture_output=True, text=True, timeout=300,
                                env=env, cwd=cwd)
        return result.returncode, result.stdout + result.stderr

    def expect(label, got, code, text):
        if got[0] != code or text not in got[1]:
            problems.append(f"{label}: exit {got[0]} (expected {code} with \"{text}\")\n{got[1]}")

    # 1. PETSc options come from the command line and --petsc-options-file only.
    plain = write("plain.yaml", base)
    rundir = os.path.join(work, "cwd")
    os.makedirs(rundir)
    with open(os.path.join(rundir, ".petscrc"), "w") as f:
        f.write("-flow_ksp_rtol 1e-2\n")
    env = dict(os.environ, PETSC_OPTIONS="-flow_ksp_atol 1e-3")
    expect("run with .petscrc", run(["run", plain, "-o", "petscrc"], env, rundir), 0, "")
    provenance = json.load(open(os.path.join(rundir, "petscrc", "provenance.json")))
    in_effect = provenance.get("petsc_options_in_effect", None)
    if in_effect is None or "-skip_petscrc" not in in_effect:
        problems.append(f"provenance.json lacks the options in effect: {in_effect!r}")
    elif "flow_ksp_rtol" in in_effect or "flow_ksp_atol" in in_effect:
        problems.append(f".petscrc or PETSC_OPTIONS was read: {in_effect!r}")
    options = write("options.txt", "-flow_ksp_rtol 1e-11\n")
    expect("run with --petsc-options-file",
           run(["run", plain, "-o", "asked", "--petsc-options-file", options], env, rundir), 0,
           "")
    in_effect = json.load(open(os.path.join(rundir, "asked", "provenance.json"))).get(
        "petsc_options_in_effect", "")
    if "-flow_ksp_rtol 1e-11" not in in_effect or "flow_ksp_atol" in in_effect:
        problems.append(f"--petsc-options-file: options in effect {in_effect!r}")

    # 2. The output folder: locked, refused when it holds files, emptied by --overwrite.
    out = os.path.join(work, "out")
    os.makedirs(out)
    with open(os.path.join(out, ".terrafate.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        expect("run into a locked folder", run(["run", plain, "-o", out]), 2,
               "another terrafate run")
    if os.listdir(out) != [".terrafate.lock"]:
        problems.append(f"the refused run wrote into the locked folder: {os.listdir(out)}")
    vtk = write("vtk.yaml", base.replace("vtk: false", "vtk: true"))
    expect("first run", run(["run", vtk, "-o", out]), 0, "")
    for name in ("vtk", "observations.csv"):
        if not os.path.exists(os.path.join(out, name)):
            problems.append(f"the first run wrote no {name}")
    expect("second run without --overwrite", run(["run", vtk, "-o", out]), 2, "--overwrite")
    other = base.replace("observations:\n  points:\n    - {name: MW1, position: [150, 50, 10]}\n",
                         "")
    if other == base:
        sys.exit("FAIL: the base deck's observation point was not found")
    other = write("other.yaml", other)
    expect("another deck with --overwrite", run(["run", other, "-o", out, "--overwrite"]), 0, "")
    for name in ("vtk",):
        if os.path.exists(os.path.join(out, name)):
            problems.append(f"--overwrite with another deck left the previous run's {name}")
    if not os.path.isfile(os.path.join(out, "budget.csv")):
        problems.append("--overwrite with another deck wrote no budget.csv")
    foreign = os.path.join(out, "notes.txt")
    with open(foreign, "w") as f:
        f.write("mine\n")
    expect("--overwrite with a foreign file", run(["run", other, "-o", out, "--overwrite"]), 2,
           "notes.txt")
    if not os.path.isfile(foreign) or open(foreign).read() != "mine\n":
        problems.append("--overwrite removed or changed a file terrafate did not write")

    # 3. One validation path: the optimization deck (its design space dropped).
    study = open(study_deck).read()
    study = study[:study.index("design_space:")]
    if "type: pump_and_treat" not in study or "name: PT," not in study:
        sys.exit(f"FAIL: {study_deck} lacks its pump_and_treat action or strategy PT")
    unknown = write("unknown_action.yaml", study.replace("type: pump_and_treat",
                                                         "type: teleportation"))
    validated = run(["validate", unknown])
    if validated[0] != 2:
        problems.append(f"validate of an unknown action type: exit {validated[0]}\n{validated[1]}")
    message = validated[1].strip().splitlines()[-1] if validated[1].strip() else "?"
    for command in (["run", unknown, "-o", os.path.join(work, "u_run")],
                    ["optimize", unknown, "-o", os.path.join(work, "u_opt")]):
        expect(f"{command[0]} of an unknown action type", run(command), 2, message)
    if "teleportation" not in message or "map::at" in message:
        problems.append(f"validate's message does not name the type: {message}")

    # 4. Names and step counts at validate.
    dots = write("dots.yaml", study.replace("name: PT,", "name: '..',"))
    expect("strategy named ..", run(["validate", dots]), 2, "strategies[0].name")
    steps = write("steps.yaml", base.replace("type: steady", "type: transient\n  initial_head: 28")
                  + "time: {end: 2000000 d, max_step: 0.1 d}\n")
    expect("2e7 time steps", run(["validate", steps]), 2, "time steps")

    if problems:
        print("FAIL\n" + "\n".join(problems))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
