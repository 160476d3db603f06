// Disk cache faults across processes and folders: two `symact` processes compiling the same
// key into one cache folder at once, and cache folders that cannot be written.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/jit/jit.hpp"

extern char** environ;

using namespace symact;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const char* what) {
    auto d = fs::temp_directory_path() / fmt::format("symact-{}-{}", what, std::random_device{}());
    fs::remove_all(d);
    return d;
}

// Starts `symact eval --engine=jit` on `expr` at `at` with SYMACT_CACHE_DIR=dir, stdout to `out`.
pid_t start_eval(const fs::path& dir, const std::string& expr, const std::string& at, const fs::path& out) {
    std::vector<std::string> args = {SYMACT_CLI, "eval", "--engine=jit", "--json", "--grad", "--at=" + at, "--", expr};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = {"SYMACT_CACHE_DIR=" + dir.string(), "SYMACT_CACHE=on"};
    for (char** e = environ; *e; ++e)
        if (!std::string_view(*e).starts_with("SYMACT_CACHE")) env.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, SYMACT_CLI, &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    REQUIRE_MESSAGE(rc == 0, "cannot start " << SYMACT_CLI);
    return pid;
}

// The numbers of the JSON array `key` in the file.
std::vector<double> json_array(const fs::path& file, const std::string& key) {
    std::ifstream in(file);
    std::string s(std::istreambuf_iterator<char>(in), {});
    auto p = s.find("\"" + key + "\":");
    REQUIRE_MESSAGE(p != std::string::npos, "no " << key << " in: " << s);
    p = s.find('[', p);
    REQUIRE(p != std::string::npos);
    ++p;
    std::vector<double> v;
    while (p < s.size() && s[p] != ']') {
        char* end = nullptr;
        v.push_back(std::strtod(s.c_str() + p, &end));
        REQUIRE_MESSAGE(end != s.c_str() + p, "not a number at " << p << " in: " << s);
        p = static_cast<std::size_t>(end - s.c_str());
        while (p < s.size() && (s[p] == ',' || s[p] == ' ')) ++p;
    }
    return v;
}

std::vector<double> reference(const std::string& expr, const std::vector<double>& xs, bool deriv) {
    codegen::Function fn(expr);
    codegen::Expr r[] = {deriv ? fn.derivative("x") : fn.f()};
    return codegen::evaluate<double>(r, xs, {})[0];
}

bool near(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::fmax(1, std::fabs(b)); }

}  // namespace

TEST_CASE("disk cache: two processes write the same key at once, repeatedly") {
    const fs::path dir = scratch("cache-race");
    const std::vector<double> xs = {-3, -0.5, 0, 0.25, 2, 7};
    const std::string at = "-3,-0.5,0,0.25,2,7";
    std::mt19937_64 rng(std::random_device{}());
    for (int round = 0; round < 6; ++round) {
        // a new key each round, so both processes miss and compile and write it together
        std::string expr = fmt::format("x*tanh(softplus(x)) + {}*x^2", rng() % 1000000 + 1);
        CAPTURE(expr);
        const fs::path o1 = dir.string() + ".out1", o2 = dir.string() + ".out2";
        pid_t a = start_eval(dir, expr, at, o1), b = start_eval(dir, expr, at, o2);
        int sa = 0, sb = 0;
        REQUIRE(waitpid(a, &sa, 0) == a);
        REQUIRE(waitpid(b, &sb, 0) == b);
        CHECK((WIFEXITED(sa) && WEXITSTATUS(sa) == 0));
        CHECK((WIFEXITED(sb) && WEXITSTATUS(sb) == 0));
        auto f = reference(expr, xs, false), d = reference(expr, xs, true);
        for (const auto& out : {o1, o2}) {
            auto got = json_array(out, "f"), gd = json_array(out, "df_dx");
            REQUIRE(got.size() == xs.size());
            REQUIRE(gd.size() == xs.size());
            for (std::size_t i = 0; i < xs.size(); ++i) {
                CHECK_MESSAGE(near(got[i], f[i]), "f at " << xs[i] << ": " << got[i] << " vs " << f[i]);
                CHECK_MESSAGE(near(gd[i], d[i]), "f' at " << xs[i] << ": " << gd[i] << " vs " << d[i]);
            }
        }
        // afterwards: one valid entry (no temporary left behind), read back as a disk hit
        int entries = 0, others = 0;
        for (const auto& e : fs::directory_iterator(dir)) {
            if (e.path().extension() == ".symjit") ++entries;
            else ++others;
        }
        CHECK(entries == round + 1);
        CHECK(others == 0);
        // a third process reads it: still correct
        pid_t c = start_eval(dir, expr, at, o1);
        int sc = 0;
        REQUIRE(waitpid(c, &sc, 0) == c);
        CHECK((WIFEXITED(sc) && WEXITSTATUS(sc) == 0));
        auto got = json_array(o1, "f");
        for (std::size_t i = 0; i < xs.size(); ++i) CHECK(near(got[i], f[i]));
        // and this process finds it valid: a disk hit, no rejected entry
        jit::Options opt;
        opt.dtype = jit::DType::f64;
        opt.cache_dir = dir.string();
        auto before = jit::stats();
        auto k = jit::compile(expr, opt);
        CHECK(k.origin() == jit::Origin::disk);
        CHECK(jit::stats().disk_rejects == before.disk_rejects);
        std::vector<double> y(xs.size());
        k.forward(std::span<const double>(xs), y);
        for (std::size_t i = 0; i < xs.size(); ++i) CHECK(near(y[i], f[i]));
        fs::remove(o1), fs::remove(o2);
    }
    fs::remove_all(dir);
}

TEST_CASE("disk cache: a folder that cannot be written is bypassed, results stay correct") {
    // The cache folder's parent is a regular file (no one, root included, can create it);
    // and, when not running as root, a folder without write permission.
    const fs::path file = scratch("cache-file");
    { std::ofstream(file) << "not a folder"; }
    std::vector<fs::path> dirs = {file / "cache"};
    const fs::path ro = scratch("cache-ro");
    if (::geteuid() != 0) {
        fs::create_directories(ro);
        fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
        dirs.push_back(ro);
    }
    std::mt19937_64 rng(std::random_device{}());
    for (const auto& d : dirs) {
        CAPTURE(d);
        jit::Options o;
        o.dtype = jit::DType::f64;
        o.cache_dir = d.string();
        std::string expr = fmt::format("x*sigmoid(x) + {}*x", rng() % 1000000 + 1);
        auto before = jit::stats();
        jit::Kernel k;
        CHECK_NOTHROW(k = jit::compile(expr, o));
        CHECK(k.origin() == jit::Origin::compiled);
        CHECK(jit::stats().disk_writes == before.disk_writes);  // nothing written, nothing thrown
        const std::vector<double> xs = {-2, 0, 1.5};
        auto f = reference(expr, xs, false);
        std::vector<double> y(xs.size());
        k.forward(std::span<const double>(xs), y);
        for (std::size_t i = 0; i < xs.size(); ++i) CHECK(near(y[i], f[i]));
        jit::clear_memory_cache();  // compiled again, not read from anywhere
        auto k2 = jit::compile(expr, o);
        CHECK(k2.origin() == jit::Origin::compiled);
        k2.forward(std::span<const double>(xs), y);
        for (std::size_t i = 0; i < xs.size(); ++i) CHECK(near(y[i], f[i]));
    }
    // and the CLI: the same, exit 0 and correct numbers
    const fs::path out = file.string() + ".out";
    pid_t p = start_eval(file / "cache", "x*tanh(x)", "-1,0.5", out);
    int st = 0;
    REQUIRE(waitpid(p, &st, 0) == p);
    CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 0));
    auto got = json_array(out, "f");
    auto f = reference("x*tanh(x)", {-1, 0.5}, false);
    REQUIRE(got.size() == 2);
    CHECK(near(got[0], f[0]));
    CHECK(near(got[1], f[1]));
    fs::remove(out), fs::remove(file);
    if (fs::exists(ro)) fs::permissions(ro, fs::perms::owner_all), fs::remove_all(ro);
}
