#!/usr/bin/python3
"""Size limits of docs/architecture.md: no function over 150 lines in src/run and src/studies;
src/app under 400 lines in all; no source file over 800 lines outside src/transport.
A function is a brace block whose head holds a parameter list (not a control statement, a
lambda or a type), comments and strings set aside.

  check_sizes.py REPO_ROOT
"""
import re
import sys
from pathlib import Path

FUNCTION_LIMIT, APP_LIMIT, FILE_LIMIT = 150, 400, 800


def strip_code(text):
    """The text with comments, strings and character literals blanked (line breaks kept)."""
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|R"\((?:.|\n)*?\)"|"(?:\\.|[^"\\\n])*"|'
                         r"'(?:\\.|[^'\\\n])*'", re.S)
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def functions(path):
    """(first line, lines, head) of every function body: a brace block whose head (the text
    since the previous ;, { or }) holds a parameter list and is not a namespace, class, struct,
    enum, lambda or control statement; nested blocks belong to their function."""
    code = strip_code(path.read_text())
    found, stack, head_start = [], [], 0
    for i, c in enumerate(code):
        if c == "{":
            head = code[head_start:i]
            words = head.strip()
            is_function = (")" in words and not re.match(
                r"^(namespace|class|struct|enum|union|extern)\b", words)
                and not re.search(r"\b(if|for|while|switch|catch|do|else)\s*(\(|$)", words)
                and not re.search(r"[=(,]\s*\[[^\]]*\]\s*(\([^)]*\))?[^{]*$", words)
                and not any(kind == "function" for kind, _ in stack))
            stack.append(("function" if is_function else "block", i))
            head_start = i + 1
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function":
                    first = code.count("\n", 0, start) + 1
                    last = code.count("\n", 0, i) + 1
                    head = " ".join(code[max(0, start - 200):start].split())[-70:]
                    found.append((first, last - first + 1, head))
            head_start = i + 1
        elif c == ";":
            head_start = i + 1
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
