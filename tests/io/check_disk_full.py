#!/usr/bin/python3
"""A full disk is reported as such (issue 26).

Usage: check_disk_full.py TERRAFATE DECK WORKDIR

Mounts a 64 KiB tmpfs at WORKDIR/full (exit 77, skipped, where mounting is not permitted),
fills it but for about 2 KiB, and runs DECK into it. The run must exit 1 with a message that
says "no space left on device" and names the file it could not write, and leave no partial file
(*.partial.*) behind.
"""
import os
import subprocess
import sys


def main():
    terrafate, deck, work = sys.argv[1:4]
    mount_point = os.path.join(work, "full")
    os.makedirs(mount_point, exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount_point],
                      capture_output=True).returncode != 0:
        print("SKIP: cannot mount a tmpfs here")
        return 77
    try:
        statvfs = os.statvfs(mount_point)
        free = statvfs.f_bavail * statvfs.f_frsize
        with open(os.path.join(mount_point, "filler"), "wb") as f:
            f.write(b"\0" * max(free - 2048, 0))
        out = os.path.join(mount_point, "out")
        result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True,
                                text=True, timeout=120)
        message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        problems = []
        if result.returncode != 1:
            problems.append(f"exit {result.returncode}, expected 1")
        if "no space left on device" not in message.lower():
            problems.append(f"the message does not say 'no space left on device': {message}")
        if out not in message:
            problems.append(f"the message does not name a file in {out}: {message}")
        left = [n for n in os.listdir(out) if ".partial." in n] if os.path.isdir(out) else []
        if left:
            problems.append(f"partial files left: {left}")
    finally:
        subprocess.run(["umount", mount_point])
    if problems:
        print("FAIL\n" + "\n".join(problems))
        return 1
    print(f"PASS: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
