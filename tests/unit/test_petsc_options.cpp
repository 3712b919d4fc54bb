// PETSc options come from the command line and an explicit options file only (issue 26): run in
// a folder holding a .petscrc with -terrafate_probe_rc and with PETSC_OPTIONS set to
// -terrafate_probe_env (tests/CMakeLists.txt), neither may reach PETSc's database, and
// petsc_options_in_effect lists what did.
//   test_petsc_options [--options-file FILE]
// Exits 0 when every check holds; prints each failure.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "terrafate/core/petsc.hpp"

namespace {
int failures = 0;
void check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    ++failures;
  }
}

/// The value of `name` in `options`, or "<absent>".
std::string value_of(const std::vector<std::pair<std::string, std::string>>& options,
                     const std::string& name) {
  for (const auto& [key, value] : options)
    if (key == name) return value;
  return "<absent>";
}
} // namespace

int main(int argc, char** argv) {
  std::string options_file;
  if (argc == 3 && std::string(argv[1]) == "--options-file") options_file = argv[2];
  {
    const terrafate::PetscSession session(
        {"test_petsc_options", "-terrafate_probe_cli", "5", "-terrafate_probe_negative", "-1"},
        options_file);
    PetscBool found = PETSC_FALSE;
    TF_PETSC_CHECK(PetscOptionsHasName(nullptr, nullptr, "-terrafate_probe_rc", &found));
    check(!found, "-terrafate_probe_rc from ./.petscrc reached PETSc");
    TF_PETSC_CHECK(PetscOptionsHasName(nullptr, nullptr, "-terrafate_probe_env", &found));
    check(!found, "-terrafate_probe_env from PETSC_OPTIONS reached PETSc");
    PetscInt cli = 0;
    TF_PETSC_CHECK(PetscOptionsGetInt(nullptr, nullptr, "-terrafate_probe_cli", &cli, &found));
    check(found && cli == 5, "the command-line option -terrafate_probe_cli 5 is missing");
    const auto options = terrafate::petsc_options_in_effect();
    check(value_of(options, "-terrafate_probe_cli") == "5", "in effect: -terrafate_probe_cli 5");
    check(value_of(options, "-terrafate_probe_negative") == "-1",
          "in effect: -terrafate_probe_negative -1 (a negative value)");
    check(value_of(options, "-skip_petscrc").empty(), "in effect: -skip_petscrc");
    check(value_of(options, "-terrafate_probe_rc") == "<absent>", "in effect: no .petscrc option");
    PetscInt from_file = 0;
    TF_PETSC_CHECK(
        PetscOptionsGetInt(nullptr, nullptr, "-terrafate_probe_file", &from_file, &found));
    if (options_file.empty()) {
      check(!found, "-terrafate_probe_file without --options-file");
    } else {
      check(found && from_file == 11, "-terrafate_probe_file 11 from the options file");
      check(value_of(options, "-terrafate_probe_file") == "11", "in effect: -terrafate_probe_file");
    }
  }
  std::printf("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
