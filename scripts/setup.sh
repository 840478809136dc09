#!/usr/bin/env bash
# Installs the Debian packages lrfind builds against, when any is missing (as root, or through
# sudo). `--tests` adds what the tests need besides: slurm-wlm, munge and GNU parallel (the
# many-machine tests start a private SLURM cluster: scripts/slurm-cluster.sh).
set -euo pipefail
packages=(libopenblas-dev libcairo2-dev zlib1g-dev pkg-config fonts-dejavu-core)
[ "${1:-}" = "--tests" ] && packages+=(slurm-wlm munge parallel)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
