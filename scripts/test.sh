#!/usr/bin/env bash
# The test suite: installs what is missing (the build's packages and the tests' own), builds and
# runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
swift build --build-tests
swift test --skip-build "$@"
