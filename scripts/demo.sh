#!/usr/bin/env bash
# The main job: install what is missing, build, and run the demo on an activation string.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/symact demo "$@"
