// bench_math: ns per element, float32, N = 65536 (in cache), single thread, for
//   ours  symact::math (-O3 -march=native, no fast-math)
//   libm  std:: calls (-O3 -march=native)
//   fast  std:: calls (-O3 -march=native -ffast-math: glibc libmvec where available)
// Results and the command: bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

#include "math_loops.hpp"

namespace {

constexpr std::size_t N = 65536;
using loop_fn = void (*)(const float*, float*, std::size_t);

std::vector<float> inputs(float lo, float hi) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(N);
  for (auto& x : v) x = d(rng);
  return v;
}

void run(benchmark::State& st, loop_fn f, float lo, float hi) {
  auto x = inputs(lo, hi);
  std::vector<float> y(N);
  for (auto _ : st) {
    f(x.data(), y.data(), N);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * N);
  st.counters["ns/elem"] = benchmark::Counter(double(st.iterations() * N),
                                              benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

struct range { float lo, hi; };
range range_of(const char* name) {
  std::string_view n(name);
  if (n == "log" || n == "sqrt") return {1e-3f, 100.0f};
  if (n == "log1p") return {-0.9f, 100.0f};
  if (n == "erf" || n == "erfc") return {-5.0f, 5.0f};
  return {-10.0f, 10.0f};
}

#define SYMACT_REGISTER(name)                                                               \
  BENCHMARK_CAPTURE(run, name##_ours, ours_##name, range_of(#name).lo, range_of(#name).hi); \
  BENCHMARK_CAPTURE(run, name##_libm, libm_##name, range_of(#name).lo, range_of(#name).hi); \
  BENCHMARK_CAPTURE(run, name##_fast, fast_##name, range_of(#name).lo, range_of(#name).hi);
SYMACT_MATH_BENCH_FUNCS(SYMACT_REGISTER)

// pow: x in [0.1, 10], y in [-5, 5]
using loop2_fn = void (*)(const float*, const float*, float*, std::size_t);
void run2(benchmark::State& st, loop2_fn f) {
  auto x = inputs(0.1f, 10.0f), y = inputs(-5.0f, 5.0f);
  std::reverse(y.begin(), y.end());  // same generator seed: decorrelate from x
  std::vector<float> r(N);
  for (auto _ : st) {
    f(x.data(), y.data(), r.data(), N);
    benchmark::DoNotOptimize(r.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * N);
  st.counters["ns/elem"] = benchmark::Counter(double(st.iterations() * N),
                                              benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(run2, pow_ours, ours_pow);
BENCHMARK_CAPTURE(run2, pow_libm, libm_pow);
BENCHMARK_CAPTURE(run2, pow_fast, fast_pow);

}  // namespace

BENCHMARK_MAIN();
