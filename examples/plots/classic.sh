#!/usr/bin/env bash
# The classic comparison figure: (a) Sigmoid (b) Tanh (c) ReLU (d) Leaky ReLU, slope 0.2
# (e) ELU, alpha = 2 (f) the derivative of Sigmoid, written to docs/img/classic.svg and
# docs/img/classic.png (or to the folder given as $1).
#
#   examples/plots/classic.sh                      # uses build/symact
#   cmake --build build --target classic_figure    # the same, from CMake
set -euo pipefail
out=$(realpath -m "${1:-$(dirname "$0")/../../docs/img}")
symact=${SYMACT:-$(dirname "$0")/../../build/symact}
[[ $symact == */* ]] && symact=$(realpath "$symact")
mkdir -p "$out"

# Catalog names need dsl/ in the build; the expressions in the comments are the same
# functions in the plain syntax.
args=(plot --range=-5:5
  --title='(a) Sigmoid' --title='(b) Tanh' --title='(c) ReLU'
  --title='(d) Leaky ReLU (slope 0.2)' --title='(e) ELU (α = 2)' --title='(f) Derivative of Sigmoid'
  --
  sigmoid                 # sigmoid(x)
  tanh                    # tanh(x)
  relu                    # where(x > 0, x, 0)
  'leaky_relu(x, 0.2)'    # where(x > 0, x, 0.2*x)
  'elu(x, 2)'             # where(x > 0, x, 2*expm1(x))
  'd/dx sigmoid'          # sigmoid(x)*sigmoid(-x)
)
"$symact" "${args[@]:0:1}" -o "$out/classic.svg" "${args[@]:1}"
"$symact" "${args[@]:0:1}" -o "$out/classic.png" "${args[@]:1}"
echo "wrote $out/classic.svg and $out/classic.png"
