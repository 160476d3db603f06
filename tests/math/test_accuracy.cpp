// ULP sweeps: >= 1M points per function and precision (uniformly random bit patterns,
// i.e. every binade equally, plus a dense uniform sweep of the interesting interval).
#include <doctest/doctest.h>

#include <bit>
#include <cstdio>
#include <random>

#include "sweep.hpp"

using namespace symact::math::test;

namespace {

template <class T>
void check_all(std::size_t n_random, std::size_t n_dense) {
  using U = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
  std::size_t nf = 0;
  const auto* fns = functions<T>(nf);
  std::mt19937_64 rng(12345);
  std::vector<T> xs(n_random + n_dense), ys;
  for (std::size_t k = 0; k < nf; ++k) {
    const auto& f = fns[k];
    for (std::size_t i = 0; i < n_random; ++i) {
      do xs[i] = std::bit_cast<T>(static_cast<U>(rng()));
      while (std::fabs(double(xs[i])) > f.abs_limit);  // stay in the documented domain
    }
    for (std::size_t i = 0; i < n_dense; ++i)
      xs[n_random + i] = static_cast<T>(f.lo + (f.hi - f.lo) * (double(i) + 0.5) / double(n_dense));
    sweep_result r;
    sweep(f, xs.data(), xs.size(), ys, r);
    std::printf("%-9s %s  max %.3f ulp at x=%a (got %a, ref %a), %llu points\n", f.name.data(),
                std::is_same_v<T, float> ? "f32" : "f64", r.max_ulp, r.worst_x, r.worst_got, r.worst_ref,
                (unsigned long long)r.count);
    INFO(f.name, " worst x=", r.worst_x, " got=", r.worst_got, " ref=", r.worst_ref);
    CHECK(r.max_ulp <= f.bound);
    CHECK(r.count >= 1000000);
  }
}

}  // namespace

TEST_CASE("ulp sweep float32") { check_all<float>(1 << 19, 1 << 19); }
TEST_CASE("ulp sweep float64") { check_all<double>(1 << 19, 1 << 19); }

// float32 sigmoid forms 2^-64 (1 + e^|u|) as fma(s, p, s + 2^-64) with s = 2^(k-64), and
// s + 2^-64 rounds once k > 23 (|u| > 16.3): the lost 2^-k is added back to p (without
// it, 2.444 ulp at u = -16.64).  Every float32 u with k in 23..27, both signs.
TEST_CASE("float32 sigmoid where s + 2^-64 rounds: every input") {
  std::size_t nf = 0;
  const auto* fns = functions<float>(nf);
  const fn_entry<float>* sig = nullptr;
  for (std::size_t i = 0; i < nf; ++i)
    if (fns[i].name == "sigmoid") sig = &fns[i];
  REQUIRE(sig);
  std::vector<float> xs, ys;
  for (auto b = std::bit_cast<std::uint32_t>(15.5f); b <= std::bit_cast<std::uint32_t>(19.1f); ++b) {
    xs.push_back(std::bit_cast<float>(b));
    xs.push_back(-std::bit_cast<float>(b));
  }
  sweep_result r;
  sweep(*sig, xs.data(), xs.size(), ys, r);
  INFO("worst x=", r.worst_x, " got=", r.worst_got, " ref=", r.worst_ref);
  CHECK(r.max_ulp <= sig->bound);
  CHECK(r.count == xs.size());
}
