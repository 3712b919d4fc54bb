#!/usr/bin/python3
"""Wall time of the twin experiment of `terrafate assimilate` (tests/monitoring/check_twin.py,
tests/monitoring/twin/truth.yaml: 125 cells, PCE -> TCE, 180 samples, 64 members x 4 ES-MDA
iterations, seed 1) at each rank count, and its cost in forward-run equivalents: the
assimilation's wall time over the wall time of one forward run of the truth deck in its own
process (`terrafate run`, startup included), and the members' own time (run_summary.json's
wall_seconds summed) over the truth run's.

  benchmarks/run_assimilation_benchmark.py [TERRAFATE] [RANKS...]   (default build/bin/terrafate, 1 2)
Run from the repository root; BENCH_WORKDIR names the work folder (default: a new temporary one).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "monitoring"))
import check_twin  # noqa: E402  (the twin's data and deck)


def main():
    terrafate = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "bin" / "terrafate"
    ranks_list = [int(r) for r in sys.argv[2:]] or [1, 2]
    os.environ.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                       "OMPI_MCA_rmaps_base_oversubscribe": "1", "TERRAFATE_NO_FIGURES": "1"})
    work = Path(os.environ.get("BENCH_WORKDIR") or tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    deck = ROOT / "tests" / "monitoring" / "twin" / "truth.yaml"
    start = time.monotonic()
    rows = check_twin.truth_run(terrafate, deck, work)
    forward = time.monotonic() - start
    forward_inside = json.loads((work / "truth" / "run_summary.json").read_text())["wall_seconds"]
    folder = work / "twin"
    folder.mkdir(exist_ok=True)
    samples = check_twin.write_monitoring(rows, folder, 1)
    twin = check_twin.write_deck(deck, folder, 1, 64, 4)
    print(f"one forward run: {forward:.2f} s wall ({forward_inside:.3f} s inside terrafate); "
          f"{samples} samples, 64 members x 4 iterations")
    print(f"{'ranks':>5} {'wall_s':>8} {'runs':>5} {'members_s':>10} {'equivalents':>11} "
          f"{'inside_equiv':>12}")
    for ranks in ranks_list:
        command = [terrafate] if ranks == 1 else ["mpiexec", "-n", str(ranks), terrafate]
        wall, _ = check_twin.assimilate(command, twin, folder / f"np{ranks}")
        summaries = list((folder / f"np{ranks}" / "runs").glob("iteration_*/*/run_summary.json"))
        members = sum(json.loads(p.read_text())["wall_seconds"] for p in summaries)
        print(f"{ranks:>5} {wall:>8.1f} {len(summaries):>5} {members:>10.1f} "
              f"{wall / forward:>11.1f} {members / forward_inside:>12.1f}")
    subprocess.run(["uptime"])


if __name__ == "__main__":
    main()
