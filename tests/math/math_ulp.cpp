// math_ulp FUNC [--f64] [--exhaustive]
//   Worst ULP error of one symact::math function and where it occurs.
//   float32 --exhaustive: every one of the 2^32 inputs (2 threads).
//   otherwise: 2^24 random bit patterns + 2^24 points dense over the function's
//   interesting interval (float64 cannot be exhaustive).
// math_ulp pow [--f64]
//   2^26 random (x, y) pairs from tests/math/pow_pairs.hpp (2 threads).
#include <bit>
#include <cstdio>
#include <cstring>
#include <random>
#include <string_view>
#include <thread>

#include "pow_pairs.hpp"
#include "sweep.hpp"

using namespace symact::math::test;

template <class T>
static int run_pow() {
  constexpr unsigned nthreads = 2;
  pow_result part[nthreads];
  std::thread th[nthreads];
  for (unsigned t = 0; t < nthreads; ++t)
    th[t] = std::thread([&part, t] {
      std::mt19937_64 rng(999 + t);
      pow_sweep<T>(rng, (std::size_t(1) << 26) / nthreads, part[t]);
    });
  for (auto& t : th) t.join();
  pow_result r = part[0];
  for (unsigned t = 1; t < nthreads; ++t)
    if (part[t].max_ulp > r.max_ulp) {
      auto c = r.count + part[t].count, o = r.over_1 + part[t].over_1;
      r = part[t]; r.count = c; r.over_1 = o;
    } else {
      r.count += part[t].count; r.over_1 += part[t].over_1;
    }
  std::printf("pow %s: max %.3f ulp at x=%a y=%a (%.9g, %.9g): got %a, ref %a; %llu pairs, %llu over 1 ulp\n",
              std::is_same_v<T, float> ? "f32" : "f64", r.max_ulp, r.worst_x, r.worst_y, r.worst_x, r.worst_y,
              r.worst_got, r.worst_ref, (unsigned long long)r.count, (unsigned long long)r.over_1);
  return r.max_ulp <= 4.0 ? 0 : 1;
}

template <class T>
static int run(std::string_view name, bool exhaustive) {
  using U = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
  std::size_t nf = 0;
  const auto* fns = functions<T>(nf);
  const fn_entry<T>* f = nullptr;
  for (std::size_t i = 0; i < nf; ++i)
    if (fns[i].name == name) f = &fns[i];
  if (!f) {
    std::fprintf(stderr, "unknown function %.*s; known:", int(name.size()), name.data());
    for (std::size_t i = 0; i < nf; ++i) std::fprintf(stderr, " %s", fns[i].name.data());
    std::fprintf(stderr, "\n");
    return 2;
  }
  constexpr unsigned nthreads = 2;
  constexpr std::size_t chunk = 1 << 14;
  sweep_result part[nthreads];
  auto worker = [&](unsigned t) {
    std::vector<T> xs(chunk), ys;
    if (std::is_same_v<T, float> && exhaustive) {
      const std::uint64_t total = 1ull << 32, per = total / nthreads;
      for (std::uint64_t b = t * per; b < (t + 1) * per; b += chunk) {
        for (std::size_t i = 0; i < chunk; ++i) xs[i] = std::bit_cast<T>(static_cast<U>(b + i));
        sweep(*f, xs.data(), chunk, ys, part[t]);
      }
    } else {
      std::mt19937_64 rng(777 + t);
      const std::size_t per = (std::size_t(1) << 24) / nthreads;
      for (std::size_t done = 0; done < per; done += chunk) {
        for (std::size_t i = 0; i < chunk; ++i) xs[i] = std::bit_cast<T>(static_cast<U>(rng()));
        sweep(*f, xs.data(), chunk, ys, part[t]);
      }
      const std::size_t dense = std::size_t(1) << 24;
      for (std::size_t b = t * (dense / nthreads); b < (t + 1) * (dense / nthreads); b += chunk) {
        for (std::size_t i = 0; i < chunk; ++i)
          xs[i] = static_cast<T>(f->lo + (f->hi - f->lo) * (double(b + i) + 0.5) / double(dense));
        sweep(*f, xs.data(), chunk, ys, part[t]);
      }
    }
  };
  std::thread th[nthreads];
  for (unsigned t = 0; t < nthreads; ++t) th[t] = std::thread(worker, t);
  for (auto& t : th) t.join();
  sweep_result r;
  for (auto& p : part) r.merge(p);
  std::printf("%s %s%s: max %.3f ulp at x=%a (%.9g): got %a, ref %a; %llu points, %llu over 1 ulp%s\n",
              f->name.data(), std::is_same_v<T, float> ? "f32" : "f64",
              exhaustive && std::is_same_v<T, float> ? " exhaustive" : "", r.max_ulp, r.worst_x, r.worst_x,
              r.worst_got, r.worst_ref, (unsigned long long)r.count, (unsigned long long)r.over_1,
              f->abs_limit < 1e300 ? " (|x| beyond the documented limit skipped)" : "");
  return r.max_ulp <= f->bound ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: math_ulp FUNC [--f64] [--exhaustive]\n");
    return 2;
  }
  bool f64 = false, exhaustive = false;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--f64")) f64 = true;
    else if (!std::strcmp(argv[i], "--exhaustive")) exhaustive = true;
    else { std::fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
  }
  if (std::string_view(argv[1]) == "pow") return f64 ? run_pow<double>() : run_pow<float>();
  return f64 ? run<double>(argv[1], exhaustive) : run<float>(argv[1], exhaustive);
}
