// symact::row_kernel(f): kernels of an expression with row reductions (rowmax, rowsum) over
// the last axis of a row-major (rows, cols) array, or over the middle axis of an (outer, cols,
// inner) one (softmax over the channels of NCHW data: outer = N, cols = C, inner = H*W).
//   k.forward(rows, cols, x, y)                     y = f(x), row by row
//   k.backward(rows, cols, x, dy, dx)               dx = vjp of f at x for dy
//   k.forward_backward(rows, cols, x, dy, y, dx)    both, sharing the reductions
//   k.forward(outer, cols, inner, x, y), ...        strided rows: x[(o*cols + c)*inner + i] for
//                                                   c < cols is the row of (o, i)
// The backward expression is vjp(f, dy) (row.hpp), planned with f like any kernel
// (plan.hpp). Each row runs in passes: a reduction can be computed once every reduction its
// argument reads is known, so pass p computes the reductions whose arguments need p earlier
// passes (softmax forward: rowmax, then rowsum, then the map). Every pass is a loop over the
// row with the reduction arguments evaluated into a block buffer and summed (or maxed) in 16
// lanes: call-free and vectorized. rowmax propagates NaN. Rows are independent: split them across
// threads as you like (a kernel object is immutable).
#pragma once
#include <algorithm>
#include <type_traits>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <symact/codegen/blocking.hpp>

#include "symact/dsl/eval.hpp"
#include "symact/dsl/params.hpp"
#include "symact/dsl/row.hpp"

namespace symact::dsl {
namespace detail {

// When each step's value is known: leaves at pass 0, a reduction one pass after its
// argument, anything else with its last argument.
template <class Plan> struct row_schedule {
    static constexpr auto& P = Plan::value;
    static constexpr std::size_t N = P.size;
    static constexpr bool is_red(const step& s) { return s.k == sk::rmax || s.k == sk::rsum; }
    static constexpr std::array<int, N> avail = [] {
        std::array<int, N> a{};
        for (std::size_t i = 0; i < N; ++i) {
            const step& s = P.steps[i];
            int v = 0;
            for (int j = 0; j < s.n; ++j) v = std::max(v, a[static_cast<std::size_t>(s.a[j])]);
            a[i] = is_red(s) ? v + 1 : v;
        }
        return a;
    }();
    // the map pass: every root is known
    static constexpr int last = [] {
        int l = 0;
        for (int r : P.roots) l = std::max(l, avail[static_cast<std::size_t>(r)]);
        return l;
    }();
    // the live reductions computed in pass p
    static constexpr std::size_t count(int p) {
        std::size_t c = 0;
        for (std::size_t i = 0; i < N; ++i)
            if (P.steps[i].live && is_red(P.steps[i]) && avail[i] == p + 1) ++c;
        return c;
    }
    template <int Pass> static constexpr auto reductions() {
        std::array<int, count(Pass)> out{};
        std::size_t c = 0;
        for (std::size_t i = 0; i < N; ++i)
            if (P.steps[i].live && is_red(P.steps[i]) && avail[i] == Pass + 1) out[c++] = static_cast<int>(i);
        return out;
    }
    // Row-uniform steps depend on no element (only on reductions and constants): log(rowsum(.))
    // or rowsum(.)^-2 is computed once per row (a prelude), then loaded like a reduction.
    static constexpr bool is_leaf(const step& s) { return s.k == sk::cst || s.k == sk::num || s.k == sk::par; }
    static constexpr std::array<bool, N> uniform = [] {
        std::array<bool, N> u{};
        for (std::size_t i = 0; i < N; ++i) {
            const step& s = P.steps[i];
            bool v = is_red(s) || is_leaf(s);
            if (!v && s.n > 0 && s.k != sk::var && s.k != sk::dy) {
                v = true;
                for (int j = 0; j < s.n; ++j) v = v && u[static_cast<std::size_t>(s.a[j])];
            }
            u[i] = v;
        }
        return u;
    }();
    // loaded from the row's values instead of computed per element (exp range reductions are
    // read only by their exp, which is loaded)
    static constexpr bool loads(std::size_t i) {
        return is_red(P.steps[i]) || (uniform[i] && !is_leaf(P.steps[i]) && !P.steps[i].reduced);
    }
    static constexpr void close(std::array<bool, N>& l, bool stop_at_loads) {
        for (std::size_t i = N; i-- > 0;) {
            const step& s = P.steps[i];
            if (!l[i] || is_red(s) || (stop_at_loads && loads(i))) continue;
            for (int j = 0; j < s.n; ++j) l[static_cast<std::size_t>(s.a[j])] = true;
        }
    }
    // the steps pass p evaluates per element: what its reductions (or, last, the roots) read
    template <int Pass> struct pass {
        static constexpr std::array<bool, N> live = [] {
            std::array<bool, N> l{};
            if constexpr (Pass == last) {
                for (int r : P.roots) l[static_cast<std::size_t>(r)] = true;
            } else {
                for (int r : reductions<Pass>()) l[static_cast<std::size_t>(P.steps[static_cast<std::size_t>(r)].a[0])] = true;
            }
            close(l, true);
            return l;
        }();
        static constexpr std::array<bool, N> load = [] {
            std::array<bool, N> l{};
            for (std::size_t i = 0; i < N; ++i) l[i] = loads(i);
            return l;
        }();
    };
    // the uniform steps pass p loads, computed once per row before it (reductions loaded)
    template <int Pass> struct prelude {
        static constexpr std::array<bool, N> need = [] {
            std::array<bool, N> l{};
            for (std::size_t i = 0; i < N; ++i) l[i] = pass<Pass>::live[i] && loads(i) && !is_red(P.steps[i]);
            return l;
        }();
        static constexpr bool any = [] {
            for (bool b : need) if (b) return true;
            return false;
        }();
        static constexpr std::array<bool, N> live = [] {
            auto l = need;
            close(l, false);
            return l;
        }();
        static constexpr std::array<bool, N> load = [] {
            std::array<bool, N> l{};
            for (std::size_t i = 0; i < N; ++i) l[i] = is_red(P.steps[i]);
            return l;
        }();
    };
};

// The row-uniform values pass Pass loads, into rv (scalar code, once per row).
template <class Plan, int Pass, class S> SYMACT_DSL_INLINE void row_prelude(S* rv, const S* nv) {
    using Pre = typename row_schedule<Plan>::template prelude<Pass>;
    if constexpr (Pre::any) {
        machine<Plan, S, Pre> mc;
        mc.pv = nullptr;
        mc.nv = nv;
        mc.rv = rv;
        mc.dyv = S(0);
        mc(S(0));
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ([&] {
                if constexpr (Pre::need[I]) rv[I] = mc.template val<static_cast<int>(I)>();
            }(), ...);
        }(std::make_index_sequence<Plan::value.size>{});
    }
}

inline constexpr std::size_t row_block = 256, row_lanes = 16;

// Whether a pass reads dy (then dy is not null: backward and fused kernels).
template <class Plan, class Pass> constexpr bool reads_dy() {
    for (std::size_t i = 0; i < Plan::value.size; ++i)
        if (Pass::live[i] && Plan::value.steps[i].k == sk::dy && !Pass::load[i]) return true;
    return false;
}

// A reduction of x or dy itself reads the input, not a copy (g++ would make the copy a
// memcpy call).
template <class Plan> constexpr sk red_arg_kind(int r) {
    return Plan::value.steps[static_cast<std::size_t>(Plan::value.steps[static_cast<std::size_t>(r)].a[0])].k;
}

// One reduction pass over a row: the reductions of pass Pass into rv (values),
// by step.
template <class Plan, int Pass, class S>
SYMACT_DSL_FLATTEN void row_pass(const S* __restrict x, const S* __restrict dy, std::size_t cols,
                                 S* __restrict rv, const S* __restrict nv) {
    using Sch = row_schedule<Plan>;
    static constexpr auto R = Sch::template reductions<Pass>();
    constexpr std::size_t NR = R.size(), L = row_lanes, B = row_block;
    using Mach = machine<Plan, S, typename Sch::template pass<Pass>>;
    constexpr auto arg_kind = [](int r) { return red_arg_kind<Plan>(r); };
    constexpr auto direct = [](int r) { return red_arg_kind<Plan>(r) == sk::var || red_arg_kind<Plan>(r) == sk::dy; };
    // sums in 16 double lanes: a float row of thousands sums to ~1e-16 relative, not ~1e-6.
    // max: per block (NaN wins); ties need no index (rowmax's adjoint splits them evenly)
    constexpr double ninf = -std::numeric_limits<double>::infinity();
    double acc[NR][L];
    double best[NR];
    for (std::size_t r = 0; r < NR; ++r) {
        for (std::size_t l = 0; l < L; ++l) acc[r][l] = 0.0;
        best[r] = ninf;
    }
    for (std::size_t b0 = 0; b0 < cols; b0 += B) {
        const std::size_t m = std::min(B, cols - b0);
        S tmp[NR][B];
        for (std::size_t i = 0; i < m; ++i) {
            Mach mc;
            mc.pv = nullptr;
            mc.nv = nv;
            mc.rv = rv;
            if constexpr (reads_dy<Plan, typename Sch::template pass<Pass>>()) mc.dyv = dy[b0 + i];
            mc(x[b0 + i]);
            [&]<std::size_t... J>(std::index_sequence<J...>) {
                (([&] {
                     if constexpr (!direct(R[J])) tmp[J][i] = mc.template val<Plan::value.steps[R[J]].a[0]>();
                 }()),
                 ...);
            }(std::make_index_sequence<NR>{});
        }
        [&]<std::size_t... J>(std::index_sequence<J...>) {
            (([&] {
                 const S* t = arg_kind(R[J]) == sk::var ? x + b0 : arg_kind(R[J]) == sk::dy ? dy + b0 : tmp[J];
                 std::size_t i = 0;
                 if constexpr (Plan::value.steps[R[J]].k == sk::rsum) {
                     auto& a = acc[J];
                     for (; i + L <= m; i += L)
                         for (std::size_t l = 0; l < L; ++l) a[l] += static_cast<double>(t[i + l]);
                     for (; i < m; ++i) a[0] += static_cast<double>(t[i]);
                 } else {
                     // integer max reductions (they vectorize; a float max does not without
                     // -ffast-math): of an order-preserving key of the bits (NaN aside), and of
                     // |bits| to find NaNs (above inf's bits)
                     using U = math::uscalar_t<S>;
                     using I = std::make_signed_t<U>;
                     constexpr U abs_mask = ~U(0) >> 1;
                     constexpr int W = static_cast<int>(sizeof(U) * 8) - 1;
                     const U inf_bits = std::bit_cast<U>(std::numeric_limits<S>::infinity());
                     I km = std::numeric_limits<I>::min();
                     U kn = 0;
                     for (; i < m; ++i) {
                         const I b = std::bit_cast<I>(t[i]);
                         const I k = b ^ ((b >> W) & static_cast<I>(abs_mask));
                         const U a = static_cast<U>(b) & abs_mask;
                         km = k > km ? k : km;
                         kn = a > kn ? a : kn;
                     }
                     const bool bnan = kn > inf_bits, rnan = best[J] != best[J];
                     const S bm = bnan ? std::numeric_limits<S>::quiet_NaN()
                                       : std::bit_cast<S>(km ^ ((km >> W) & static_cast<I>(abs_mask)));
                     if (!rnan && (bm > best[J] || bnan)) best[J] = bm;
                 }
             }()),
             ...);
        }(std::make_index_sequence<NR>{});
    }
    for (std::size_t r = 0; r < NR; ++r) {
        const auto k = static_cast<std::size_t>(R[r]);
        if (Plan::value.steps[k].k == sk::rsum) {
            double s = 0;  // lanes in order: deterministic
            for (std::size_t l = 0; l < L; ++l) s += acc[r][l];
            rv[k] = static_cast<S>(s);
        } else {  // a row of -inf (or empty): the max is -inf
            rv[k] = static_cast<S>(best[r]);
        }
    }
}

// The map pass: the roots of the plan for every element of a row.
template <class Plan, class S, std::size_t NRoot>
SYMACT_DSL_FLATTEN void row_map(const S* __restrict x, const S* __restrict dy, std::size_t cols,
                                S* __restrict out0, S* __restrict out1, const S* __restrict rv,
                                const S* __restrict nv) {
    using Sch = row_schedule<Plan>;
    using Mach = machine<Plan, S, typename Sch::template pass<Sch::last>>;
    for (std::size_t i = 0; i < cols; ++i) {
        Mach mc;
        mc.pv = nullptr;
        mc.nv = nv;
        mc.rv = rv;
        if constexpr (reads_dy<Plan, typename Sch::template pass<Sch::last>>()) mc.dyv = dy[i];
        mc(x[i]);
        out0[i] = mc.template root<0>();
        if constexpr (NRoot > 1) out1[i] = mc.template root<1>();
    }
}

template <class Plan, class S, std::size_t NRoot>
void row_run(std::size_t rows, std::size_t cols, const S* x, const S* dy, S* out0, S* out1, const S* nv) {
    using Sch = row_schedule<Plan>;
    constexpr std::size_t N = Plan::value.size;
    for (std::size_t r = 0; r < rows; ++r) {
        S rv[N + 1] = {};
        const std::size_t off = r * cols;
        const S* xr = x + off;
        const S* dr = dy ? dy + off : nullptr;
        [&]<int... P>(std::integer_sequence<int, P...>) {
            ([&] {
                if constexpr (Sch::count(P) > 0) {
                    row_prelude<Plan, P, S>(rv, nv);
                    row_pass<Plan, P, S>(xr, dr, cols, rv, nv);
                }
            }(), ...);
        }(std::make_integer_sequence<int, Sch::last>{});
        row_prelude<Plan, Sch::last, S>(rv, nv);
        row_map<Plan, S, NRoot>(xr, dr, cols, out0 + off, out1 ? out1 + off : nullptr, rv, nv);
    }
}

// Strided rows (inner > 1): the rows of an (outer, cols, inner) array are the cols values
// x[(o*cols + c)*inner + i] for one (o, i). Tiles of them (consecutive i) are gathered,
// transposed, into contiguous (tile, cols) blocks, run by row_run and scattered back; the tile
// rule and the transposes are the JIT's too (symact/codegen/blocking.hpp).
template <class Plan, class S, std::size_t NRoot>
void row_run_strided(std::size_t size, std::size_t cols, std::size_t inner, const S* x, const S* dy, S* out0,
                     S* out1, const S* nv) {
    const std::size_t tile = codegen::blocking::strided_tile(cols, inner, sizeof(S)), block = tile * cols;
    const std::size_t nbuf = 2 + (dy ? 1 : 0) + (NRoot > 1 ? 1 : 0);
    // one buffer per thread, kept between calls unless it is large
    constexpr std::size_t keep = (8u << 20) / sizeof(S);
    thread_local std::vector<S> kept;
    std::vector<S> once;
    std::vector<S>& buf = nbuf * block <= keep ? kept : once;
    if (buf.size() < nbuf * block) buf.resize(nbuf * block);
    S* xb = buf.data();
    S* ob0 = xb + block;
    S* ob1 = NRoot > 1 ? ob0 + block : nullptr;
    S* db = dy ? buf.data() + (nbuf - 1) * block : nullptr;
    auto gather = [&](const S* src, S* blk, std::size_t base, std::size_t n) {
        codegen::blocking::gather_rows(src, blk, base, n, cols, inner);
    };
    auto scatter = [&](const S* blk, S* dst, std::size_t base, std::size_t n) {
        codegen::blocking::scatter_rows(blk, dst, base, n, cols, inner);
    };
    for (std::size_t b0 = 0; b0 < size; b0 += cols * inner)  // size = outer*cols*inner, checked
        for (std::size_t i0 = 0; i0 < inner; i0 += tile) {
            const std::size_t n = std::min(tile, inner - i0), base = b0 + i0;
            gather(x, xb, base, n);
            if (dy) gather(dy, db, base, n);
            row_run<Plan, S, NRoot>(n, cols, xb, db, ob0, ob1, nv);
            scatter(ob0, out0, base, n);
            if constexpr (NRoot > 1) scatter(ob1, out1, base, n);
        }
}

}  // namespace detail

template <class F>
class row_kernel_t {
    static_assert(std::tuple_size_v<params_of<F>> == 0,
                  "symact::row_kernel: expressions with rowmax/rowsum take no parameters (yet)");

public:
    using VJ = decltype(vjp(F{}, dy_t{}));
    using names = names_of<std::tuple<>>;
    using fwd_plan = plan_of<names, F>;
    using bwd_plan = plan_of<names, VJ>;
    using fused_plan = plan_of<names, F, VJ>;
    static_assert(!noisy_plan<fused_plan>, "symact::row_kernel: row functions do not draw noise "
                                           "(uniform, normal); use them in elementwise kernels");

    explicit row_kernel_t(const F& f)
        : f_(f),
          nums_fwd_(fwd_plan::numbers(f)),
          nums_bwd_(bwd_plan::numbers(vjp(f, dy_t{}))),
          nums_fused_(fused_plan::numbers(f, vjp(f, dy_t{}))) {}

    // y = f(x)
    void forward(std::size_t rows, std::size_t cols, std::span<const float> x, std::span<float> y) const { fwd(rows, cols, 1, x, y); }
    void forward(std::size_t rows, std::size_t cols, std::span<const double> x, std::span<double> y) const { fwd(rows, cols, 1, x, y); }
    // dx = vjp of f at x for dy
    void backward(std::size_t rows, std::size_t cols, std::span<const float> x, std::span<const float> dy,
                  std::span<float> dx) const { bwd(rows, cols, 1, x, dy, dx); }
    void backward(std::size_t rows, std::size_t cols, std::span<const double> x, std::span<const double> dy,
                  std::span<double> dx) const { bwd(rows, cols, 1, x, dy, dx); }
    // both in one set of passes
    void forward_backward(std::size_t rows, std::size_t cols, std::span<const float> x, std::span<const float> dy,
                          std::span<float> y, std::span<float> dx) const { fused(rows, cols, 1, x, dy, y, dx); }
    void forward_backward(std::size_t rows, std::size_t cols, std::span<const double> x, std::span<const double> dy,
                          std::span<double> y, std::span<double> dx) const { fused(rows, cols, 1, x, dy, y, dx); }

    // Strided rows: an (outer, cols, inner) row-major array reduced over its middle axis (the
    // channels of NCHW data: outer = N, cols = C, inner = H*W); inner = 1 is the calls above.
    void forward(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const float> x,
                 std::span<float> y) const { fwd(outer, cols, inner, x, y); }
    void forward(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const double> x,
                 std::span<double> y) const { fwd(outer, cols, inner, x, y); }
    void backward(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const float> x,
                  std::span<const float> dy, std::span<float> dx) const { bwd(outer, cols, inner, x, dy, dx); }
    void backward(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const double> x,
                  std::span<const double> dy, std::span<double> dx) const { bwd(outer, cols, inner, x, dy, dx); }
    void forward_backward(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const float> x,
                          std::span<const float> dy, std::span<float> y, std::span<float> dx) const {
        fused(outer, cols, inner, x, dy, y, dx);
    }
    void forward_backward(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const double> x,
                          std::span<const double> dy, std::span<double> y, std::span<double> dx) const {
        fused(outer, cols, inner, x, dy, y, dx);
    }

    const F& expression() const { return f_; }

private:
    F f_;
    decltype(fwd_plan::numbers(F{})) nums_fwd_;
    decltype(bwd_plan::numbers(VJ{})) nums_bwd_;
    decltype(fused_plan::numbers(F{}, VJ{})) nums_fused_;

    // inner = 1: the rows are contiguous (the array itself); else tiles of gathered rows
    // (sized by the array's length, which check() has matched with outer*cols*inner)
    template <class Plan, class S, std::size_t NRoot>
    static void run(std::size_t outer, std::size_t cols, std::size_t inner, std::size_t size, const S* x,
                    const S* dy, S* out0, S* out1, const S* nv) {
        if (inner == 1) detail::row_run<Plan, S, NRoot>(outer, cols, x, dy, out0, out1, nv);
        else if (size != 0) detail::row_run_strided<Plan, S, NRoot>(size, cols, inner, x, dy, out0, out1, nv);
    }
    template <class S>
    void fwd(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const S> x, std::span<S> y) const {
        check(outer, cols, inner, {{x.data(), x.size(), sizeof(S)}}, {{y.data(), y.size(), sizeof(S)}});
        auto nv = convert<S>(nums_fwd_);
        run<fwd_plan, S, 1>(outer, cols, inner, x.size(), x.data(), nullptr, y.data(), nullptr, nv.data());
    }
    template <class S>
    void bwd(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const S> x, std::span<const S> dy,
             std::span<S> dx) const {
        check(outer, cols, inner, {{x.data(), x.size(), sizeof(S)}, {dy.data(), dy.size(), sizeof(S)}},
              {{dx.data(), dx.size(), sizeof(S)}});
        auto nv = convert<S>(nums_bwd_);
        run<bwd_plan, S, 1>(outer, cols, inner, x.size(), x.data(), dy.data(), dx.data(), nullptr, nv.data());
    }
    template <class S>
    void fused(std::size_t outer, std::size_t cols, std::size_t inner, std::span<const S> x, std::span<const S> dy,
               std::span<S> y, std::span<S> dx) const {
        check(outer, cols, inner, {{x.data(), x.size(), sizeof(S)}, {dy.data(), dy.size(), sizeof(S)}},
              {{y.data(), y.size(), sizeof(S)}, {dx.data(), dx.size(), sizeof(S)}});
        auto nv = convert<S>(nums_fused_);
        run<fused_plan, S, 2>(outer, cols, inner, x.size(), x.data(), dy.data(), y.data(), dx.data(), nv.data());
    }
    template <class S, class A> static auto convert(const A& a) {
        std::array<S, std::tuple_size_v<A> + 1> out{};
        for (std::size_t i = 0; i < a.size(); ++i) out[i] = static_cast<S>(a[i]);
        return out;
    }
    struct arr {
        const void* p;
        std::size_t n, size;  // elements, element size
    };
    // lengths outer*cols*inner; no output overlaps another array (the passes read x again)
    static void check(std::size_t outer, std::size_t cols, std::size_t inner, std::initializer_list<arr> ins,
                      std::initializer_list<arr> outs) {
        constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
        if (inner == 0)
            throw std::invalid_argument("symact::row_kernel: inner = 0 (the layout is (outer, cols, inner) with "
                                        "inner >= 1; 1 for rows along the last axis)");
        if (cols != 0 && inner > max / cols)
            throw std::invalid_argument("symact::row_kernel: cols * inner = " + std::to_string(cols) + " * " +
                                        std::to_string(inner) + " overflows");
        if (cols * inner != 0 && outer > max / (cols * inner))
            throw std::invalid_argument(inner == 1 ? "symact::row_kernel: rows * cols overflows"
                                                   : "symact::row_kernel: outer * cols * inner overflows");
        const std::size_t n = outer * cols * inner;
        for (const auto* l : {&ins, &outs})
            for (const arr& a : *l)
                if (a.n != n)
                    throw std::invalid_argument(
                        "symact::row_kernel: an array has " + std::to_string(a.n) + " elements, not " +
                        (inner == 1 ? "rows * cols = " + std::to_string(outer) + " * " + std::to_string(cols)
                                    : "outer * cols * inner = " + std::to_string(outer) + " * " +
                                          std::to_string(cols) + " * " + std::to_string(inner)) +
                        " = " + std::to_string(n));
        auto lo = [](const arr& a) { return reinterpret_cast<std::uintptr_t>(a.p); };
        auto hi = [&](const arr& a) { return lo(a) + a.n * a.size; };
        auto overlap = [&](const arr& a, const arr& b) { return a.n && b.n && lo(a) < hi(b) && lo(b) < hi(a); };
        for (const arr& o : outs)
            for (const auto* l : {&ins, &outs})
                for (const arr& a : *l)
                    if (&a != &o && overlap(o, a))
                        throw std::invalid_argument("symact::row_kernel: an output overlaps another array (row "
                                                    "kernels read their inputs in several passes: no in-place)");
    }
};

// The row kernels of an expression with rowmax/rowsum.
template <class F> auto row_kernel(const F& f) {
    static_assert(expr<F>, "symact::row_kernel(f): f is not a symact::dsl expression");
    return row_kernel_t<F>(f);
}

}  // namespace symact::dsl

namespace symact {
using dsl::row_kernel;
}
