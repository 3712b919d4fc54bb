#!/usr/bin/env bash
# Installs the Debian 12 packages terrafate needs to build, test and plot.
# Idempotent: installs only what is missing. Without root or apt it prints the
# package list and exits non-zero.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  petsc-dev libopenmpi-dev openmpi-bin libhdf5-openmpi-dev
  libvtk9-dev python3-vtk9
  libgdal-dev # rasters (GeoTIFF, ESRI ASCII grid) and vector files (GeoJSON, shapefile); also pulled in by libvtk9-dev
  libgtest-dev libgmock-dev libyaml-cpp-dev libudunits2-dev libcli11-dev libfmt-dev libspdlog-dev
  libpagmo-dev libnlopt-cxx-dev
  libbenchmark-dev # benchmarks/: the kernels' micro-benchmarks
  # OpenBLAS (single-threaded: one rank per core) in place of the reference BLAS that petsc-dev
  # pulls in: PETSc's vector dots, norms and updates (GMRES) about 10 % faster per run
  libopenblas0-serial
  python3-numpy python3-h5py python3-matplotlib
  python3-pandas python3-xarray python3-yaml # python/terrafate: the reader, figures and report
  chromium # tests/python: report.html rendered in a headless browser
  clang-14 libclang-rt-14-dev valgrind
  slurm-wlm libpmix-dev time # cluster/: the one-node Slurm test (srun --mpi=pmix), scaling memory
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: cannot install (need root and apt-get). Missing packages:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "Install them with: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

# dpkg, not the download, dominates: skip docs/man pages and fsync (see STACK.md).
if [ ! -f /etc/dpkg/dpkg.cfg.d/terrafate-fast ]; then
  cat > /etc/dpkg/dpkg.cfg.d/terrafate-fast <<'CFG'
force-unsafe-io
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
CFG
fi
if command -v debconf-set-selections >/dev/null 2>&1; then
  echo "man-db man-db/auto-update boolean false" | debconf-set-selections || true
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
