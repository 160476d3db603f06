// The optimised IR of a kernel on an AVX-512 host: 16-wide float vectors, and no call in
// the loop other than LLVM intrinsics (fma, fabs, masked load/store: single instructions).
// pow's <16 x float> -> <16 x double> fpext / fptrunc count: a scalarised conversion would
// show as extractelement / insertelement of doubles, checked below.
#include <doctest/doctest.h>

#include <string>

#include "helpers.hpp"
#include "symact/jit/jit.hpp"

using namespace symact;

TEST_CASE("optimised IR: 16-wide float vectors, call-free loops (AVX-512 hosts)") {
    if (jit::default_vector_width(jit::DType::f32) < 16) {
        MESSAGE("skipped: this host has no AVX-512 (cpu " << jit::host_cpu() << ")");
        return;
    }
    for (const char* e : {"x*tanh(softplus(x))", "0.5*x*(1 + erf(x/sqrt(2)))", "where(x > 0, x, alpha*expm1(x))",
                          "log1p(x^2)*atan(x) + sin(x)",
                          "abs(x)^0.75"}) {  // float32 pow computes in double: fpext/fptrunc stay vectors
        jit::Options o;
        o.keep_ir = true;
        o.disk_cache = false;
        auto k = jit::compile(e, o);
        const std::string& ir = k.ir();
        INFO(e);
        REQUIRE(!ir.empty());
        CHECK(k.vector_width() == 16);
        for (const char* fn : {"@symact_forward(", "@symact_backward(", "@symact_fused("}) {
            auto start = ir.find(std::string("define void ") + fn);
            REQUIRE(start != std::string::npos);
            auto end = ir.find("\n}", start);
            std::string body = ir.substr(start, end - start);
            INFO(fn);
            CHECK(body.find("<16 x float>") != std::string::npos);
            CHECK(body.find("<8 x float>") == std::string::npos);  // not split to 256 bits
            CHECK(body.find("prefer-vector-width") == std::string::npos);  // (attributes live apart)
            CHECK(body.find("extractelement <16 x double>") == std::string::npos);
            CHECK(body.find("insertelement <16 x double>") == std::string::npos);
            if (std::string(e) == "abs(x)^0.75") {
                CHECK(body.find("fpext <16 x float>") != std::string::npos);
                CHECK(body.find("fptrunc <16 x double>") != std::string::npos);
            }
            CHECK(test::non_intrinsic_calls(body).empty());
        }
        CHECK(ir.find("\"prefer-vector-width\"=\"512\"") != std::string::npos);
    }
}

TEST_CASE("double kernels use 8-wide vectors on AVX-512 hosts") {
    if (jit::default_vector_width(jit::DType::f64) < 8) {
        MESSAGE("skipped: this host has no AVX-512");
        return;
    }
    jit::Options o;
    o.dtype = jit::DType::f64;
    o.keep_ir = true;
    o.disk_cache = false;
    auto k = jit::compile("x*tanh(softplus(x))", o);
    CHECK(k.vector_width() == 8);
    CHECK(k.ir().find("<8 x double>") != std::string::npos);
}

TEST_CASE("a narrower vector width can be asked for") {
    jit::Options o;
    o.vector_width = 4;
    o.keep_ir = true;
    o.disk_cache = false;
    auto k = jit::compile("x*sigmoid(x)", o);
    CHECK(k.vector_width() == 4);
    CHECK(k.ir().find("<4 x float>") != std::string::npos);
    std::vector<float> x(11, 1.f), y(11);
    k.forward(std::span<const float>(x), std::span<float>(y));
    CHECK(y[10] == doctest::Approx(0.7310586f));
    o.vector_width = 3;
    CHECK_THROWS_AS(jit::compile("x", o), symact::error);
}
