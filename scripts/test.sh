#!/usr/bin/env bash
# Every test: install what is missing, build, run the whole suite (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 1800
