#!/usr/bin/env bash
# The main job: installs what is missing, builds in release mode and runs lrfind on the bundled
# default data (mnist5k). Extra arguments go to lrfind.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product lrfind >&2
if [ $# -eq 0 ]; then set -- --min 1e-4 --max 1 --epochs 5; fi
exec .build/release/lrfind "$@"
