// Run one function over a batch of inputs and keep the worst ULP error.
#pragma once

#include <cstdint>
#include <vector>

#include "registry.hpp"
#include "ulp.hpp"

namespace symact::math::test {

struct sweep_result {
  double max_ulp = 0;
  double worst_x = 0, worst_got = 0, worst_ref = 0;
  std::uint64_t count = 0;     // points checked
  std::uint64_t over_1 = 0;    // points with error > 1 ulp
  void merge(const sweep_result& o) {
    if (o.max_ulp > max_ulp) {
      max_ulp = o.max_ulp; worst_x = o.worst_x; worst_got = o.worst_got; worst_ref = o.worst_ref;
    }
    count += o.count;
    over_1 += o.over_1;
  }
};

template <class T>
inline void sweep(const fn_entry<T>& f, const T* xs, std::size_t n, std::vector<T>& ys, sweep_result& r) {
  ys.resize(n);
  f.ours(xs, ys.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    T x = xs[i];
    if (std::fabs(double(x)) > f.abs_limit) continue;
    auto ref = f.ref(ref_t<T>(x));
    double e = ulp_error(ys[i], ref);
    ++r.count;
    if (e > 1) ++r.over_1;
    if (e > r.max_ulp || (e != e)) {
      r.max_ulp = e; r.worst_x = double(x); r.worst_got = double(ys[i]); r.worst_ref = double(ref);
    }
  }
}

}  // namespace symact::math::test
