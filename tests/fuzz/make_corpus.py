#!/usr/bin/env python3
"""Rebuilds tests/fuzz/corpus from every deck in inputs/ and tests/ (the fuzz harness's seeds).

Each deck is minimised for the fuzzer: whole-line comments and blank lines removed (they never
reach the validation), and a deck whose minimised text repeats another's is kept once. The seed's
name is the deck's path with / as _. Usage: tests/fuzz/make_corpus.py [SOURCE_DIR]
"""
import pathlib
import sys

source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2])
corpus = source / "tests" / "fuzz" / "corpus"
decks = sorted(p for folder in ("inputs", "tests") for p in (source / folder).rglob("*.yaml")
               if corpus not in p.parents and "fuzz" not in p.relative_to(source).parts)
seen = set()
kept = []
for deck in decks:
    lines = deck.read_bytes().split(b"\n")
    text = b"".join(line + b"\n" for line in lines
                    if line.strip() and not line.lstrip().startswith(b"#"))
    if text in seen:
        continue
    seen.add(text)
    kept.append(("_".join(deck.relative_to(source).parts), text))
for old in corpus.glob("*"):
    old.unlink()
corpus.mkdir(parents=True, exist_ok=True)
for name, text in kept:
    (corpus / name).write_bytes(text)
print(f"{len(kept)} seeds from {len(decks)} decks ({sum(len(t) for _, t in kept)} bytes)")
