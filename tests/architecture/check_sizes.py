#!/usr/bin/python3
"""Size limits of docs/architecture.md: no function over 150 lines in src/run and src/studies;
src/app under 400 lines in all; no source file over 800 lines outside src/transport.
A function is a brace block opened at the end of a line at namespace level (column 0, or a
member function defined in a class body at column 2) and closed by a `}` at the same indent.

  check_sizes.py REPO_ROOT
"""
import re
import sys
from pathlib import Path

FUNCTION_LIMIT, APP_LIMIT, FILE_LIMIT = 150, 400, 800
OPENER = re.compile(r"^( {0,2})[A-Za-z_~].*\)[^;]*\{\s*$|^( {0,2})[A-Za-z_].*[^;]\s*\{\s*$")


def functions(path):
    lines = path.read_text().splitlines()
    found, n = [], 0
    while n < len(lines):
        line = lines[n]
        m = re.match(r"^( {0,2})\S", line)
        if m and line.rstrip().endswith("{") and "(" in "".join(lines[max(0, n - 3):n + 1]) \
                and not re.match(r"^\s*(namespace|struct|class|enum|extern)\b", line) \
                and not line.lstrip().startswith(("if", "for", "while", "switch", "}", "//")):
            indent = m.group(1)
            for end in range(n + 1, len(lines)):
                if lines[end].startswith(indent + "}") and not lines[end].startswith(indent + " "):
                    found.append((n + 1, end - n + 1, line.strip()[:70]))
                    n = end
                    break
        n += 1
    return found


def main():
    root = Path(sys.argv[1])
    problems = []
    for folder in ("run", "studies"):
        for path in sorted((root / "src" / folder).glob("*.cpp")):
            for line, length, head in functions(path):
                if length > FUNCTION_LIMIT:
                    problems.append(f"{path.relative_to(root)}:{line}: {length} lines: {head}")
    app = sum(len(p.read_text().splitlines()) for p in (root / "src/app").glob("*.cpp"))
    print(f"src/app: {app} lines")
    if app >= APP_LIMIT:
        problems.append(f"src/app holds {app} lines (limit {APP_LIMIT})")
    for path in sorted((root / "src").rglob("*.[ch]pp")):
        if path.relative_to(root).parts[1] == "transport":
            continue
        count = len(path.read_text().splitlines())
        if count > FILE_LIMIT:
            problems.append(f"{path.relative_to(root)}: {count} lines (limit {FILE_LIMIT})")
    for p in problems:
        print("TOO LONG:", p)
    print(f"{len(problems)} size limit(s) exceeded")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
