#!/usr/bin/python3
"""report.html in a real browser (ctest python_report_browser).

Renders the report.html that python_figures made in each WORKDIR/*_figures folder with headless
Chromium (Debian's `chromium`) and asserts on the DOM after its scripts ran:
- every image loaded (the page's load handler writes data-images-loaded="ok/total": ok must equal
  total and the number of figures in figures.json);
- the page holds no reference to the network (no http:// or https:// src or href);
- the rendered recommendation names recommendation.json's `recommended` (or says that no
  strategy is feasible and names `closest`), and the decision table lists the strategies in
  strategies.csv (the first row the recommendation) with their feasibility and t CO2e as
  written there (3 significant digits);
- a screenshot of the page is a PNG that is not blank.

Usage: test_report.py WORKDIR
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

import matplotlib.image

work = os.path.abspath(sys.argv[1])
failures = []


def fail(message):
    failures.append(message)
    print("FAIL", message)


def chromium(*args):
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
               "--virtual-time-budget=3000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


class Text(HTMLParser):
    """The text of the elements with an id, and the rows of the decision table."""

    def __init__(self):
        super().__init__()
        self.stack, self.by_id, self.rows, self.in_table = [], {}, [], 0
        self.row = None
        self.body_attrs = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body_attrs = attrs
        if tag in ("br", "img", "meta"):
            return
        self.stack.append(attrs.get("id"))
        if attrs.get("id") == "decision-table":
            self.in_table += 1
        if self.in_table and tag == "tr":
            self.row = []
        if self.in_table and tag == "td" and self.row is not None:
            self.row.append("")

    def handle_endtag(self, tag):
        if tag in ("br", "img", "meta"):
            return
        if self.in_table and tag == "tr" and self.row:
            self.rows.append(self.row)
            self.row = None
        if self.stack:
            if self.stack.pop() == "decision-table":
                self.in_table -= 1

    def handle_data(self, data):
        for i in self.stack:
            if i:
                self.by_id[i] = self.by_id.get(i, "") + data
        if self.in_table and self.row:
            self.row[-1] += data


def sig3(value):
    value = float(value)
    return "0" if value == 0 else f"{float(f'{value:.3g}'):.3g}"


def check(folder):
    report = os.path.join(folder, "report.html")
    with open(os.path.join(folder, "figures.json")) as fh:
        figures = len(json.load(fh)["figures"])
    raw = open(report, encoding="utf-8").read()
    if re.search(r"(src|href)=[\"']?https?://", raw):
        fail(f"{report}: refers to the network")
    result = chromium("--dump-dom", "file://" + report)
    if result.returncode != 0:
        fail(f"chromium --dump-dom {report}: exit {result.returncode}: {result.stderr[-500:]}")
        return
    page = Text()
    page.feed(result.stdout)
    loaded = page.body_attrs.get("data-images-loaded")
    if loaded != f"{figures}/{figures}" or figures == 0:
        fail(f"{report}: images loaded {loaded}, figures {figures}")
    else:
        print(f"{report}: {loaded} images loaded")
    rec_path = os.path.join(folder, "recommendation.json")
    if os.path.exists(rec_path):
        with open(rec_path) as fh:
            rec = json.load(fh)
        shown = page.by_id.get("recommended", "")
        box = page.by_id.get("recommendation", "")
        if rec["recommended"]:
            if shown.strip() != rec["recommended"]:
                fail(f"{report}: recommendation shows {shown!r}, expected {rec['recommended']!r}")
        elif "No strategy is feasible" not in shown or rec["closest"] not in box:
            fail(f"{report}: no-recommendation text {shown!r} / {box[:200]!r}")
        with open(os.path.join(folder, "strategies.csv"), newline="") as fh:
            strategies = {r["name"]: r for r in csv.DictReader(fh)}
        if not page.rows:
            fail(f"{report}: no decision table rendered")
        for row in page.rows:
            name = row[0].strip()
            if name not in strategies:
                fail(f"{report}: decision table row {name!r} is not in strategies.csv")
                continue
            s = strategies[name]
            feasible = row[2].strip()
            if (s["feasible"] == "1") != (feasible == "feasible"):
                fail(f"{report}: {name}: feasible {s['feasible']} but the table says {feasible!r}")
            if s["feasible"] != "1" and not feasible.startswith("no:"):
                fail(f"{report}: {name}: infeasible without a reason: {feasible!r}")
            if row[6].strip() != sig3(s["tco2e"]):
                fail(f"{report}: {name}: t CO2e {row[6]!r}, strategies.csv {s['tco2e']}")
        first = page.rows[0][0].strip() if page.rows else None
        if rec["recommended"] and first != rec["recommended"]:
            fail(f"{report}: first decision row {first!r}, expected the recommendation")
        print(f"{report}: recommendation and {len(page.rows)} decision rows as in the outputs")
    with tempfile.TemporaryDirectory() as tmp:
        shot = os.path.join(tmp, "shot.png")
        result = chromium("--window-size=1200,1600", f"--screenshot={shot}", "file://" + report)
        if result.returncode != 0 or not os.path.exists(shot):
            fail(f"{report}: no screenshot ({result.returncode})")
            return
        image = matplotlib.image.imread(shot)
        if image.std() < 0.01:
            fail(f"{report}: the screenshot is blank")


def main():
    for name in ["demo_opt", "design_opt", "ensemble_opt", "demo_run", "ensemble_run"]:
        check(os.path.join(work, name + "_figures"))
    if failures:
        sys.exit(f"{len(failures)} failures")
    print("all report checks passed")


if __name__ == "__main__":
    main()
