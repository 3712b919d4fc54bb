"""The plausibility warning for a plume above the standard on the model boundary (issue 25), on
stderr, in run_summary.json and in report.html rendered by headless Chromium.

Usage: check_boundary_plume.py TERRAFATE DECK WORKDIR

DECK (tests/app/boundary_plume.yaml): 1-D flow along x through 100 m, seepage velocity 1/3 m/d,
longitudinal dispersivity 1 m, benzene held at 1 mg/L in the first 5 m (on the inflow boundary
xmin, which the warning leaves aside), no decay; standard 0.01 mg/L (GB/T 14848 class III).
1. To 730 d the plume has crossed the model: `run` exits 0 and warns once, naming species B, the
   standard 0.01 mg/L and the face xmax (and not xmin, the source's), with the concentration
   there against Ogata-Banks at x = 92.5 m from the source edge, t = 730 d (D = 1/3 m2/d):
   within 0.02 mg/L; run_summary.json's "warnings" holds the same sentence.
2. To 100 d (front at 38 m, 8 spreads from xmax): no warning at all, and "warnings" is empty.
3. `terrafate plot` of each: report.html's plausibility section (id=warnings), as Chromium
   renders it, holds the warning for the first and says there is none for the second.
4. `optimize` of the 730 d deck with one strategy (MNA, no actions): report.md lists the same
   warning with the strategy it came from, and the optimization's report.html shows it.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")
    return condition


def terrafate(*args, expect=0):
    result = subprocess.run(list(args), capture_output=True, text=True, timeout=600)
    if result.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)} exited {result.returncode}\n{result.stdout[-2000:]}\n"
                 f"{result.stderr[-2000:]}")
    return result


def ogata_banks(x, t, v, dispersion):
    s = 2.0 * math.sqrt(dispersion * t)
    return 0.5 * (math.erfc((x - v * t) / s) + math.exp(v * x / dispersion) *
                  math.erfc((x + v * t) / s))


class WarningsText(HTMLParser):
    """The rendered text inside the element with id=warnings."""

    def __init__(self):
        super().__init__()
        self.depth, self.text = 0, ""

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == "warnings":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text += data


def rendered_warnings(report):
    if shutil.which("chromium"):
        result = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                 "--virtual-time-budget=3000", "--dump-dom", "file://" + report],
                                capture_output=True, text=True, timeout=180)
        check(result.returncode == 0, f"chromium --dump-dom {report}: {result.returncode}")
        page = result.stdout
    else:
        print("chromium not found: reading report.html's text as written")
        page = open(report, encoding="utf-8").read()
    parser = WarningsText()
    parser.feed(page)
    return " ".join(parser.text.split())


def main():
    binary, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    text = open(source).read()
    short = os.path.join(work, "short.yaml")
    for old in ["end: 730", "output_times: [0, 365, 730]"]:
        if old not in text:
            sys.exit(f"{source}: '{old}' not found (the deck changed: update this script)")
    with open(short, "w") as f:
        f.write(text.replace("end: 730", "end: 100").replace("output_times: [0, 365, 730]",
                                                             "output_times: [0, 50, 100]"))

    reach, away = os.path.join(work, "reach"), os.path.join(work, "away")
    result = terrafate(binary, "run", source, "-o", reach)
    lines = [l for l in result.stderr.splitlines() if l.startswith("terrafate: warning:")]
    print("\n".join(lines))
    if check(len(lines) == 1, f"730 d: {len(lines)} warnings: {lines}"):
        line = lines[0]
        check("species B" in line and "standard (0.01 mg/L)" in line and "xmax" in line
              and "xmin" not in line, f"730 d: the warning misses B, 0.01 mg/L or xmax: {line}")
        found = re.search(r"xmax \(up to ([0-9.eE+-]+) mg/L", line)
        expected = ogata_banks(92.5, 730.0, 1.0 / 3.0, 1.0 / 3.0)
        if check(found, f"730 d: no concentration on xmax in {line}"):
            value = float(found.group(1))
            print(f"730 d: {value} mg/L on xmax; Ogata-Banks {expected:.6f} mg/L")
            check(abs(value - expected) < 0.02, f"730 d: {value} mg/L on xmax, Ogata-Banks "
                  f"{expected}")
        summary = json.load(open(os.path.join(reach, "run_summary.json")))
        check(summary.get("warnings") == [line.removeprefix("terrafate: warning: ")],
              f"730 d: run_summary.json warnings {summary.get('warnings')}")

    result = terrafate(binary, "run", short, "-o", away)
    lines = [l for l in result.stderr.splitlines() if l.startswith("terrafate: warning:")]
    check(not lines, f"100 d: warnings {lines}")
    summary = json.load(open(os.path.join(away, "run_summary.json")))
    check(summary.get("warnings") == [], f"100 d: run_summary.json warnings "
          f"{summary.get('warnings')}")
    print(f"100 d: {len(lines)} warnings")

    for folder, present in [(reach, True), (away, False)]:
        terrafate(binary, "plot", folder)
        shown = rendered_warnings(os.path.join(folder, "report.html"))
        print(f"{os.path.basename(folder)}: report.html warnings: {shown[:300]}")
        if present:
            check("species B is above its standard" in shown and "xmax" in shown,
                  f"report.html of the 730 d run lacks the warning: {shown!r}")
        else:
            check(shown.startswith("None"), f"report.html of the 100 d run: {shown!r}")
    optimize = os.path.join(work, "optimize.yaml")
    with open(optimize, "w") as f:
        f.write(text + "strategies:\n  - {name: MNA, actions: []}\n"
                "objective: {deadline: 365, horizon: 730, minimize: carbon}\n"
                "carbon:\n  grid: china-national-2022\n")
    opt = os.path.join(work, "opt")
    terrafate(binary, "optimize", optimize, "-o", opt)
    report = open(os.path.join(opt, "report.md")).read()
    check("species B is above its standard (0.01 mg/L) on the model boundary" in report
          and "(strategy: MNA)" in report, "optimize: report.md lacks the warning")
    terrafate(binary, "plot", opt)
    shown = rendered_warnings(os.path.join(opt, "report.html"))
    check("species B is above its standard" in shown and "MNA" in shown,
          f"optimize: report.html lacks the warning: {shown!r}")
    print(f"optimize: report.md and report.html list the warning ({shown[-60:]})")
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
