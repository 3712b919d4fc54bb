"""Plausibility warnings (issue 25): valid input that is most likely a mistake is named on
stderr by validate and at the top of run, and never stops the run; a plausible deck gets none.

Usage: check_plausibility.py TERRAFATE DECK WORKDIR

DECK is a small steady 1-D deck (20 m long, 2 cells of 10 m, 10 m thick, K = 10 m/d, heads 10 m
at both ends). Each case edits one value, and the number in the warning is checked against a
hand calculation:
- hydraulic_conductivity "10 m/s": 10 * 86400 = 8.64e+05 m/d, above 1e4 m/d;
- dispersivity [0.2, 2, 0.2]: transverse above longitudinal;
- advection: upwind with dispersivity [2, 0.2, 0.2]: grid Peclet number 10 m / 2 m = 5 > 2
  (and none with advection: tvd, the default);
- a recharge of 150 m/d (meant as mm/yr) on the top of a 10 m aquifer drained only at its ends:
  `run` warns that heads reach 85 m, 75 m above the model top at 10 m (by hand: each cell takes
  150 m/d * 100 m2 = 15000 m3/d to its end face, 5 m away through 100 m2 at K = 10 m/d, a
  conductance of 200 m2/d: a rise of 75 m over the boundary head of 10 m), and still exits 0.
"""
import os
import re
import shutil
import subprocess
import sys

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")


def terrafate_run(terrafate, *args):
    return subprocess.run([terrafate, *args], capture_output=True, text=True, timeout=600)


def deck(source, work, name, replacements):
    text = open(source).read()
    for old, new in replacements:
        if old not in text:
            sys.exit(f"{source}: '{old}' not found (the deck changed: update this script)")
        text = text.replace(old, new)
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def warnings(result):
    return [line for line in result.stderr.splitlines() if line.startswith("terrafate: warning:")]


def main():
    terrafate, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    k_line = "hydraulic_conductivity: 10, porosity: 0.3}"
    base = [(k_line, "hydraulic_conductivity: 10, porosity: 0.3, dispersivity: [2, 0.2, 0.2]}")]

    plain = deck(source, work, "plain", base)
    result = terrafate_run(terrafate, "validate", plain)
    check(result.returncode == 0 and not warnings(result),
          f"a plausible deck: status {result.returncode}, warnings {warnings(result)}")

    cases = [
        ("conductivity", [(k_line, 'hydraulic_conductivity: "10 m/s", porosity: 0.3}')],
         r"hydraulic_conductivity 8\.64e\+05 to 8\.64e\+05 m/d lies outside 1e-07 to 10000 m/d"),
        ("dispersivity", [(k_line, "hydraulic_conductivity: 10, porosity: 0.3, "
                                   "dispersivity: [0.2, 2, 0.2]}")],
         r"dispersivity \[0\.2, 2, 0\.2\] m: a transverse dispersivity exceeds"),
        ("upwind", base + [("transport:\n", "transport:\n  advection: upwind\n")],
         r"grid Peclet number 5 \(cell width 10 m over longitudinal dispersivity 2 m\)"),
    ]
    for name, replacements, expected in cases:
        path = deck(source, work, name, replacements)
        result = terrafate_run(terrafate, "validate", path)
        found = warnings(result)
        print(f"{name}: status {result.returncode}; {found}")
        check(result.returncode == 0, f"{name}: validate exited {result.returncode}")
        check(len(found) == 1 and re.search(expected, found[0]) and
              re.search(r"\.yaml:\d+: materials\.sand", found[0]),
              f"{name}: expected one warning matching {expected!r} naming file:line, got {found}")

    recharge = deck(source, work, "recharge",
                    base + [("    - {face: xmax, type: head, head: 10}\n",
                             "    - {face: xmax, type: head, head: 10}\n"
                             "    - {face: zmax, type: flux, flux: 150}\n")])
    result = terrafate_run(terrafate, "run", recharge, "-o", os.path.join(work, "recharge_out"),
                           "--no-figures")
    found = [w for w in warnings(result) if "heads reach" in w]
    print(f"recharge 150 m/d: status {result.returncode}; {found}")
    check(result.returncode == 0, f"recharge: run exited {result.returncode}: {result.stderr}")
    match = re.search(r"heads reach ([0-9.e+]+) m, ([0-9.e+]+) m above the model top \(10 m\)",
                      found[0]) if found else None
    check(match is not None and abs(float(match.group(1)) - 85.0) < 1e-6 * 85.0,
          f"recharge: no warning of heads reaching 85 m (by hand): {found}")
    result = terrafate_run(terrafate, "run", plain, "-o", os.path.join(work, "plain_out"),
                           "--no-figures")
    check(result.returncode == 0 and not warnings(result),
          f"a plausible run: status {result.returncode}, warnings {warnings(result)}")

    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
