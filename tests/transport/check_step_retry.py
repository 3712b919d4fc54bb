#!/usr/bin/python3
"""Failed transport steps: retry with a smaller step, and a clean error when retries run out.

Uses the MODFLOW 6 problem 1 deck with 50-day steps and a deliberately weak linear solver
(Jacobi-preconditioned GMRES limited to a few iterations), so large steps fail:
- limited to 8 iterations: steps fail, are undone and retried with a quarter of the step; the run
  completes (exit 0) with retries counted in run_summary.json, the mass balance closed to 1e-8,
  and the concentrations at x = 10, 25, 50 m at 1000 d within 0.01 of MODFLOW 6 TVD (0.82332,
  0.61206, 0.23191);
- limited to 1 iteration: every retry fails too; exit status 3 and one message naming the time,
  the species and the retries.
Usage: check_step_retry.py TERRAFATE P1_DECK WORKDIR
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402

MF6_TVD_1000 = {"X10": 0.82332, "X25": 0.61206, "X50": 0.23191}


def main():
    terrafate, p1_deck, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    text = open(p1_deck).read().replace("  max_step: 1\n", "  max_step: 50\n")
    assert "max_step: 50" in text, "the P1 deck changed: max_step not found"
    deck = os.path.join(workdir, "p1_big_steps.yaml")
    with open(deck, "w") as f:
        f.write(text)
    failures = []

    out = os.path.join(workdir, "recovers")
    subprocess.run(["rm", "-rf", out], check=True)
    result = subprocess.run([terrafate, "run", deck, "-o", out, "-transport_pc_type", "jacobi",
                             "-transport_ksp_max_it", "8"], capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        sys.exit(f"FAIL: the retried run exited {result.returncode}: {result.stderr}")
    summary = json.load(open(os.path.join(out, "run_summary.json")))
    print(f"retried run: {summary['transport_step_retries']} retries, {summary['steps']} steps")
    if summary["transport_step_retries"] < 1:
        failures.append("no step was retried")
    outputs.check_mass_balance(out, ["A"], 1e-8)
    values = outputs.concentrations(out, ["A"])
    for point, expected in MF6_TVD_1000.items():
        actual = values[(point, "A", 1000.0)]
        print(f"  {point} at 1000 d: {actual:.5f} (MODFLOW 6 TVD {expected:.5f})")
        if abs(actual - expected) > 0.01:
            failures.append(f"{point} = {actual}")

    out = os.path.join(workdir, "fails")
    subprocess.run(["rm", "-rf", out], check=True)
    result = subprocess.run([terrafate, "run", deck, "-o", out, "-transport_pc_type", "jacobi",
                             "-transport_ksp_max_it", "1"], capture_output=True, text=True,
                            timeout=600)
    message = result.stderr.strip()
    print(f"failing run: exit {result.returncode}: {message}")
    if result.returncode != 3:
        failures.append(f"exit status {result.returncode}, expected 3")
    for text in ("numerical error", "t = 0 d", "retries", "species 'A'"):
        if text not in message:
            failures.append(f"message lacks '{text}'")
    if message.count("numerical error") != 1:
        failures.append("the message is not printed exactly once")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
