#!/usr/bin/python3
"""`terrafate optimize` starts its plot scripts (scripts/plot_strategies.py, then
python/terrafate/plot.py for the figures and report.html) without a shell: a deck, folder and
file names holding quotes, semicolons, spaces and $() run and make their plots, and nothing in
those names is executed (the marker files the names would create through a shell never
appear); with --no-figures or TERRAFATE_NO_FIGURES neither script starts.

  check_no_shell.py TERRAFATE DECK WORKDIR
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

terrafate, deck, work = (Path(a).resolve() for a in sys.argv[1:4])
if work.exists():
    shutil.rmtree(work)
# Each name would run `touch INJECTED_n` (in the working folder) through sh -c '...'.
folder = work / "dir with spaces;touch INJECTED_1;$(touch INJECTED_2)"
folder.mkdir(parents=True)
hostile = folder / "x';touch INJECTED_3;'.yaml"
shutil.copy(deck, hostile)
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
env.pop("TERRAFATE_NO_FIGURES", None)  # the suite's switch: the figures are made here
failures = []
# 1) the default output folder, named after the deck (x';touch INJECTED_3;'_optimize)
run = subprocess.run([str(terrafate), "optimize", hostile.name], cwd=folder, env=env,
                     capture_output=True, text=True, timeout=600)
if run.returncode != 0:
    failures.append(f"optimize (default folder) exited {run.returncode}: {run.stderr[-2000:]}")
out_default = folder / "x';touch INJECTED_3;'_optimize"
# 2) an explicit -o holding $() and a quote
out_explicit = folder / "o'$(touch INJECTED_4)\"; touch INJECTED_5"
run2 = subprocess.run([str(terrafate), "optimize", str(hostile), "-o", str(out_explicit)],
                      cwd=work, env=env, capture_output=True, text=True, timeout=600)
if run2.returncode != 0:
    failures.append(f"optimize (-o) exited {run2.returncode}: {run2.stderr[-2000:]}")
for out in (out_default, out_explicit):
    if not (out / "recommendation.json").is_file():
        failures.append(f"{out}: no recommendation.json")
    if not (out / "plots.log").is_file():
        failures.append(f"{out}: the plot script was not started (no plots.log)")
    try:
        import matplotlib  # noqa: F401
        if not (out / "report.html").is_file():
            log = out / "figures.log"
            failures.append(f"{out}: matplotlib is installed but plot.py made no report.html: "
                            + (log.read_text(errors="replace")[-1000:] if log.is_file() else ""))
        if not list(out.glob("*.png")):
            log = out / "plots.log"
            failures.append(f"{out}: matplotlib is installed but no plot was made: "
                            + (log.read_text(errors="replace")[-1000:] if log.is_file() else ""))
    except ImportError:
        pass
# 3) figures turned off, by --no-figures or by TERRAFATE_NO_FIGURES: neither plot script starts
# (no plots.log, figures.log, PNG or report.html) and report.md says why there are no plots.
for label, extra, extra_env in (("--no-figures", ["--no-figures"], {}),
                                ("TERRAFATE_NO_FIGURES=1", [], {"TERRAFATE_NO_FIGURES": "1"})):
    out = work / f"off {label.split('=')[0]}"
    run3 = subprocess.run([str(terrafate), "optimize", str(hostile), "-o", str(out)] + extra,
                          cwd=work, env=dict(env, **extra_env), capture_output=True, text=True,
                          timeout=600)
    if run3.returncode != 0:
        failures.append(f"optimize {label} exited {run3.returncode}: {run3.stderr[-2000:]}")
        continue
    made = [p.name for p in out.iterdir()
            if p.suffix == ".png" or p.name in ("plots.log", "figures.log", "report.html")]
    if made:
        failures.append(f"optimize {label} made figures anyway: {sorted(made)}")
    if "figures were turned off" not in (out / "report.md").read_text():
        failures.append(f"optimize {label}: report.md does not say the plots were turned off")
markers = [p for p in work.rglob("INJECTED*")] + [p for p in Path.cwd().glob("INJECTED*")]
if markers:
    failures.append(f"a shell ran parts of a name: {markers}")
for f in failures:
    print("FAIL:", f)
print("no shell: names with quotes, semicolons, spaces and $() were never executed"
      if not failures else f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
