// jit::compile_rows through the caches compile() uses (jit/src/cache.hpp): each key built
// once in the process, also under concurrent calls; the disk cache's "rows" entries: hit
// after clearing memory, distinct from an elementwise kernel of the same text, a corrupt
// entry recompiled.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "symact/jit/jit.hpp"
#include "symact/jit/rows.hpp"

using namespace symact;
namespace fs = std::filesystem;

namespace {
// A fresh expression per call, so no earlier run's disk entry is found.
std::string unique_rows(const char* base) {
    static std::mt19937_64 rng(std::random_device{}());
    return fmt::format("{} + {}*x", base, rng() % 1000000 + 1);
}
fs::path fresh_dir() {
    auto d = fs::temp_directory_path() / fmt::format("symact-rows-cache-test-{}", std::random_device{}());
    fs::remove_all(d);
    return d;
}
std::vector<fs::path> entries(const fs::path& dir) {
    std::vector<fs::path> v;
    for (const auto& e : fs::directory_iterator(dir)) v.push_back(e.path());
    return v;
}
std::string bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
// y and dx of a fixed input (rows of 5)
std::vector<float> outputs(const jit::RowKernel& k) {
    std::vector<float> x{1, -2, 3, 0.5f, 2, 7, 7, -1, 0, 4}, dy{1, 2, -1, 0.5f, 3, -2, 1, 1, 0, 2};
    std::vector<float> y(10), dx(10);
    k.forward_backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(y),
                       std::span<float>(dx), 5);
    y.insert(y.end(), dx.begin(), dx.end());
    return y;
}
}  // namespace

TEST_CASE("rows memory cache: the same text, or canonical form, is the same kernel") {
    jit::Options o;
    o.disk_cache = false;
    const std::string e = unique_rows("softmax(x)");
    auto before = jit::stats();
    auto a = jit::compile_rows(e, o);
    auto b = jit::compile_rows(e, o);
    CHECK(a.same_as(b));
    CHECK(jit::stats().compiles == before.compiles + 1);
    CHECK(jit::stats().memory_hits == before.memory_hits + 1);
    auto c = jit::compile_rows(e + " + 0", o);  // another spelling, same canonical form
    CHECK(a.same_as(c));
    CHECK(jit::stats().compiles == before.compiles + 1);
    o.dtype = jit::DType::f64;  // other options: another kernel
    auto d = jit::compile_rows(e, o);
    CHECK(!a.same_as(d));
    CHECK(jit::stats().compiles == before.compiles + 2);
    // an elementwise text compiled as rows and as an elementwise kernel: two kernels
    o.dtype = jit::DType::f32;
    const std::string t = unique_rows("tanh(x)");
    auto s0 = jit::stats();
    jit::compile_rows(t, o);
    jit::compile(t, o);
    CHECK(jit::stats().compiles == s0.compiles + 2);
    // off: every call compiles
    o.memory_cache = false;
    auto s1 = jit::stats();
    auto f = jit::compile_rows(e, o);
    CHECK(!a.same_as(f));
    CHECK(jit::stats().compiles == s1.compiles + 1);
    CHECK(outputs(f) == outputs(a));
}

TEST_CASE("rows memory cache: concurrent requests for one key compile it once") {
    jit::Options o;
    o.disk_cache = false;
    const std::string e = unique_rows("log_softmax(x)");
    auto before = jit::stats();
    std::vector<jit::RowKernel> got(6);
    std::vector<std::thread> ts;
    for (std::size_t i = 0; i < got.size(); ++i)
        ts.emplace_back([&, i] { got[i] = jit::compile_rows(i % 2 ? e : e + " + 0", o); });
    for (auto& t : ts) t.join();
    for (const auto& k : got) CHECK(k.same_as(got[0]));
    CHECK(jit::stats().compiles == before.compiles + 1);
    CHECK(jit::stats().memory_hits == before.memory_hits + got.size() - 1);
}

TEST_CASE("rows disk cache: hit after clearing memory; kind rows in the key; corrupt entry recompiled") {
    jit::Options o;
    o.cache_dir = fresh_dir().string();
    const std::string e = unique_rows("softmax(x)");
    auto s0 = jit::stats();
    auto k1 = jit::compile_rows(e, o);
    CHECK(k1.origin() == jit::Origin::compiled);
    CHECK(jit::stats().disk_writes == s0.disk_writes + 1);
    auto es = entries(o.cache_dir);
    REQUIRE(es.size() == 1);
    const fs::path entry = es[0];
    const std::string good = bytes(entry);
    CHECK(good.find("\nkind rows\n") != std::string::npos);

    jit::clear_memory_cache();
    auto k2 = jit::compile_rows(e, o);
    CHECK(k2.origin() == jit::Origin::disk);
    CHECK(!k1.same_as(k2));
    CHECK(jit::stats().disk_hits == s0.disk_hits + 1);
    CHECK(jit::stats().compiles == s0.compiles + 1);
    CHECK(outputs(k2) == outputs(k1));
    for (int m = 0; m < 3; ++m) CHECK(k2.passes(m) == k1.passes(m));
    CHECK(k2.vjp() == k1.vjp());

    // the same text as an elementwise kernel is another entry, not this one
    const std::string t = unique_rows("tanh(x)");
    jit::compile_rows(t, o);
    jit::compile(t, o);
    CHECK(entries(o.cache_dir).size() == 3);

    std::string bad = good;
    bad[bad.size() - 100] ^= 0x5a;  // a flipped byte in the object
    {
        std::ofstream out(entry, std::ios::binary | std::ios::trunc);
        out << bad;
    }
    jit::clear_memory_cache();
    auto s1 = jit::stats();
    auto k3 = jit::compile_rows(e, o);
    CHECK(k3.origin() == jit::Origin::compiled);
    CHECK(jit::stats().disk_rejects == s1.disk_rejects + 1);
    CHECK(outputs(k3) == outputs(k1));
    CHECK(bytes(entry) == good);  // rewritten
    fs::remove_all(o.cache_dir);
}
