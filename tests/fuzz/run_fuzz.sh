#!/usr/bin/env bash
# Builds the deck-reader fuzz target with clang (libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs it on tests/fuzz/corpus for SECONDS seconds. Any crash,
# sanitizer report, leak or timeout (10 s per input) fails the run.
# Usage: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS     e.g. tests/fuzz/run_fuzz.sh build-fuzz 600
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
seconds=$2
mkdir -p "$build"
build=$(cd "$build" && pwd)
cxx=${CLANGXX:-clang++}
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -DOMPI_SKIP_MPICXX=1 -I"$source_dir/include" $(pkg-config --cflags PETSc yaml-cpp fmt gdal hdf5-openmpi)
       -I/usr/include/udunits2 $(mpicxx --showme:compile))
sources=(tests/fuzz/fuzz_deck.cpp src/run/deck.cpp src/core/config.cpp src/core/errors.cpp
         src/core/units.cpp src/core/resources.cpp src/core/calendar.cpp src/core/raster.cpp
         src/io/raster_gdal.cpp src/io/cell_field_hdf5.cpp src/grid/grid.cpp
         src/grid/materials.cpp src/core/vector_layer.cpp src/io/vector_gdal.cpp)
objects=()
for source in "${sources[@]}"; do
  object="$build/$(basename "${source%.cpp}").o"
  # Rebuilt when the source or any project header is newer than the object.
  if [ ! -f "$object" ] || [ "$source_dir/$source" -nt "$object" ] ||
     [ -n "$(find "$source_dir/include" -name '*.hpp' -newer "$object" -print -quit)" ]; then
    "$cxx" "${flags[@]}" -c "$source_dir/$source" -o "$object"
  fi
  objects+=("$object")
done
"$cxx" "${flags[@]}" "${objects[@]}" -o "$build/fuzz_deck" \
  $(pkg-config --libs PETSc yaml-cpp fmt gdal hdf5-openmpi) -ludunits2 $(mpicxx --showme:link)
# The corpus grows in a copy; the seeds in the repository stay as they are.
mkdir -p "$build/corpus"
cp -n "$source_dir"/tests/fuzz/corpus/* "$build/corpus/" 2>/dev/null || true
cd "$build"
./fuzz_deck -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
  -dict="$source_dir/tests/fuzz/deck.dict" corpus
