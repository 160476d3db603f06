// Noise ops (uniform, normal) in generated headers (symact gen), C++ and C, float and double:
// each element draws what codegen::lower<T>() draws for its index (offset + i) and seed,
// bit for bit (this target is compiled with -ffp-contract=off, as codegen_emit_tests), hence
// what the JIT draws (tests/jit checks it against the same lowering); uniform equals the
// reference evaluator bit for bit, normal within the tolerance of tests/jit/test_noise.cpp.
// At every length around the block sizes, offsets above 2^32 and crossing a multiple of
// 2^32 inside a call and inside a block, chunked calls, in place, per channel; the backward
// regenerates the forward's draws (RReLU: dx/dy is the slope y/x), parameter gradients.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/codegen/lower.hpp"

#include "noise_cases.inc"

namespace {

using symact::codegen::Expr;
using symact::codegen::Function;
using symact::codegen::Number;
using u64 = std::uint64_t;

// lower() with plain scalars: element `index` of a call with `seed`.
template <class T> struct Leaves {
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    T xv;
    std::map<std::string, T, std::less<>> p;
    u64 index = 0, seed = 0;
    T x() { return xv; }
    T param(std::string_view n) { return p.find(n)->second; }
    T constant(const Number& c) { return c.as<T>(); }
    std::pair<U, U> noise_index() { return {U(std::uint32_t(index)), U(std::uint32_t(index >> 32))}; }
    std::pair<U, U> noise_seed() { return {U(std::uint32_t(seed)), U(std::uint32_t(seed >> 32))}; }
};

template <class T> bool same(T a, T b) {
    return std::isnan(a) ? std::isnan(b) : std::memcmp(&a, &b, sizeof a) == 0;
}

constexpr u64 two32 = u64{1} << 32;

// The expression's roots (f, f', df/dp...) and what lower<T>() gives for them.
template <class C, class T> struct Model {
    Function fn{C::expr};
    std::vector<Expr> roots;
    std::vector<T> p;
    Model() {
        roots = {fn.f(), fn.derivative("x")};
        for (const auto& n : fn.params()) roots.push_back(fn.derivative(n));
        REQUIRE(fn.params().size() == C::P);
        REQUIRE(fn.has_noise());
        for (double v : C::params()) p.push_back(static_cast<T>(v));
    }
    // values[r] of element `index` with input x and parameters ps (default: the case's)
    std::vector<T> at(T x, u64 seed, u64 index, const std::vector<T>* ps = nullptr) {
        Leaves<T> l{};
        l.xv = x;
        l.seed = seed;
        l.index = index;
        for (std::size_t k = 0; k < C::P; ++k) l.p[fn.params()[k]] = (ps ? *ps : p)[k];
        return symact::codegen::lower<T>(roots, l);
    }
    // want[r][j] for elements base + j, j < L
    std::vector<std::vector<T>> over(const std::vector<T>& x, u64 seed, u64 base) {
        std::vector<std::vector<T>> w(roots.size(), std::vector<T>(x.size()));
        for (std::size_t j = 0; j < x.size(); ++j) {
            auto v = at(x[j], seed, base + j);
            for (std::size_t r = 0; r < roots.size(); ++r) w[r][j] = v[r];
        }
        return w;
    }
};

template <class T> std::vector<T> inputs(std::size_t n) {
    std::vector<T> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<T>(-3.0 + 5.5 * double((i * 37) % 101) / 101.0);
    return x;
}
template <class T> std::vector<T> upstream(std::size_t n) {
    std::vector<T> dy(n);
    for (std::size_t i = 0; i < n; ++i) dy[i] = static_cast<T>(0.25 + 0.001 * double(i % 97));
    return dy;
}

const u64 seeds[] = {0, 0x9e3779b97f4a7c15ull, ~u64{0}};

// Scalar f, df, df/dp at indices around 2^32 and up to 2^48 - 1: lower<T>() bit for bit, and
// the reference evaluator (uniform exactly, normal to a few ulp).
template <class C, class T> void scalars() {
    Model<C, T> m;
    const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
    const u64 indices[] = {0, 1, 2, 15, 16, two32 - 1, two32, two32 + 1, (u64{1} << 40) + 12345, (u64{1} << 48) - 1};
    const T xs[] = {T(-3), T(-0.5), T(0), -T(0), T(0.75), T(2.5), T(1e30), -inf, inf, nan};
    const bool exact_ref = std::string(C::name).rfind("unif", 0) == 0;
    for (u64 seed : seeds)
        for (u64 idx : indices)
            for (T x : xs) {
                INFO(C::name, " x = ", x, " seed ", seed, " index ", idx);
                auto want = m.at(x, seed, idx);
                CHECK(same(C::template f<T>(x, m.p.data(), seed, idx), want[0]));
                CHECK(same(C::template df<T>(x, m.p.data(), seed, idx), want[1]));
                for (std::size_t k = 0; k < C::P; ++k)
                    CHECK(same(C::template dp<T>(k, x, m.p.data(), seed, idx), want[2 + k]));
                // the reference evaluator: element 0 of a call at offset idx
                symact::codegen::ParamValues pv;
                for (std::size_t k = 0; k < C::P; ++k) pv[m.fn.params()[k]] = static_cast<double>(m.p[k]);
                const T one[] = {x};
                Expr f[] = {m.fn.f()};
                const T ref = symact::codegen::evaluate<T>(f, one, pv, {seed, idx})[0][0];
                const T got = C::template f<T>(x, m.p.data(), seed, idx);
                if (exact_ref || !std::isfinite(ref)) CHECK(same(got, ref));
                else CHECK(std::abs(got - ref) <= T(sizeof(T) == 4 ? 2e-6 : 1e-14) * (1 + std::abs(ref)));
            }
}

// Array kernels: calls at offset base + s over n elements, s and n around the block size,
// against lower<T>() of the elements base + s + j; gradients against the sum of the rounded
// terms; backward and fused give the same gradient sums.
template <class C, class T> void arrays() {
    Model<C, T> m;
    const std::size_t B = sizeof(T) == 4 ? 16 : 8, L = 5 * B + 48;
    const auto x = inputs<T>(L), dy = upstream<T>(L);
    const std::size_t starts[] = {0, 1, 2, 3, B - 1, B, B + 1, 23, 37, 40, 47};
    // 2^32 - 40: calls starting there cross 2^32 at every lane of a block
    for (u64 base : {u64{0}, two32 - 40, (u64{1} << 47) + 3 * two32 - 21})
        for (u64 seed : {seeds[1], seeds[2]}) {
            const auto want = m.over(x, seed, base);
            for (std::size_t s : starts)
                for (std::size_t n = 0; s + n <= L && n <= 3 * B + 2; ++n) {
                    INFO(C::name, " base ", base, " seed ", seed, " start ", s, " n ", n);
                    std::vector<T> y(n), dx(n), y2(n), dx2(n);
                    std::vector<double> g1(C::P + 1, 0.0), g2(C::P + 1, 0.0);
                    const u64 off = base + s;
                    C::template forward<T>(x.data() + s, y.data(), n, m.p.data(), seed, off);
                    C::template backward<T>(x.data() + s, dy.data() + s, dx.data(), n, m.p.data(), g1.data(), seed, off);
                    C::template fused<T>(x.data() + s, dy.data() + s, y2.data(), dx2.data(), n, m.p.data(), g2.data(), seed, off);
                    bool ok = true;
                    std::vector<double> gsum(C::P, 0.0), gabs(C::P, 0.0);
                    for (std::size_t j = 0; j < n; ++j) {
                        const T d = want[1][s + j] * dy[s + j];
                        ok = ok && same(y[j], want[0][s + j]) && same(y2[j], want[0][s + j]) && same(dx[j], d) &&
                             same(dx2[j], d);
                        for (std::size_t k = 0; k < C::P; ++k) {
                            const double t = static_cast<double>(static_cast<T>(want[2 + k][s + j] * dy[s + j]));
                            gsum[k] += t;
                            gabs[k] += std::fabs(t);
                        }
                    }
                    CHECK(ok);
                    for (std::size_t k = 0; k < C::P; ++k) {
                        CHECK(std::fabs(g1[k] - gsum[k]) <= 1e-12 * gabs[k] + 1e-300);
                        CHECK(g1[k] == g2[k]);
                    }
                }
        }
}

// One call = chunks with their offsets; in place = out of place; another seed or offset
// draws other numbers; the parameter gradients match the reference evaluator's.
template <class C, class T> void chunks_in_place() {
    Model<C, T> m;
    const std::size_t L = 1000;
    const auto x = inputs<T>(L), dy = upstream<T>(L);
    const u64 seed = 77, off = two32 - 300;  // crosses 2^32 at element 300
    std::vector<T> y(L), dx(L), yc(L), dxc(L);
    std::vector<double> g(C::P + 1, 0.0), gc(C::P + 1, 0.0);
    C::template fused<T>(x.data(), dy.data(), y.data(), dx.data(), L, m.p.data(), g.data(), seed, off);
    const std::size_t cuts[] = {0, 1, 17, 40, 299, 300, 301, 613, L};
    for (std::size_t c = 0; c + 1 < std::size(cuts); ++c) {
        const std::size_t a = cuts[c], n = cuts[c + 1] - a;
        C::template fused<T>(x.data() + a, dy.data() + a, yc.data() + a, dxc.data() + a, n, m.p.data(), gc.data(),
                             seed, off + a);
    }
    CHECK(y == yc);
    CHECK(dx == dxc);
    for (std::size_t k = 0; k < C::P; ++k) CHECK(std::fabs(g[k] - gc[k]) <= 1e-12 * (std::fabs(g[k]) + 1));

    // in place: forward y over x, backward dx over dy, fused both
    std::vector<T> a = x;
    C::template forward<T>(a.data(), a.data(), L, m.p.data(), seed, off);
    CHECK(a == y);
    std::vector<T> b = dy;
    std::vector<double> gb(C::P + 1, 0.0);
    C::template backward<T>(x.data(), b.data(), b.data(), L, m.p.data(), gb.data(), seed, off);
    CHECK(b == dx);
    std::vector<T> fx = x, fdy = dy;
    std::vector<double> gf(C::P + 1, 0.0);
    C::template fused<T>(fx.data(), fdy.data(), fx.data(), fdy.data(), L, m.p.data(), gf.data(), seed, off);
    CHECK(fx == y);
    CHECK(fdy == dx);
    for (std::size_t k = 0; k < C::P; ++k) CHECK(gb[k] == g[k]);

    // other keys, other numbers (a case's output depends on the draws)
    std::vector<T> o1(L), o2(L);
    C::template forward<T>(x.data(), o1.data(), L, m.p.data(), seed + 1, off);
    C::template forward<T>(x.data(), o2.data(), L, m.p.data(), seed, off + 1);
    CHECK(o1 != y);
    CHECK(o2 != y);

    // parameter gradients against the reference evaluator's df/dp, summed in double
    if constexpr (C::P > 0) {
        symact::codegen::ParamValues pv;
        for (std::size_t k = 0; k < C::P; ++k) pv[m.fn.params()[k]] = static_cast<double>(m.p[k]);
        std::vector<Expr> dps(m.roots.begin() + 2, m.roots.end());
        auto ref = symact::codegen::evaluate<T>(dps, x, pv, {seed, off});
        for (std::size_t k = 0; k < C::P; ++k) {
            double s = 0, sabs = 0;
            for (std::size_t i = 0; i < L; ++i) {
                s += static_cast<double>(ref[k][i] * dy[i]);
                sabs += std::fabs(static_cast<double>(ref[k][i] * dy[i]));
            }
            INFO(C::name, " d/d", m.fn.params()[k]);
            CHECK(std::fabs(g[k] - s) <= (sizeof(T) == 4 ? 1e-5 : 1e-12) * sabs + 1e-300);
            CHECK(sabs > 0);
        }
    }
}

// Per channel, (N = 2, C = 3, inner = 37) at an offset crossing 2^32: element (b, c, i) is
// index offset + its flat index, drawn with channel c's parameters; gradients per channel
// equal the slices' calls of the array kernel.
template <class C, class T> void channels() {
    if constexpr (C::P > 0) {
        Model<C, T> m;
        const std::size_t Ch = 3, inner = 37, N = 2, size = N * Ch * inner;
        const auto x = inputs<T>(size), dy = upstream<T>(size);
        std::vector<T> pc(C::P * Ch);
        for (std::size_t k = 0; k < C::P; ++k)
            for (std::size_t c = 0; c < Ch; ++c) pc[k * Ch + c] = static_cast<T>(m.p[k] * T(1.0 + 0.25 * double(c)));
        for (u64 off : {u64{5}, two32 - 100}) {
            INFO(C::name, " offset ", off);
            const u64 seed = 4242;
            std::vector<T> y(size), dx(size), y2(size), dx2(size);
            std::vector<double> g(C::P * Ch, 0.0), g2(C::P * Ch, 0.0);
            C::template fused_channels<T>(x.data(), dy.data(), y.data(), dx.data(), size, Ch, inner, pc.data(), g.data(), seed, off);
            C::template forward_channels<T>(x.data(), y2.data(), size, Ch, inner, pc.data(), seed, off);
            C::template backward_channels<T>(x.data(), dy.data(), dx2.data(), size, Ch, inner, pc.data(), g2.data(), seed, off);
            CHECK(y2 == y);
            CHECK(dx2 == dx);
            CHECK(g2 == g);
            bool ok = true;
            for (std::size_t c = 0; c < Ch; ++c) {
                std::vector<T> pk(C::P);
                for (std::size_t k = 0; k < C::P; ++k) pk[k] = pc[k * Ch + c];
                std::vector<double> gk(C::P, 0.0);
                for (std::size_t b = 0; b < N; ++b) {
                    const std::size_t o = (b * Ch + c) * inner;
                    for (std::size_t i = 0; i < inner; ++i) {
                        auto want = m.at(x[o + i], seed, off + o + i, &pk);
                        ok = ok && same(y[o + i], want[0]) && same(dx[o + i], want[1] * dy[o + i]);
                    }
                    std::vector<T> ey(inner), edx(inner);
                    C::template fused<T>(x.data() + o, dy.data() + o, ey.data(), edx.data(), inner, pk.data(), gk.data(),
                                         seed, off + o);
                }
                for (std::size_t k = 0; k < C::P; ++k) CHECK(g[k * Ch + c] == gk[k]);
            }
            CHECK(ok);
        }
    }
}

}  // namespace

TEST_CASE_TEMPLATE("noisy header: scalar functions == lower<T>() and the reference evaluator", C,
                   SYMACT_NOISE_CASE_TYPES) {
    scalars<C, float>();
    scalars<C, double>();
}

TEST_CASE_TEMPLATE("noisy header: array kernels at every length and offset == lower<T>()", C,
                   SYMACT_NOISE_CASE_TYPES) {
    arrays<C, float>();
    arrays<C, double>();
}

TEST_CASE_TEMPLATE("noisy header: chunks, in place, other keys, parameter gradients", C, SYMACT_NOISE_CASE_TYPES) {
    chunks_in_place<C, float>();
    chunks_in_place<C, double>();
}

TEST_CASE_TEMPLATE("noisy header: per-channel kernels number elements by their flat index", C,
                   SYMACT_NOISE_CASE_TYPES) {
    channels<C, float>();
    channels<C, double>();
}

// RReLU in training: the backward alone regenerates the forward's slopes.
template <class C, class T> void rrelu() {
    Model<C, T> m;
    const T lower = m.p[0], upper = m.p[1];
    const std::size_t n = 3001;
    std::vector<T> x(n), y(n), dx(n), dx2(n), dy(n, T(1));
    for (std::size_t i = 0; i < n; ++i) x[i] = T(-3) + T(6) * T(i) / T(n);
    std::vector<double> g(2, 0.0), g2(2, 0.0);
    const u64 seed = 99, off = two32 - 1000;
    C::template fused<T>(x.data(), dy.data(), y.data(), dx.data(), n, m.p.data(), g.data(), seed, off);
    std::vector<T> slopes;
    for (std::size_t i = 0; i < n; ++i) {
        INFO(C::name, " i ", i, " x ", x[i]);
        if (x[i] >= 0) {
            CHECK(y[i] == x[i]);
            CHECK(dx[i] == T(1));
        } else {
            CHECK(dx[i] >= lower);
            CHECK(dx[i] <= upper);
            CHECK(y[i] == dx[i] * x[i]);  // the slope the backward used is the forward's
            slopes.push_back(dx[i]);
        }
    }
    std::sort(slopes.begin(), slopes.end());
    CHECK(std::unique(slopes.begin(), slopes.end()) - slopes.begin() > 1000);  // a new slope per element
    C::template backward<T>(x.data(), dy.data(), dx2.data(), n, m.p.data(), g2.data(), seed, off);
    CHECK(dx2 == dx);
    CHECK(g2 == g);
    // dL/dlower + dL/dupper = sum over x < 0 of x (the slope is lower + (upper - lower)*u)
    double sneg = 0;
    for (T v : x)
        if (v < 0) sneg += double(v);
    CHECK(std::fabs(g[0] + g[1] - sneg) <= (sizeof(T) == 4 ? 1e-5 : 1e-12) * std::fabs(sneg));
    CHECK(g[0] < 0);
    CHECK(g[1] < 0);
}

TEST_CASE_TEMPLATE("noisy header: RReLU's backward regenerates the forward's slopes", C, nz_rrelu_cpp, nz_rrelu_c) {
    rrelu<C, float>();
    rrelu<C, double>();
}

// float and double draw the same words: the float uniform is the double's top 23 bits.
TEST_CASE_TEMPLATE("noisy header: float and double uniform share their bits", C, nz_unif_cpp, nz_unif_c) {
    for (u64 idx : {u64{0}, u64{17}, two32 - 1, two32, (u64{1} << 48) - 1}) {
        const float f = C::template f<float>(0.f, nullptr, 5, idx);
        const double d = C::template f<double>(0.0, nullptr, 5, idx);
        CHECK(double(f) == std::floor(d * 0x1p23) * 0x1p-23);
        CHECK(f >= 0.f);
        CHECK(f < 1.f);
    }
}
