"""The table of a scaling study (scaling.sh): one row per run folder STUDY/nodes-N/<run>/, from
terrafate's run_summary.json, the ranks' peak memory (STUDY/nodes-N/rss/rss.<rank>, kB, from
/usr/bin/time) and the run's slurm/status. Writes STUDY/scaling.csv and STUDY/scaling.md and
prints the latter.

Usage: scaling_table.py STUDY

Columns: nodes; ranks; cells; steps; wall_s, loop_s and transport_s (run_summary.json's
wall_seconds, time_loop_seconds, transport_seconds); speedup and efficiency of the time loop
against the run on the fewest nodes; cell_steps_per_s = cells x steps / loop_s;
rss_mb_max = the largest rank's peak memory; bytes_per_cell = the ranks' peak memory summed /
cells (process overhead included). A run that did not complete is listed with its status.
"""
import glob
import json
import os
import sys


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: scaling_table.py STUDY (a folder written by scaling.sh)")
    study = sys.argv[1]
    rows, problems = [], []
    for folder in sorted(glob.glob(os.path.join(study, "nodes-*")),
                         key=lambda p: int(p.rsplit("-", 1)[1])):
        nodes = int(folder.rsplit("-", 1)[1])
        runs = [p for p in glob.glob(os.path.join(folder, "*")) if os.path.isdir(p)
                and os.path.basename(p) != "rss"]
        if not runs:
            problems.append(f"{nodes} node(s): no run folder (the job did not start?)")
        for run in sorted(runs):
            status_file = os.path.join(run, "slurm", "status")
            status = open(status_file).read().strip() if os.path.exists(status_file) else "?"
            summary_file = os.path.join(run, "run_summary.json")
            if status != "completed" or not os.path.exists(summary_file):
                problems.append(f"{nodes} node(s): {run}: {status}")
                continue
            summary = json.load(open(summary_file))
            rss = [int(open(p).read().split()[-1])
                   for p in glob.glob(os.path.join(folder, "rss", "rss.*"))
                   if open(p).read().split()]
            rows.append({
                "nodes": nodes, "ranks": summary["ranks"], "cells": summary["cells"],
                "steps": summary["steps"], "wall_s": summary["wall_seconds"],
                "loop_s": summary["time_loop_seconds"],
                "transport_s": summary.get("transport_seconds", 0.0),
                "rss_mb_max": max(rss) / 1024.0 if len(rss) == summary["ranks"] else None,
                "bytes_per_cell": (sum(rss) * 1024.0 / summary["cells"]
                                   if len(rss) == summary["ranks"] else None)})
    if rows:
        base = rows[0]
        for row in rows:
            row["speedup"] = base["loop_s"] / row["loop_s"] if row["loop_s"] > 0 else None
            row["efficiency"] = (row["speedup"] * base["ranks"] / row["ranks"]
                                 if row["speedup"] else None)
            row["cell_steps_per_s"] = (row["cells"] * row["steps"] / row["loop_s"]
                                       if row["loop_s"] > 0 else None)
    columns = ["nodes", "ranks", "cells", "steps", "wall_s", "loop_s", "transport_s", "speedup",
               "efficiency", "cell_steps_per_s", "rss_mb_max", "bytes_per_cell"]

    def text(value):
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value)

    with open(os.path.join(study, "scaling.csv"), "w") as out:
        out.write(",".join(columns) + "\n")
        for row in rows:
            out.write(",".join(text(row[c]) for c in columns) + "\n")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(text(row[c]) for c in columns) + " |" for row in rows]
    lines += [f"- {p}" for p in problems]
    with open(os.path.join(study, "scaling.md"), "w") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if problems or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
