#!/usr/bin/python3
"""Runs terrafate on one malformed deck and checks that the deck is rejected cleanly.

Usage: check_bad_input.py TERRAFATE_EXE DECK [--ranks N --mpiexec PATH]

The deck's leading comment lines state what is expected of the message:
  # expect-key: KEY.PATH   the message names 'KEY.PATH' (nothing after the colon: no key)
  # expect-line: N         the message contains ":N:"
  # expect-text: TEXT      optional: the message contains TEXT
The check passes when `terrafate run DECK` exits with code 2 within 60 s, stderr holds the
"input error" message exactly once (once per run, not once per rank), and nothing shows a crash:
no core file, no "Segmentation", "Sanitizer" or "PETSC ERROR" in the output.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT_S = 60
CRASH_MARKERS = ("Segmentation", "Sanitizer", "PETSC ERROR")


def read_expectations(deck):
    """The expect-* values from the deck's leading comment lines."""
    expected = {}
    for line in deck.read_text(errors="replace").splitlines():
        if not line.startswith("#"):
            break
        name, colon, value = line[1:].partition(":")
        if colon and name.strip().startswith("expect-"):
            expected[name.strip()] = value.strip()
    missing = {"expect-key", "expect-line"} - expected.keys()
    if missing:
        sys.exit(f"FAIL {deck.name}: the deck lacks the comment line(s) {sorted(missing)}")
    return expected


def run(command, folder):
    """Runs `command` in `folder`; returns (exit code or None on timeout, stdout + stderr, stderr)."""
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_S)
        return process.returncode, stdout + stderr, stderr
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # mpiexec and every rank with it
        stdout, stderr = process.communicate()
        return None, stdout + stderr, stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("terrafate", type=Path)
    parser.add_argument("deck", type=Path)
    parser.add_argument("--ranks", type=int, default=1)
    parser.add_argument("--mpiexec", help="MPI launcher, needed when --ranks > 1")
    args = parser.parse_args()
    if args.ranks > 1 and not args.mpiexec:
        parser.error("--ranks > 1 needs --mpiexec")
    deck = args.deck.resolve()
    expected = read_expectations(deck)

    with tempfile.TemporaryDirectory(prefix="bad_input_") as folder:
        command = [str(args.terrafate.resolve()), "run", str(deck), "-o", "results"]
        if args.ranks > 1:
            command = [args.mpiexec, "--oversubscribe", "-n", str(args.ranks)] + command
        code, output, stderr = run(command, folder)
        core_files = [p.name for p in Path(folder).iterdir() if p.name.startswith("core")]

    messages = [line for line in stderr.splitlines() if "input error:" in line]
    message = messages[0] if messages else stderr.strip().replace("\n", " | ")
    problems = []
    if code is None:
        problems.append(f"no exit within {TIMEOUT_S} s")
    elif code != 2:
        problems.append(f"exit code {code}, expected 2")
    if not stderr.strip():
        problems.append("stderr is empty")
    if len(messages) != 1:
        problems.append(f"{len(messages)} 'input error' messages, expected 1")
    key = expected["expect-key"]
    if key and f"'{key}'" not in message:
        problems.append(f"the message does not name '{key}'")
    if f":{expected['expect-line']}:" not in message:
        problems.append(f"the message does not give line {expected['expect-line']}")
    text = expected.get("expect-text")
    if text and text not in message:
        problems.append(f"the message lacks \"{text}\"")
    problems += [f"the output contains \"{marker}\"" for marker in CRASH_MARKERS
                 if marker in output]
    if core_files:
        problems.append(f"core file(s): {', '.join(core_files)}")

    label = f"{deck.stem} (np{args.ranks})"
    if problems:
        print(f"FAIL {label}: {'; '.join(problems)}\n  message: {message}")
        return 1
    print(f"PASS {label}: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
