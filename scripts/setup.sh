#!/usr/bin/env bash
# Installs everything sm-report needs to build, test and render on Debian 12.
# Idempotent: when every package is already installed it does nothing (no
# apt-get update), so a second run is instant. Uses sudo only when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libcairo2-dev libpango1.0-dev
  libfmt-dev nlohmann-json3-dev libctemplate-dev libsimdjson-dev libcli11-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  poppler-utils fonts-dejavu-core python3
  help2man dpkg-dev file  # man page and Debian package (scripts/package.sh)
  python3-yaml  # checks the CI examples of docs/ci.md
  python3-jsonschema python3-junitparser libxml2-utils  # CI output tests (ctest -L ci)
  chromium  # headless browser for the browser tests (ctest -L browser; skipped without it)
  openmpi-bin libopenmpi-dev  # the MPI build and its test (-DSMR_MPI=ON, docs/scaling.md)
)

# One dpkg-query for all packages; unknown packages print nothing.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! grep -qx "$pkg installed" <<<"$installed"; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup: missing packages (${missing[*]}) and not root; install sudo or run as root" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
