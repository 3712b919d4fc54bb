#!/usr/bin/python3
"""Generate docs/deck-reference.md from the schema the deck validator records.

The validator is the deck readers themselves (src/*/..._spec.cpp and friends, through
core/config's ConfigNode). `terrafate schema DECK...` validates decks with a schema recorder
installed and prints, per key path, the keys allowed there and the type, base unit, range,
choices and default of every value read. This script runs it over every valid deck of the
repository (inputs/ and tests/, except the malformed decks of tests/bad_inputs and the fuzz
corpus), adds the meanings written by hand in docs/deck-keys.yaml and writes
docs/deck-reference.md.

    /usr/bin/python3 scripts/make_deck_reference.py --terrafate build/bin/terrafate          # write
    /usr/bin/python3 scripts/make_deck_reference.py --terrafate build/bin/terrafate --check  # test

--check (the ctest `docs_deck_reference`) fails when the reference differs from the regenerated
text, when a key the validator allows has no meaning in docs/deck-keys.yaml, or when
docs/deck-keys.yaml describes a key the validator does not know; it names the keys.
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NOT_EXERCISED = "unknown: not exercised by a shipped deck"


def deck_files(root):
    decks = []
    for folder in ("inputs", "tests"):
        for path in sorted((root / folder).rglob("*.yaml")):
            rel = path.relative_to(root).as_posix()
            if rel.startswith("tests/bad_inputs/") or rel.startswith("tests/fuzz/"):
                continue
            decks.append(path)
    return decks


def run_schema(terrafate, decks):
    result = subprocess.run([str(terrafate), "schema", *map(str, decks)], capture_output=True,
                            text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"terrafate schema failed ({result.returncode}):\n{result.stderr}")
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    return json.loads(result.stdout)["paths"], skipped


def generalize(path):
    """remediation[cap].region -> remediation[].region; sorption(linear).kd -> sorption.kd"""
    return re.sub(r"\([^()]*\)", "", re.sub(r"\[[^\]]+\]", "[]", path))


def child(parent, key):
    return f"{parent}.{key}" if parent else key


def known_keys(paths):
    """Every key the validator allows: (path of the key, path of its map)."""
    keys = {}
    for path, entry in paths.items():
        for key in entry.get("allowed", []):
            keys[child(path, key)] = path
        if entry.get("free_keys"):
            keys[child(path, "<key>")] = path
    return keys


def variants_of(paths, key_path):
    """The recorded paths of a key: itself, its variants key(T), and list elements key[T]."""
    prefix = re.escape(key_path)
    pattern = re.compile(prefix + r"(\([^()]*\))?$")
    return sorted(p for p in paths if pattern.match(p))


def element_paths(paths, key_path):
    pattern = re.compile(re.escape(key_path) + r"\[[^\]]*\]$")
    return sorted(p for p in paths if pattern.match(p) and "allowed" in paths[p])


def fmt_number(value):
    if value is None:
        return None
    text = f"{value:g}"
    return text


def describe_range(r):
    low, high = fmt_number(r["low"]), fmt_number(r["high"])
    if low is not None and high is None:
        return f"{'>' if r['low_open'] else '>='} {low}"
    if low is None and high is not None:
        return f"{'<' if r['high_open'] else '<='} {high}"
    if low is not None and high is not None:
        return f"{'(' if r['low_open'] else '['}{low}, {high}{')' if r['high_open'] else ']'}"
    return ""


def describe(paths, key_path):
    """(type, unit, default, range or choices) of a key from its recorded reads."""
    types, units, ranges, defaults = [], [], [], []

    def add(collection, value):
        if value and value not in collection:
            collection.append(value)

    recorded = variants_of(paths, key_path)
    for path in recorded:
        entry = paths[path]
        kinds = {read["kind"] for read in entry["reads"]}
        variant = path[len(key_path):]
        if "allowed" in entry:
            add(types, f"map{' ' + variant if variant else ''} (`{path}`)")
        for read in entry["reads"]:
            kind = read["kind"]
            if kind == "string" and "choice" in kinds:
                continue
            if kind == "list":
                elements = element_paths(paths, path)
                if elements:
                    add(types, "list of maps (" + ", ".join(f"`{e}`" for e in elements) + ")")
                elif "quantity_list" not in kinds and not any(
                        p.startswith(path + "[") for p in paths):
                    add(types, "list")
                elif "quantity_list" not in kinds:
                    inner = describe(paths, path + "[]")[0]
                    add(types, f"list of {inner}" if inner != NOT_EXERCISED else "list")
                continue
            if kind == "map":
                add(types, f"map of names (`{child(path, '<key>')}`)")
                continue
            if kind == "quantity_list":
                low, high = read["min_count"], read["max_count"]
                count = (f"{low}" if low == high else
                         f"{low} or more" if high is None else f"{low} to {high}")
                add(types, f"list of {count} numbers")
            elif kind == "choice":
                add(types, "one of: " + ", ".join(f"`{c}`" for c in read["choices"]))
            else:
                add(types, {"quantity": "number", "string": "text", "bool": "true/false",
                            "integer": "integer",
                            "time": "time: number or date YYYY-MM-DD"}[kind])
            if "unit" in read:
                add(units, read["unit"])
            if "range" in read:
                add(ranges, describe_range(read["range"]))
            if "default" in read:
                add(defaults, read["default"])
    if not types:
        return NOT_EXERCISED, "", "", ""
    if len(defaults) > 1:
        defaults = ["depends on the deck"]
    return ("; ".join(types), ", ".join(units), ", ".join(d.replace("inf", "∞")
                                                        for d in defaults),
            "; ".join(r for r in ranges if r))


def meaning_of(meanings, key_path):
    for candidate in (key_path, generalize(key_path)):
        if candidate in meanings:
            return meanings[candidate], candidate
    general = generalize(key_path)
    for pattern, text in meanings.items():
        if pattern.startswith("*.") and general.endswith(pattern[1:]):
            return text, pattern
    return None, None


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def render(paths, meanings, skipped_count, deck_count):
    lines = [
        "# Deck reference",
        "",
        "<!-- Generated by scripts/make_deck_reference.py from `terrafate schema` and",
        "     docs/deck-keys.yaml: do not edit by hand. -->",
        "",
        "Every key of a terrafate input deck: its type, base unit, default, admissible range and",
        "meaning. Types, units, ranges and defaults are recorded from the validator itself while it",
        f"reads the {deck_count} valid decks of the repository (`terrafate schema`); the meanings come",
        "from docs/deck-keys.yaml. Regenerate after changing a reader or a deck:",
        "",
        "```sh",
        "/usr/bin/python3 scripts/make_deck_reference.py --terrafate build/bin/terrafate",
        "```",
        "",
        "`ctest -L docs` fails when this file is out of date or a key lacks a meaning.",
        "",
        "Reading the tables: quantities are numbers in the **unit** shown, or strings",
        "`\"value unit\"` converted by udunits2 (`\"10 m/d\"`, `\"5 yr\"`); unit `1` is",
        "dimensionless. A **time** is a time point: days since run day 0, `\"value unit\"`, or a",
        "date `YYYY-MM-DD` after `time.start_date`; durations (steps, windows, half-lives) take",
        "no dates. `yr` and `a` are the Julian year, 365.25 d. A key without a default is",
        "required where its map is used, unless its meaning says it is optional. Paths: `[]` is",
        "any element of a list; `[T]` and `(T)` are the keys of an element or map whose `type:` is",
        "`T`; `<key>` is a name you choose (a species, a land use, an emission-factor key). A key whose type reads",
        f"\"{NOT_EXERCISED}\" is accepted by the validator but read by no deck in the repository.",
        "",
    ]
    map_paths = sorted(p for p, e in paths.items() if "allowed" in e or e.get("free_keys"))
    toc = []
    body = []
    for path in map_paths:
        entry = paths[path]
        title = path or "top level"
        anchor = re.sub(r"[^a-z0-9_-]", "", title.lower().replace(" ", "-").replace(".", ""))
        toc.append(f"[`{title}`](#{anchor})")
        body += [f"## {title}", ""]
        map_meaning, _ = meaning_of(meanings, path) if path else ("The sections of a deck.", "")
        if map_meaning:
            body += [cell(map_meaning), ""]
        body += ["| key | type | unit | default | range | meaning |",
                 "|---|---|---|---|---|---|"]
        keys = list(entry.get("allowed", []))
        if entry.get("free_keys"):
            keys.append("<key>")
        for key in keys:
            key_path = child(path, key)
            kind, unit, default, value_range = describe(paths, key_path)
            text, _ = meaning_of(meanings, key_path)
            body.append(f"| `{key}` | {cell(kind)} | {cell(unit)} | {cell(default)} | "
                        f"{cell(value_range)} | {cell(text or '')} |")
        body.append("")
    lines += ["Sections: " + ", ".join(toc), ""] + body
    return "\n".join(lines).rstrip() + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terrafate", required=True, help="the terrafate executable")
    parser.add_argument("--check", action="store_true",
                        help="compare with docs/deck-reference.md instead of writing it")
    parser.add_argument("--output", default=str(ROOT / "docs" / "deck-reference.md"))
    args = parser.parse_args()

    decks = deck_files(ROOT)
    paths, skipped = run_schema(Path(args.terrafate).resolve(), decks)
    meanings = yaml.safe_load((ROOT / "docs" / "deck-keys.yaml").read_text()) or {}
    meanings = {str(k): str(v) for k, v in meanings.items()}

    problems = []
    must_be_valid = [line for line in skipped
                     if f" {ROOT / 'inputs'}" in line or f" {ROOT / 'tests' / 'docs'}" in line
                     or " inputs/" in line or " tests/docs/" in line]
    if must_be_valid:
        problems.append("decks of inputs/ and tests/docs/ must be valid:\n  " +
                        "\n  ".join(must_be_valid))
    keys = known_keys(paths)
    map_paths = [p for p, e in paths.items() if p and ("allowed" in e or e.get("free_keys"))]
    missing = sorted(k for k in keys if meaning_of(meanings, k)[0] is None)
    if missing:
        problems.append("keys the validator allows without a meaning in docs/deck-keys.yaml "
                        "(add `path: meaning` lines):\n  " + "\n  ".join(missing))
    used = set()
    for k in list(keys) + map_paths:
        used.add(meaning_of(meanings, k)[1])
    stale = sorted(m for m in meanings if m not in used)
    if stale:
        problems.append("docs/deck-keys.yaml describes keys the validator does not know "
                        "(remove or rename them):\n  " + "\n  ".join(stale))

    text = render(paths, meanings, len(skipped), len(decks) - len(skipped))
    output = Path(args.output)
    if args.check:
        if not output.exists() or output.read_text() != text:
            import difflib
            old = output.read_text().splitlines() if output.exists() else []
            diff = "\n".join(list(difflib.unified_diff(old, text.splitlines(), "committed",
                                                       "regenerated", lineterm=""))[:60])
            problems.append(f"{output} differs from the regenerated reference; regenerate with "
                            f"`/usr/bin/python3 scripts/make_deck_reference.py --terrafate "
                            f"build/bin/terrafate`:\n{diff}")
    else:
        output.write_text(text)
        print(f"wrote {output} ({len(keys)} keys from {len(decks) - len(skipped)} decks)")
    for line in skipped:
        print(line, file=sys.stderr)
    if problems:
        print("\n\n".join(problems), file=sys.stderr)
        return 1
    print(f"deck reference: {len(keys)} keys, every one with a meaning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
