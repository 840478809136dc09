#!/usr/bin/env bash
# Installs lrfind so that it can be called by name: installs the Debian packages it builds
# against (scripts/setup.sh), builds it in release mode and puts a link to .build/release/lrfind
# in PREFIX/bin (default PREFIX: $HOME/.local). The link follows later release builds.
# Usage: scripts/install.sh [--prefix DIR] [--copy]
#   --prefix DIR  install into DIR/bin (default: $HOME/.local, so $HOME/.local/bin)
#   --copy        copy the binary and its bundled data (mnist5k, digits) into DIR/lib/lrfind and
#                 link DIR/bin/lrfind to that copy, so that it survives a clean of .build
set -euo pipefail
usage() { echo "usage: scripts/install.sh [--prefix DIR] [--copy]" >&2; exit 2; }
prefix="${HOME:?HOME is not set}/.local"
copy=false
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] && [ -n "$2" ] || usage; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; [ -n "$prefix" ] || usage; shift ;;
        --copy) copy=true; shift ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install: unknown argument '$1'" >&2; usage ;;
    esac
done
cd "$(dirname "$0")/.."
root="$(pwd -P)"
bash scripts/setup.sh
swift build -c release --product lrfind >&2
built="$root/.build/release/lrfind"
[ -x "$built" ] || { echo "install: $built was not built" >&2; exit 1; }

mkdir -p "$prefix/bin"
prefix="$(cd "$prefix" && pwd -P)"
target="$built"
if $copy; then
    # The binary finds its bundled data sets in the resource bundle beside its real path.
    resources="$(dirname "$(readlink -f "$built")")/lrfind_LRFinder.resources"
    mkdir -p "$prefix/lib/lrfind"
    rm -rf "$prefix/lib/lrfind/lrfind_LRFinder.resources"
    cp -R "$resources" "$prefix/lib/lrfind/"
    cp "$built" "$prefix/lib/lrfind/lrfind.new"
    mv -f "$prefix/lib/lrfind/lrfind.new" "$prefix/lib/lrfind/lrfind"
    target="$prefix/lib/lrfind/lrfind"
fi
ln -sfn "$target" "$prefix/bin/lrfind"
echo "install: $prefix/bin/lrfind -> $target"

case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "install: $prefix/bin is not on PATH; add it, e.g. in ~/.profile: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
