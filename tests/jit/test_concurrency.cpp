// Several threads compiling overlapping expressions: each key is compiled once.
#include <doctest/doctest.h>

#include <random>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "symact/jit/jit.hpp"

using namespace symact;

TEST_CASE("concurrent compiles of overlapping expressions compile each key once") {
    jit::Options o;
    o.disk_cache = false;
    auto nonce = std::random_device{}() % 100000 + 1;
    std::vector<std::string> exprs;
    for (int i = 0; i < 6; ++i) exprs.push_back(fmt::format("tanh(x) + {}*x", nonce * 10 + i));
    // Spellings with the same canonical form as exprs[0].
    exprs.push_back(fmt::format("{}*x + tanh(x)", nonce * 10));
    auto before = jit::stats().compiles;
    const int threads = 8;
    std::vector<std::vector<jit::Kernel>> got(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (std::size_t i = 0; i < exprs.size(); ++i)
                got[t].push_back(jit::compile(exprs[(i + t) % exprs.size()], o));
        });
    for (auto& th : pool) th.join();
    CHECK(jit::stats().compiles == before + 6);
    // Every thread got the very same kernel for each key.
    for (int t = 0; t < threads; ++t)
        for (std::size_t i = 0; i < exprs.size(); ++i) {
            std::size_t e = (i + t) % exprs.size();
            CHECK(got[t][i].same_as(jit::compile(exprs[e], o)));
        }
    CHECK(got[0][0].same_as(jit::compile(exprs[6], o)));
}
