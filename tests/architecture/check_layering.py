#!/usr/bin/python3
"""Fails when an #include in src/ or include/terrafate/ runs against the layering of
docs/architecture.md: core <- grid <- flow <- transport <- soil <- remediation <- run <- studies
<- app (a module includes only modules below it); risk, carbon, search and monitoring are plain C++ (core
only, no PETSc or MPI header); io is included by run and studies only (and io itself).

  check_layering.py REPO_ROOT   exit 0 when every include follows the layering, 1 otherwise
  check_layering.py --self-test  checks that a planted violation is reported
"""
import re
import sys
from pathlib import Path

CHAIN = ["core", "grid", "flow", "transport", "soil", "remediation", "run", "studies", "app"]
PLAIN = {"risk", "carbon", "search", "monitoring"}  # plain C++: core only, no PETSc/MPI
IO_USERS = {"run", "studies", "io"}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)
PARALLEL_HEADERS = re.compile(r"^(petsc|mpi\.h|mpi\b|hdf5|vtk)")


def module_of(path: Path, root: Path):
    rel = path.relative_to(root).parts
    if rel[0] == "src":
        return rel[1]
    if rel[:2] == ("include", "terrafate"):
        return rel[2]
    return None


def allowed(user: str, used: str) -> bool:
    if user == used:
        return True
    if used == "io":
        return user in IO_USERS
    if user in PLAIN:
        return used == "core"
    if user == "io":
        return used == "core"
    if used in PLAIN:
        return user in CHAIN and CHAIN.index(user) >= CHAIN.index("run")
    if user in CHAIN and used in CHAIN:
        return CHAIN.index(used) < CHAIN.index(user)
    return False


def violations(root: Path):
    found = []
    files = [p for d in ("src", "include/terrafate") for p in (root / d).rglob("*")
             if p.suffix in (".cpp", ".hpp", ".in") and p.is_file()]
    for path in sorted(files):
        user = module_of(path, root)
        text = path.read_text(errors="replace")
        for line_no, match in ((text.count("\n", 0, m.start()) + 1, m) for m in INCLUDE.finditer(text)):
            header = match.group(1)
            where = f"{path.relative_to(root)}:{line_no}"
            if header.startswith("terrafate/"):
                used = header.split("/")[1]
                if not allowed(user, used):
                    found.append(f"{where}: {user} includes {header} ({used} is not below {user})")
            elif user in PLAIN and PARALLEL_HEADERS.match(header):
                found.append(f"{where}: {user} is plain C++ but includes <{header}>")
    return found


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "src/flow").mkdir(parents=True)
        (root / "include/terrafate/risk").mkdir(parents=True)
        (root / "src/flow/bad.cpp").write_text('#include "terrafate/run/simulation.hpp"\n')
        (root / "include/terrafate/risk/bad.hpp").write_text("#include <petsc.h>\n")
        (root / "src/flow/good.cpp").write_text('#include "terrafate/grid/grid.hpp"\n')
        found = violations(root)
        assert len(found) == 2 and "flow includes terrafate/run" in found[0] + found[1], found
    print("self-test: the two planted violations are reported")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    found = violations(Path(sys.argv[1]))
    for v in found:
        print(v)
    print(f"{len(found)} include(s) against the layering")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
