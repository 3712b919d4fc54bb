"""Figures and report.html of a terrafate output folder.

    /usr/bin/python3 -m terrafate.plot OUT [--top N] [--times Y1,Y2,..] [--maps WHICH] [--no-report]
    /usr/bin/python3 <python dir>/terrafate/plot.py OUT ...     (no PYTHONPATH needed)

Writes the PNGs (see terrafate.figures), figures.json (each figure, its caption and, for maps,
the plotted and the grid extent; the notes on what could not be drawn) and report.html into OUT.
Exit status 0 when the figures were made (notes included), 2 when OUT is not an output folder.
"""
import argparse
import json
import os
import sys

if __package__ in (None, ""):  # started as a script path: put the package's parent on the path
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "terrafate"

from terrafate.assimilation import is_assimilation, make_assimilation_figures  # noqa: E402
from terrafate.figures import DEFAULT_TOP, make_figures  # noqa: E402
from terrafate.reader import open_results  # noqa: E402
from terrafate.report import write_assimilation_report  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="terrafate.plot", description=__doc__.split("\n")[0])
    parser.add_argument("out", help="a terrafate output folder (run, ensemble or optimize)")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP,
                        help="strategies drawn besides the recommendation (default %(default)s)")
    parser.add_argument("--times", help="map times in years, comma-separated (the nearest "
                        "output times; default: up to four chosen from the run)")
    parser.add_argument("--maps", choices=["recommended", "shown", "all"], default="recommended",
                        help="optimize: maps of the recommendation (or the closest), of the "
                        "strategies the figures show, or of every strategy with fields")
    parser.add_argument("--no-report", action="store_true", help="figures only, no report.html")
    args = parser.parse_args(argv)
    if is_assimilation(args.out):  # terrafate assimilate: its own figures, from its tables
        figures = make_assimilation_figures(args.out)
        return _finish(os.path.abspath(args.out), figures, None if args.no_report else
                       lambda: write_assimilation_report(os.path.abspath(args.out), figures))
    try:
        results = open_results(args.out)
    except (FileNotFoundError, ValueError) as error:
        print(f"terrafate.plot: {error}", file=sys.stderr)
        return 2
    try:
        years = [float(v) for v in args.times.split(",")] if args.times else None
    except ValueError:
        print(f"terrafate.plot: --times {args.times!r}: expected years, e.g. 5,10,15",
              file=sys.stderr)
        return 2
    figures = make_figures(results, top=args.top, map_years=years, map_strategies=args.maps)

    def report():
        from terrafate.report import write_report
        write_report(results, figures)
    return _finish(results.path, figures, None if args.no_report else report)


def _finish(folder, figures, report) -> int:
    """figures.json, then report() (None: no report.html); prints the notes and a summary."""
    manifest = {"figures": [vars(f) for f in figures.figures], "notes": figures.notes}
    with open(os.path.join(folder, "figures.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
    if report:
        report()
    for note in figures.notes:
        print(f"terrafate.plot: note: {note}")
    print(f"terrafate.plot: {len(figures.figures)} figures in {folder}"
          + ("" if report is None else ", report.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
