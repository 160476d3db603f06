// The in-process and disk caches: hits, and entries that must not be trusted.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <fmt/format.h>

#include "symact/jit/jit.hpp"

using namespace symact;
namespace fs = std::filesystem;

namespace {
// A fresh expression per call, so no earlier run's disk entry is found.
std::string unique_expr(const char* base) {
    static std::mt19937_64 rng(std::random_device{}());
    return fmt::format("{} + {}*x", base, rng() % 1000000 + 1);
}
fs::path fresh_dir() {
    auto d = fs::temp_directory_path() / fmt::format("symact-jit-test-{}", std::random_device{}());
    fs::remove_all(d);
    return d;
}
fs::path only_entry(const fs::path& dir) {
    fs::path p;
    int count = 0;
    for (const auto& e : fs::directory_iterator(dir)) p = e.path(), ++count;
    REQUIRE(count == 1);
    return p;
}
bool works(const jit::Kernel& k) {
    std::vector<float> x{1.f, 2.f}, y(2);
    k.forward(std::span<const float>(x), std::span<float>(y));
    return std::isfinite(y[0]);
}
}  // namespace

TEST_CASE("memory cache: the same text returns the same kernel") {
    jit::Options o;
    o.disk_cache = false;
    std::string e = unique_expr("tanh(x)");
    auto before = jit::stats();
    auto a = jit::compile(e, o);
    auto b = jit::compile(e, o);
    CHECK(a.same_as(b));
    CHECK(jit::stats().compiles == before.compiles + 1);
    CHECK(jit::stats().memory_hits >= before.memory_hits + 1);
    // Another spelling of the same canonical form is the same kernel too.
    auto c = jit::compile(e + " + 0", o);
    CHECK(a.same_as(c));
    // Other options: another kernel.
    o.dtype = jit::DType::f64;
    CHECK(!a.same_as(jit::compile(e, o)));
}

TEST_CASE("disk cache: hit after clearing memory; corrupt, truncated, foreign entries recompiled") {
    jit::Options o;
    o.cache_dir = fresh_dir().string();
    std::string e = unique_expr("x*tanh(softplus(x))");
    auto s0 = jit::stats();
    auto k1 = jit::compile(e, o);
    CHECK(k1.origin() == jit::Origin::compiled);
    CHECK(jit::stats().disk_writes == s0.disk_writes + 1);
    fs::path entry = only_entry(o.cache_dir);

    jit::clear_memory_cache();
    auto k2 = jit::compile(e, o);
    CHECK(k2.origin() == jit::Origin::disk);
    CHECK(!k1.same_as(k2));
    CHECK(works(k2));
    CHECK(jit::stats().disk_hits == s0.disk_hits + 1);

    auto bytes = [&] {
        std::ifstream in(entry, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    auto put = [&](const std::string& s) {
        std::ofstream out(entry, std::ios::binary | std::ios::trunc);
        out << s;
    };
    const std::string good = bytes();
    auto recompiled = [&](const char* what) {
        INFO(what);
        jit::clear_memory_cache();
        auto before = jit::stats();
        auto k = jit::compile(e, o);
        CHECK(k.origin() == jit::Origin::compiled);
        CHECK(works(k));
        CHECK(jit::stats().disk_rejects == before.disk_rejects + 1);
        CHECK(bytes() == good);  // rewritten
    };
    std::string bad = good;
    bad[bad.size() - 100] ^= 0x5a;  // a flipped byte in the object
    put(bad);
    recompiled("corrupt");
    put(good.substr(0, good.size() / 2));
    recompiled("truncated");
    bad = good;
    auto pos = bad.find("expr ");
    REQUIRE(pos != std::string::npos);
    bad[pos + 5] = bad[pos + 5] == 'x' ? 'y' : 'x';  // another expression's entry at this name
    put(bad);
    recompiled("foreign key");
    put("garbage");
    recompiled("not an entry");
    fs::remove_all(o.cache_dir);
}

TEST_CASE("disk cache off: by option, and by SYMACT_CACHE=off") {
    jit::Options o;
    o.cache_dir = fresh_dir().string();
    o.disk_cache = false;
    CHECK(jit::cache_directory(o).empty());
    jit::compile(unique_expr("sigmoid(x)"), o);
    CHECK(!fs::exists(o.cache_dir));

    o.disk_cache = true;
    CHECK(jit::cache_directory(o) == fs::path(o.cache_dir));
    ::setenv("SYMACT_CACHE", "off", 1);
    CHECK(jit::cache_directory(o).empty());
    jit::compile(unique_expr("sigmoid(x)"), o);
    CHECK(!fs::exists(o.cache_dir));
    ::setenv("SYMACT_CACHE", "on", 1);
}

TEST_CASE("the default cache folder follows SYMACT_CACHE_DIR, then XDG_CACHE_HOME") {
    jit::Options o;
    const char* old = std::getenv("SYMACT_CACHE_DIR");
    std::string keep = old ? old : "";
    ::setenv("SYMACT_CACHE_DIR", "/tmp/a", 1);
    CHECK(jit::cache_directory(o) == fs::path("/tmp/a"));
    ::unsetenv("SYMACT_CACHE_DIR");
    ::setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
    CHECK(jit::cache_directory(o) == fs::path("/tmp/xdg/symact"));
    if (old) ::setenv("SYMACT_CACHE_DIR", keep.c_str(), 1);
}

TEST_CASE("a kernel outlives the cache; code is freed with its last handle") {
    jit::Options o;
    o.disk_cache = false;
    std::string e = unique_expr("erf(x)");
    {
        auto k = jit::compile(e, o);
        jit::clear_memory_cache();
        CHECK(works(k));  // still ours
    }
    auto k = jit::compile(e, o);  // compiled again: the old code is gone
    CHECK(k.origin() == jit::Origin::compiled);
    CHECK(works(k));
}
