// Loop-invariant work leaves the JIT's loops: a product multiplies its invariant factors
// (constants, parameters, what they alone decide) first, and the emitter moves what needs
// no element into the entry block (jit/src/schedule.cpp: hoist_invariants). And the square
// of copysign(m, s) is m*m, so tanh(u)^2 drops float32 tanh's final copysign.
#include <doctest/doctest.h>

#include <cmath>
#include <span>
#include <string>
#include <vector>

#include <symact/jit/jit.hpp>

#include "helpers.hpp"

namespace jit = symact::jit;

namespace {

jit::Options ir_options() {
    jit::Options o;
    o.dtype = jit::DType::f32;
    o.disk_cache = false;
    o.keep_ir = true;
    return o;
}

// The forward kernel's IR, cut in two: the entry block and the rest (the loops).
struct Parts {
    std::string entry, loops;
};
Parts forward_parts(const jit::Kernel& k) {
    const std::string& ir = k.ir();
    const auto at = ir.find("define void @symact_forward(");
    REQUIRE(at != std::string::npos);
    const std::string f = ir.substr(at, ir.find("\n}", at) - at);
    const auto body = f.find("\nentry:");
    REQUIRE(body != std::string::npos);
    const auto next = f.find("\n\n", body);  // blocks are separated by a blank line
    REQUIRE(next != std::string::npos);
    return {f.substr(body, next - body), f.substr(next)};
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
    return n;
}

}  // namespace

TEST_CASE("hoisting: what parameters alone decide is computed once, before the loop") {
    // sign(1 - a) (two compares, two selects) and c*(1 - a)-like products need no element
    auto k = jit::compile("c*x*sign(1 - a)*tanh(x)", ir_options());
    const Parts p = forward_parts(k);
    CAPTURE(p.entry);
    CAPTURE(p.loops);
    CHECK(count(p.entry, "fcmp") == 2);   // sign(1 - a)
    CHECK(count(p.entry, "fmul") >= 1);   // c*sign(1 - a): one invariant factor
    // the loops compare no more than those of x*tanh(x) (tanh's own clamp)
    CHECK(count(p.loops, "fcmp") == count(forward_parts(jit::compile("x*tanh(x)", ir_options())).loops, "fcmp"));
    // the values are those of the reference evaluator (lower() in double, within the
    // kernels' usual bounds), at parameters that flip the sign
    for (float a : {0.5f, 1.0f, 2.0f}) {
        CAPTURE(a);
        const std::vector<float> xs = symact::test::test_points<float>();
        std::vector<float> y(xs.size());
        k.forward(std::span<const float>(xs), std::span<float>(y), {{"a", {a}}, {"c", {3.0}}});
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const double x = xs[i], s = 1.0 - a > 0 ? 1 : 1.0 - a < 0 ? -1 : 0;
            const double ref = 3.0 * x * s * std::tanh(x);
            CAPTURE(x);
            const float r = static_cast<float>(ref);
            if (std::isnan(r)) CHECK(std::isnan(y[i]));
            else if (std::isinf(r)) CHECK(y[i] == r);
            else CHECK(y[i] == doctest::Approx(r).epsilon(1e-6));
        }
    }
}

TEST_CASE("the square of tanh drops tanh's copysign (float32), tanh itself keeps it") {
    auto sq = jit::compile("tanh(x)^2", ir_options());
    auto t = jit::compile("tanh(x)", ir_options());
    CHECK(count(forward_parts(t).loops, "llvm.copysign") >= 1);
    CHECK(count(forward_parts(sq).loops, "llvm.copysign") == 0);
    const std::vector<float> xs = symact::test::test_points<float>();
    std::vector<float> y(xs.size()), yt(xs.size());
    sq.forward(std::span<const float>(xs), std::span<float>(y));
    t.forward(std::span<const float>(xs), std::span<float>(yt));
    for (std::size_t i = 0; i < xs.size(); ++i) {
        CAPTURE(xs[i]);
        const float want = yt[i] * yt[i];  // the same value, the sign aside
        if (std::isnan(want)) CHECK(std::isnan(y[i]));
        else CHECK(y[i] == want);
    }
}
