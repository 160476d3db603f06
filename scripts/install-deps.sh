#!/usr/bin/env bash
# Installs, with apt-get, whatever symact needs that this Debian bookworm machine lacks.
# Safe to re-run: it asks dpkg first and only calls apt-get when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build python3 python3-numpy
  libboost1.81-dev libfmt-dev doctest-dev libbenchmark-dev
  llvm-19-dev clang-19 libclang-rt-19-dev
  nlohmann-json3-dev
  librsvg2-bin fonts-dejavu-core
)
# Extra groups: "bench" adds the peers measured in bench/ (oneDNN, muparser).
if [[ " $* " == *" bench "* ]]; then packages+=(libdnnl-dev libmuparser-dev); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
