#!/usr/bin/env bash
# Every test: install what is missing, build, run the whole suite (ctest), then the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer, the concurrency tests under
# ThreadSanitizer, and each fuzzer for a bounded, seeded number of runs (about 20 minutes
# in all on 2 cores). SYMACT_TEST_QUICK=1 runs only the first stage.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
stage() { printf '\n==== %s\n' "$*"; }

stage "release build and the whole suite"
bash scripts/build.sh
(cd build && ctest --output-on-failure --parallel "$jobs" --timeout 1800)

if [[ ${SYMACT_TEST_QUICK:-0} == 1 ]]; then exit 0; fi

stage "AddressSanitizer + UndefinedBehaviorSanitizer: the whole suite"
cmake --preset asan >/dev/null
cmake --build build-asan --parallel "$jobs"
# not under ASan: the embed example, which installs the libraries and links them into an
# uninstrumented project (label no_sanitizer)
(cd build-asan && ctest --output-on-failure --parallel "$jobs" --timeout 1800 -LE no_sanitizer)

stage "ThreadSanitizer: the concurrency tests"
cmake --preset tsan >/dev/null
cmake --build build-tsan --parallel "$jobs" --target jit_concurrency_tests
if [[ -n $(cd build-tsan && ctest -N -L concurrency | grep -E '^ +Test +#') ]]; then
  (cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -L concurrency --timeout 1800)
else
  echo "no concurrency tests yet"
fi

stage "fuzzers (clang-19, libFuzzer, ASan + UBSan), a fixed seed and number of runs each"
cmake --preset fuzz >/dev/null
# fuzz_expr: the symbolic core; fuzz_jit: the same through the JIT's kernels (LLVM itself is
# not instrumented), with the disk cache off
cmake --build build-fuzz --parallel "$jobs" --target fuzz_expr fuzz_jit
(cd build-fuzz && ctest --output-on-failure -R '^fuzz_')
