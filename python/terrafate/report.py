"""report.html: one self-contained page (figures embedded as base64 PNG, no network) with the
recommendation, its confidence and reasons, the decision table, the figures, the notes on what
is missing and the assumptions (frameworks, data statuses, what is unverified)."""
from __future__ import annotations

import base64
import html
import json
import math
import os
import re
from typing import Optional

import pandas as pd

from . import timefmt
from .figures import FigureSet
from .reader import Results

CSS = """
body{font-family:sans-serif;max-width:1150px;margin:1.5em auto;padding:0 1em;color:#222}
h1{font-size:1.5em} h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;font-size:.86em;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee} td.num{text-align:right} td.why{min-width:16em}
tr.recommended{background:#fff4c2;font-weight:bold}
.box{border:2px solid #444;padding:.6em 1em;background:#f7f7f7}
.bad{color:#a00} .ok{color:#060}
figure{margin:1em 0} figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.85em;color:#444}
.note{color:#7a4a00}
"""

# Marks the page once every image has loaded with a size (read by the headless-browser test).
SCRIPT = """
function terrafateCheckImages(){
  var imgs=document.getElementsByTagName('img'), ok=0;
  for(var i=0;i<imgs.length;i++){ if(imgs[i].complete && imgs[i].naturalWidth>0) ok++; }
  var el=document.getElementById('image-check');
  el.textContent='images loaded: '+ok+' of '+imgs.length;
  document.body.setAttribute('data-images-loaded', ok+'/'+imgs.length);
}
window.addEventListener('load', terrafateCheckImages);
"""


def esc(value) -> str:
    return html.escape(str(value))


def num(value, digits: int = 3) -> str:
    """A number for people: 3 significant digits, no float noise; n/a for NaN/None."""
    if value is None:
        return "n/a"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return esc(value)
    if math.isnan(value):
        return "n/a"
    if value == 0:
        return "0"
    return f"{timefmt.round_sig(value, digits):.{digits}g}"


def currency(results: Results) -> Optional[str]:
    """The currency of the costs: the suffix of carbon_summary.csv's cost_<CUR> column, or the
    deck's carbon.currency."""
    try:
        summary = results.tables("carbon_summary")
        for column in summary.columns:
            match = re.fullmatch(r"cost_([A-Za-z]{3})", column)
            if match:
                return match.group(1)
    except FileNotFoundError:
        pass
    return (results.deck.get("carbon") or {}).get("currency")


def _why_not(row, rec: dict, confidence: Optional[float]) -> str:
    if str(row.get("status", "ok")) != "ok":
        return f"evaluation failed ({esc(row.get('status'))})"
    if int(row["feasible"]) == 1:
        return "feasible"
    reasons = []
    p = row.get("probability_of_compliance")
    if confidence is not None and p is not None and not math.isnan(float(p)) and \
            float(p) < confidence:
        reasons.append(f"complies in {num(100 * float(p))} % of realizations, "
                       f"{num(100 * confidence)} % required")
    exceedance = row.get("exceedance_after_deadline")
    if exceedance is not None and not math.isnan(float(exceedance)) and float(exceedance) > 1:
        reasons.append(f"risk after the deadline peaks at {num(exceedance)} x the target")
    if not reasons:
        reasons.append("a receptor exceeds the target or the standard after the deadline")
    return "no: " + "; ".join(reasons)


def decision_table(results: Results, ctx, top: int) -> str:
    table = results.table("strategies")
    rec = results.recommendation or {}
    confidence = rec.get("confidence")
    cur = currency(results)
    footprints = [c for c in table.columns if c == "tco2e" or (c.startswith("tco2e_"))]
    design_columns = [c for c in table.columns if "." in c]
    head = ["strategy", "level", "feasible, or why not", "P(compliance)", "years to compliance",
            "peak risk after the deadline / target"] + \
        [("t CO2e total" if c == "tco2e" else "t CO2e " + c[6:].replace("_", " "))
         for c in footprints] + [f"cost [{cur}]" if cur else "cost (currency not stated)"] + \
        design_columns
    order = ctx.shown + [n for n in table.name if n not in ctx.shown]

    def rows(names):
        out = []
        for name in names:
            row = table[table.name == name].iloc[0]
            cls = ' class="recommended"' if name == ctx.recommended else ""
            ttt = row["time_to_target"]
            cells = [esc(name), esc(row["level"]), _why_not(row, rec, confidence),
                     num(row.get("probability_of_compliance")),
                     "not reached" if pd.isna(ttt) else
                     num(float(ttt) / timefmt.DAYS_PER_YEAR),
                     num(row.get("exceedance_after_deadline"))]
            cells += [num(row[c]) for c in footprints] + [num(row.get("cost"))]
            cells += [num(row[c], 4) for c in design_columns]
            tds = "".join(f"<td{' class=num' if i >= 3 else (' class=why' if i == 2 else '')}>"
                          f"{c}</td>" for i, c in enumerate(cells))
            out.append(f"<tr{cls}>{tds}</tr>")
        return "\n".join(out)
    header = "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"
    html_out = (f'<div style="overflow-x:auto"><table id="decision-table">{header}\n'
                f'{rows(order[:top + 1])}</table></div>')
    if "cost" in table and (table.cost.fillna(0) == 0).all():
        html_out += ("<p class=note>Every cost is 0: the deck gives no unit costs "
                     "(carbon.costs), so cost does not discriminate here.</p>")
    if len(order) > top + 1:
        html_out += (f"<details><summary>all {len(order)} strategies</summary>"
                     f'<div style="overflow-x:auto"><table>{header}\n{rows(order)}</table></div>'
                     "</details>")
    return html_out


def compliance_table(results: Results) -> str:
    try:
        table = results.tables("compliance")
    except FileNotFoundError:
        return "<p class=note>No compliance.csv: the deck has no risk receptors.</p>"
    if table.realization.notna().any():
        grouped = table.groupby("receptor", sort=False)
        rows = []
        for receptor, g in grouped:
            never = g.time_to_target.isna().sum()
            rows.append(f"<tr><td>{esc(receptor)}</td><td class=num>{len(g)}</td>"
                        f"<td class=num>{never}</td>"
                        f"<td class=num>{num(g.max_cancer_risk.median())}</td>"
                        f"<td class=num>{num(g.max_hazard_index.median())}</td></tr>")
        return ("<table id=compliance-table><tr><th>receptor</th><th>realizations</th>"
                "<th>never within target</th><th>peak cancer risk (median)</th>"
                "<th>peak hazard index (median)</th></tr>" + "".join(rows) + "</table>")
    rows = []
    start = timefmt.start_date(results.deck)
    for _, r in table.iterrows():
        rows.append(f"<tr><td>{esc(r.receptor)}</td><td>"
                    f"{'never' if pd.isna(r.time_to_target) else timefmt.time_text(r.time_to_target, start)}"
                    f"</td><td class=num>{num(r.max_cancer_risk)}</td><td>"
                    f"{timefmt.time_text(r.time_of_max, start)}</td>"
                    f"<td class=num>{num(r.max_hazard_index)}</td>"
                    f"<td class=num>{num(r.years_exceeding)}</td></tr>")
    return ("<table id=compliance-table><tr><th>receptor</th><th>within target from</th>"
            "<th>peak cancer risk</th><th>at</th><th>peak hazard index</th>"
            "<th>years exceeding</th></tr>" + "".join(rows) + "</table>")


def _data_dir() -> Optional[str]:
    candidates = [os.environ.get("TERRAFATE_DATA_DIR"),
                  os.path.join(os.path.dirname(__file__), "..", "..", "data")]
    for c in candidates:
        if c and os.path.exists(os.path.join(c, "exposure.csv")):
            return os.path.abspath(c)
    return None


def assumptions(results: Results) -> str:
    deck = results.deck
    risk = deck.get("risk") or {}
    carbon = deck.get("carbon") or {}
    items = [f"Risk framework: <b>{esc(risk.get('framework', 'none'))}</b>; groundwater standard: "
             f"<b>{esc(risk.get('standard', 'none'))}</b>; target cancer risk "
             f"{num((risk.get('target') or {}).get('cancer_risk'))}, hazard index "
             f"{num((risk.get('target') or {}).get('hazard_quotient'))}.",
             f"Electricity grid factor: <b>{esc(carbon.get('grid', 'none'))}</b>."]
    if deck.get("ensemble"):
        e = deck["ensemble"]
        items.append(f"Ensemble: {esc(e.get('realizations'))} realizations (seed "
                     f"{esc(e.get('seed'))}) over " + ", ".join(
                         esc(p.get("path", "a field")) for p in e.get("parameters", [])) + ".")
    else:
        items.append("Deterministic: one realization, no parameter uncertainty propagated.")
    out = "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    # Data statuses from the output tables.
    rows = []
    try:
        factors = results.tables("carbon").drop_duplicates("factor_key")
        for _, f in factors.iterrows():
            rows.append(("emission factor", f.factor_key, f.get("factor_kgco2e_per_unit"),
                         f.factor_source, f.factor_status))
    except (FileNotFoundError, AttributeError):
        pass
    try:
        soil = results.tables("soil_standards").drop_duplicates(["species", "land_use"])
        for _, s in soil.iterrows():
            rows.append(("soil standard (GB 36600-2018)", f"{s.species} {s.land_use}",
                         s.screening_mg_per_kg, "data/standards.csv", s.status))
    except (FileNotFoundError, AttributeError):
        pass
    if rows:
        out += ("<table id=data-status><tr><th>kind</th><th>item</th><th>value</th>"
                "<th>source</th><th>status</th></tr>")
        for kind, item, value, source, status in rows:
            flag = ' class="bad"' if re.search(r"unverified|secondary|not checked", str(status)) \
                else ""
            out += (f"<tr><td>{esc(kind)}</td><td>{esc(item)}</td><td class=num>{num(value)}</td>"
                    f"<td>{esc(source)}</td><td{flag}>{esc(status)}</td></tr>")
        out += "</table>"
    framework = risk.get("framework")
    data = _data_dir()
    if framework and data:
        exposure = pd.read_csv(os.path.join(data, "exposure.csv"))
        mine = exposure[exposure.framework == framework]
        unverified = mine[mine.status.str.contains("unverified", na=False)]
        out += (f"<p>Exposure parameters of {esc(framework)} (data/exposure.csv): "
                f"<b>{len(unverified)} of {len(mine)} unverified</b>"
                + (": " + ", ".join(sorted(set(esc(p) for p in unverified.parameter)))
                   if len(unverified) else "") + ".</p>")
    elif framework:
        out += ("<p class=note>data/exposure.csv not found (set TERRAFATE_DATA_DIR): the "
                "statuses of the exposure parameters are not listed here.</p>")
    return out


def recommendation_box(results: Results, ctx) -> str:
    rec = results.recommendation
    if rec is None:
        return ""
    start = ctx.start
    deadline, horizon = rec.get("deadline"), rec.get("horizon")
    n = rec.get("realizations")
    confidence = rec.get("confidence")
    p = rec.get("probability_of_compliance")
    if rec.get("recommended"):
        head = f"Recommended: <b id=recommended>{esc(rec['recommended'])}</b>"
        if rec.get("design"):
            params = ", ".join(f"{esc(k)} = {num(v, 4)}" for k, v in
                               rec["design"].get("parameters", {}).items())
            head += f" (a design of {esc(rec['design'].get('strategy'))}: {params})"
        lines = [f"Every receptor within the target from "
                 f"{timefmt.time_text(rec.get('time_to_target'), start)} to the horizon "
                 f"({timefmt.time_text(horizon, start)}); deadline "
                 f"{timefmt.time_text(deadline, start)}.",
                 f"Footprint {num(rec.get('tco2e'))} t CO2e (level: {esc(rec.get('level'))}); "
                 f"{rec.get('feasible')} of {rec.get('evaluated')} strategies feasible."]
        if rec.get("runner_up"):
            lines.append(f"Runner-up {esc(rec['runner_up'])} needs {num(rec.get('margin_tco2e'))}"
                         f" t CO2e more.")
    else:
        head = "<b id=recommended>No strategy is feasible</b>"
        lines = [f"The closest is <b>{esc(rec.get('closest'))}</b>: no strategy keeps every "
                 f"receptor within the target from the deadline "
                 f"({timefmt.time_text(deadline, start)}) to the horizon "
                 f"({timefmt.time_text(horizon, start)})."]
    if n:
        grade = "screening result (fewer than 50 realizations)" if n < 50 else "ensemble result"
        lines.append(f"Confidence: probability of compliance {num(p)} over {n} realizations "
                     f"(required {num(confidence)}); a {grade}.")
    else:
        lines.append("Confidence: deterministic (one realization): no probability of "
                     "compliance; the parameter uncertainty is not propagated.")
    lines.append(f"The optimizer's statement: <i>{esc(rec.get('reasons', ''))}</i>")
    return (f'<div class=box id=recommendation><p>{head}</p><ul>' +
            "".join(f"<li>{line}</li>" for line in lines) + "</ul></div>")


MAX_WARNINGS = 20  # distinct warnings listed (an ensemble may give one per realization)


def plausibility_warnings(results: Results) -> dict:
    """Each distinct warning of the run folders' run_summary.json (the deck's, the heads', a
    plume above its standard on the model boundary), with the folders it came from (strategy
    names, realization numbers; empty for a single run)."""
    found: dict = {}
    for f in results.folders:
        p = os.path.join(f.path, "run_summary.json")
        if not os.path.exists(p):
            continue
        with open(p) as fh:
            summary = json.load(fh)
        label = f.strategy or (f"realization {f.realization}" if f.realization is not None
                               else "")
        for warning in summary.get("warnings", []):
            labels = found.setdefault(warning, [])
            if label and label not in labels:
                labels.append(label)
    return found


def warnings_html(results: Results) -> str:
    found = plausibility_warnings(results)
    if not found:
        return "<p id=warnings>None: the input and the results look plausible.</p>"
    items = []
    for warning, labels in list(found.items())[:MAX_WARNINGS]:
        where = f" <em>({esc(', '.join(labels))})</em>" if labels else ""
        items.append(f"<li class=bad>{esc(warning)}{where}</li>")
    if len(found) > MAX_WARNINGS:
        items.append(f"<li>and {len(found) - MAX_WARNINGS} more (run_summary.json of each "
                     "run)</li>")
    return "<ul id=warnings>" + "".join(items) + "</ul>"


def figure_html(results: Results, figures: FigureSet) -> str:
    out = []
    for f in figures.figures:
        path = os.path.join(results.path, f.file)
        with open(path, "rb") as fh:
            data = base64.b64encode(fh.read()).decode("ascii")
        out.append(f'<figure id="fig-{esc(f.name)}"><img alt="{esc(f.name)}" '
                   f'src="data:image/png;base64,{data}"><figcaption>{esc(f.caption)}'
                   f"</figcaption></figure>")
    return "\n".join(out)


def write_report(results: Results, figures: FigureSet, top: int = None) -> str:
    """Writes OUT/report.html; returns its path."""
    ctx = figures.context
    top = top if top is not None else max(len(ctx.shown) - 1, 0)
    title = results.deck.get("title", os.path.basename(results.path))
    parts = [f"<h1>{esc(title)}</h1>",
             f"<p>terrafate {esc(results.kind)} output <code>{esc(results.path)}</code>"
             + (f", deck <code>{esc(results.deck_path)}</code>" if results.deck_path else "")
             + "</p>"]
    if results.kind == "optimize":
        parts += ["<h2>Recommendation</h2>", recommendation_box(results, ctx),
                  "<h2>Decision table</h2>", decision_table(results, ctx, top)]
    parts += ["<h2>Plausibility warnings</h2>", warnings_html(results)]
    parts += ["<h2>Compliance per receptor</h2>" if results.kind != "optimize" else "",
              compliance_table(results) if results.kind != "optimize" else ""]
    maps = [f for f in figures.figures if f.kind == "map"]
    others = [f for f in figures.figures if f.kind != "map"]
    parts += ["<h2>Maps</h2>", figure_html(results, FigureSet(maps)) if maps else
              "<p class=note>No maps (see the notes below).</p>",
              "<h2>Figures</h2>", figure_html(results, FigureSet(others))]
    parts += ["<h2>What is missing</h2>",
              "<ul id=notes>" + "".join(f"<li class=note>{esc(n)}</li>" for n in figures.notes)
              + "</ul>" if figures.notes else "<p>Nothing: every figure type was made.</p>"]
    parts += ["<h2>Assumptions</h2>", assumptions(results)]
    parts += ["<p id=image-check>images not checked (scripts off)</p>"]
    page = ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>{esc(title)} - terrafate report</title><style>{CSS}</style>"
            f"<script>{SCRIPT}</script></head><body>" + "\n".join(parts) + "</body></html>")
    path = os.path.join(results.path, "report.html")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)
    return path


def write_assimilation_report(folder: str, figures: FigureSet) -> str:
    """Writes report.html of a `terrafate assimilate` folder (the parameters' prior and posterior
    quantiles, the misfit per iteration, the figures, the notes); returns its path."""
    def table(name, caption):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            return f"<p class=note>No {esc(name)}.</p>"
        frame = pd.read_csv(path, float_precision="round_trip")
        head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
        rows = "".join("<tr>" + "".join(
            f"<td class=num>{num(v)}</td>" if isinstance(v, (int, float)) else f"<td>{esc(v)}</td>"
            for v in row) + "</tr>" for row in frame.itertuples(index=False))
        return f"<table id={esc(name[:-4])}><caption>{esc(caption)}</caption><tr>{head}</tr>" \
               f"{rows}</table>"
    title = f"Assimilation: {os.path.basename(os.path.normpath(folder))}"
    parts = [f"<h1>{esc(title)}</h1>",
             f"<p>terrafate assimilate output <code>{esc(folder)}</code> (ES-MDA).</p>",
             "<h2>Parameters</h2>",
             table("parameters_summary.csv", "prior and posterior P5, P50 and P95"),
             "<h2>Misfit</h2>", table("misfit.csv", "mean normalized misfit per iteration")]
    if os.path.exists(os.path.join(folder, "compliance_probability.csv")):
        parts += ["<h2>Probability of compliance</h2>",
                  table("compliance_probability.csv", "per receptor, prior and posterior")]
    parts += ["<h2>Figures</h2>", "\n".join(
        f'<figure id="fig-{esc(f.name)}"><img alt="{esc(f.name)}" src="data:image/png;base64,'
        + base64.b64encode(open(os.path.join(folder, f.file), "rb").read()).decode("ascii")
        + f'"><figcaption>{esc(f.caption)}</figcaption></figure>' for f in figures.figures)]
    parts += ["<h2>What is missing</h2>",
              "<ul id=notes>" + "".join(f"<li class=note>{esc(n)}</li>" for n in figures.notes)
              + "</ul>" if figures.notes else "<p>Nothing: every figure type was made.</p>"]
    parts += ["<p id=image-check>images not checked (scripts off)</p>"]
    page = ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>{esc(title)} - terrafate report</title><style>{CSS}</style>"
            f"<script>{SCRIPT}</script></head><body>" + "\n".join(parts) + "</body></html>")
    path = os.path.join(folder, "report.html")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)
    return path
