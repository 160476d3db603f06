// The generated header, piece by piece. Every numeric statement comes from lower() with
// the source backend (source_value.hpp); this file only lays out functions and loops.
// (The backend's primitives are found by argument-dependent lookup: ops.hpp, lower.hpp and
// math/ call them unqualified.)
#include "symact/codegen/emit/header.hpp"
#include "symact/codegen/emit/source_value.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "symact/codegen/lower.hpp"
#include "symact/codegen/print.hpp"
#include "symact/error.hpp"

namespace symact::codegen::emit {

namespace {

// C99/C11/C23 and C++20 keywords, and the alternative tokens: a kernel name must be none
// of them in either language, since a C header may be included from C++.
constexpr std::array keywords = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
    "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
    "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
    "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
    "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
    "reinterpret_cast", "requires", "restrict", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
    "throw", "true", "try", "typedef", "typeid", "typename", "typeof", "typeof_unqual", "union",
    "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
    "_Noreturn", "_Static_assert", "_Thread_local", "_BitInt", "_Decimal32", "_Decimal64",
    "_Decimal128"};

bool is_identifier(std::string_view s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

// Whether identifier `id` occurs in `text` as a whole word.
bool mentions(std::string_view text, std::string_view id) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (std::size_t p = text.find(id); p != std::string_view::npos; p = text.find(id, p + 1)) {
        bool left = p == 0 || !word(text[p - 1]);
        bool right = p + id.size() == text.size() || !word(text[p + id.size()]);
        if (left && right) return true;
    }
    return false;
}

// Expression text in a // comment: one line, no characters that could end the comment.
std::string comment_safe(std::string s) {
    for (char& c : s)
        if (!std::isprint(static_cast<unsigned char>(c)) || c == '\\' || c == '?') c = ' ';
    return s;
}

struct Dtype {
    bool f32;
    const char* suffix;  // f32 / f64
    const char* type;    // float / double
    unsigned block;
};

// What one generation needs to know, shared by the pieces below.
struct Gen {
    Function& fn;
    const HeaderOptions& o;
    bool cpp;
    std::string pfx;      // C: the prefix of every name ("ns_name_"); C++: empty
    std::string hpfx;     // how kernel code reaches the helpers ("detail::" or the C prefix)
    std::string inl;      // the force-inline macro's name
    std::string size;     // std::size_t / size_t
    std::vector<std::string> pnames;
    std::string out;
    bool noise = false;   // the expression draws random numbers: kernels take seed, offset

    // A name of the API: C "ns_name_forward_f32", C++ "forward" (overloaded).
    std::string api(std::string_view what, const Dtype& d) const {
        return cpp ? std::string(what) : fmt::format("{}{}_{}", pfx, what, d.suffix);
    }
    std::string memcpy_() const { return cpp ? "std::memcpy" : "memcpy"; }
    std::string decl() const { return cpp ? "inline" : "static inline"; }
    std::string cast(const std::string& type, const std::string& e) const {
        return cpp ? fmt::format("static_cast<{}>({})", type, e) : fmt::format("({})({})", type, e);
    }
    std::string u64() const { return utype_name(o.lang, false); }
};

template <class S> struct Leaves {
    const std::vector<std::string>& names;   // Function::params()
    const std::vector<std::string>& idents;  // their names in the code being emitted
    Val<S> x() { return {"x", {}}; }
    Val<S> param(std::string_view n) {
        auto i = std::find(names.begin(), names.end(), n) - names.begin();
        return {idents.at(static_cast<std::size_t>(i)), {}};
    }
    Val<S> constant(const Number& c) { return Val<S>::splat(c.as<S>()); }
    // The noise ops' counter and key words (lower.hpp), declared by the code around the
    // body (seed_words, index_words): the element's index and the seed, low and high 32 bits.
    std::pair<UInt<S>, UInt<S>> noise_index() { return {{"i0", {}}, {"i1", {}}}; }
    std::pair<UInt<S>, UInt<S>> noise_seed() { return {{"k0", {}}, {"k1", {}}}; }
};

struct Lowered {
    std::string stmts;
    std::vector<std::string> outs;  // an expression per root (a temporary or a literal)
};

template <class S>
Lowered lower_roots(const Gen& g, std::span<const Expr> roots, const std::vector<std::string>& idents,
                    const std::string& indent) {
    Body b;
    b.lang = g.o.lang;
    b.prefix = g.hpfx;
    Scope scope(b);
    Leaves<S> leaves{g.pnames, idents};
    auto vals = lower<Val<S>>(roots, leaves);
    Lowered r;
    for (auto& v : vals) r.outs.push_back(v.e);
    r.stmts = b.render(r.outs, indent);
    return r;
}

Lowered lower_for(const Gen& g, const Dtype& d, std::span<const Expr> roots,
                  const std::vector<std::string>& idents, const std::string& indent) {
    return d.f32 ? lower_roots<float>(g, roots, idents, indent) : lower_roots<double>(g, roots, idents, indent);
}

void preamble(Gen& g, const std::string& guard) {
    auto& o = g.o;
    auto& fn = g.fn;
    std::string& w = g.out;
    std::string given = comment_safe(fn.text()), canon = comment_safe(to_string(fn.f()));
    w += fmt::format("// {}: an activation kernel generated by symact {} (`symact gen`). Do not edit: regenerate.\n//\n",
                     o.name, o.version);
    w += fmt::format("//   f(x) = {}\n", given);
    if (canon != given) w += fmt::format("//        = {}   (as symact understood it)\n", canon);
    w += fmt::format("//   df/dx = {}\n", comment_safe(to_string(fn.derivative("x"))));
    for (const auto& p : g.pnames)
        w += fmt::format("//   df/d{} = {}\n", p, comment_safe(to_string(fn.derivative(p))));
    w += "//\n";
    if (!g.pnames.empty()) w += fmt::format("// Parameters, in this order: {}.\n", fmt::join(g.pnames, ", "));
    std::vector<std::string> dts;
    if (o.f32) dts.push_back("float32");
    if (o.f64) dts.push_back("float64");
    w += fmt::format("// Element types: {}. {}, no dependency beyond the standard library.\n",
                     fmt::join(dts, ", "), g.cpp ? "C++17" : "C99 (link with -lm)");
    w += "// Accuracy: the elementary functions are branch-free polynomials within 2 ULP (float32:\n"
         "// exp, expm1, log, log1p, tanh, sigmoid, softplus, erf, erfc) or 4 ULP (the rest, and all\n"
         "// of float64) of the correctly rounded result; composing them adds the expression's own\n"
         "// roundings. The numbers are those of symact's JIT and compile-time kernels: identical\n"
         "// unless the compiler contracts a*b + c into an fma (g++ does by default in C++ and GNU C;\n"
         "// an ULP or so apart then, more where a sum cancels): -ffp-contract=off keeps them identical.\n";
    w += "// Speed: the array loops vectorise at -O2 with the target's vector unit enabled\n"
         "// (-march=native, or at least -mavx2 -mfma: fma is a library call without hardware FMA).\n//\n";
    w += "// API (T = float or double; dparams[k] += sum(dy * df/dparam_k), so zero it first):\n";
    const std::string NZ = g.noise ? ", seed, offset" : "";
    std::string P = (g.pnames.empty() ? "" : ", params") + NZ;
    std::string PS = (g.pnames.empty() ? "" : ", params...") + std::string(g.noise ? ", seed, index" : "");
    std::string PD = (g.pnames.empty() ? "" : ", params, dparams") + NZ;
    auto n = [&](const char* what) { return g.cpp ? std::string(what) : fmt::format("{}{}_f32", g.pfx, what); };
    std::string where = g.cpp ? (o.ns.empty() ? o.name + "::" : o.ns + "::" + o.name + "::") : "";
    w += fmt::format("//   T {}{}(T x{})          f(x); also {}{}(x{}) = df/dx", where, n("f"), PS, where, n("df"), PS);
    for (const auto& p : g.pnames) w += fmt::format(", {}{}(x{})", where, n(("df_d" + p).c_str()), PS);
    w += "\n";
    w += fmt::format("//   {}{}(x, y, n{})                    y = f(x) (y may be x)\n", where, n("forward"), P);
    w += fmt::format("//   {}{}(x, dy, dx, n{})              dx = f'(x)*dy (dx may be dy)\n", where,
                     n("backward"), PD);
    w += fmt::format("//   {}{}(x, dy, y, dx, n{})   both, one pass\n", where, n("forward_backward"), PD);
    if (!g.pnames.empty())
        w += fmt::format("//   ..._channels(..., size, channels, inner, params, dparams{}): per-channel parameters,\n"
                         "//   data laid out (N, channels, inner); params[k*channels + c] (and dparams likewise).\n", NZ);
    if (g.noise)
        w += "// Noise: f draws random numbers (uniform, normal), Threefry-2x32-20 of an element's index\n"
             "// under the call's 64-bit seed, as symact's JIT and reference evaluator draw them. Array\n"
             "// kernels take (seed, offset) last: x[i] is element offset + i (per channel: offset + its\n"
             "// flat index in the (N, channels, inner) array); indices must stay below 2^48. A chunk of a\n"
             "// larger array passes its first element's index; a backward given the forward's seed and\n"
             "// offset redraws the forward's numbers. f, df, df_d* take (seed, index) last.\n";
    if (!g.cpp) w += "//   (C: every name has the suffix _f32 or _f64)\n";
    w += fmt::format("#ifndef {0}\n#define {0}\n\n", guard);
    if (g.cpp)
        w += "#include <cmath>\n#include <cstddef>\n#include <cstdint>\n#include <cstring>\n#include <limits>\n\n";
    else
        w += "#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n\n";
    // Force-inline: a block must be one straight-line loop body for the vectoriser.
    w += fmt::format("#if defined(__GNUC__) || defined(__clang__)\n#define {0} {1} __attribute__((always_inline))\n"
                     "#else\n#define {0} {1}\n#endif\n\n", g.inl, g.decl());
}

// Bit casts (memcpy: C++17 has no std::bit_cast, and it is well defined in C too).
void bit_helpers(Gen& g, const Dtype& d) {
    std::string& w = g.out;
    std::string U = utype_name(g.o.lang, d.f32);
    std::string name = g.cpp ? "" : g.pfx;
    w += fmt::format("{0} {1} {2}bits_{3}({4} v) {{ {1} u; {5}(&u, &v, sizeof u); return u; }}\n", g.inl, U,
                     name, d.suffix, d.type, g.memcpy_());
    w += fmt::format("{0} {1} {2}from_bits_{3}({4} u) {{ {1} v; {5}(&v, &u, sizeof v); return v; }}\n", g.inl,
                     d.type, name, d.suffix, U, g.memcpy_());
}

// sqrt, exact (correctly rounded, as IEEE sqrt) and call-free in the loops without flags.
// std::sqrt keeps an errno path (a call) unless -fno-math-errno, and that call stops
// vectorisation. clang: __builtin_elementwise_sqrt, which has no errno. g++ has no
// errno-free sqrt (__builtin_sqrt and optimize("no-math-errno") keep the call), so there,
// unless -fno-math-errno is on (__NO_MATH_ERRNO__), the root is computed in arithmetic:
//   v = m * 4^k with m in [1, 4) (subnormals scaled by 2^32 / 2^64 first), from the bits;
//   r ~ 1/sqrt(m): bit-trick seed (3.4e-2), Newton steps (2 float: 5e-6, 3 double: 3e-11);
//   y = m*r, then y += (m - y*y)*r/2 (fma): within 0.5 ulp (+ a tiny fraction of one) of
//   sqrt(m) in [1, 2];
//   rounding decided exactly between y's neighbours w < y < z: sqrt(m) > (y+z)/2 iff
//   m - y*z > (z-y)^2/4, and m - y*z is a multiple of ulp(y)*ulp(z) > (z-y)^2/4, so its
//   sign, which fma(-y, z, m) gets right, decides (likewise fma(-w, y, m) downwards);
//   the exponent k added back to the bits; 0, -0, +inf, NaN pass through, v < 0 gives NaN.
// Bit for bit std::sqrt on every float and on 1.3e9 random and chosen doubles (checked
// once, when written); the test codegen_sqrt_exact re-checks a large subset. Other
// compilers, and g++ with -fno-math-errno, use std::sqrt.
void sqrt_helper(Gen& g, const Dtype& d) {
    const Lang l = g.o.lang;
    const std::string T = d.type, U = utype_name(l, d.f32), name = g.cpp ? "" : g.pfx, sfx = d.suffix;
    const std::string fma = libm(l, "fma", d.f32), bits = name + "bits_" + sfx, from = name + "from_bits_" + sfx;
    auto lit = [&](double v) { return float_literal(l, v, d.f32); };
    auto ulit = [&](std::uint64_t v) { return uint_literal(v, d.f32); };
    auto to_u = [&](const std::string& cond) {  // 1 or 0
        return g.cpp ? fmt::format("static_cast<{}>({})", U, cond) : fmt::format("({})({})", U, cond);
    };
    auto mask = [&](const std::string& cond) { return "0u - " + to_u(cond); };  // all ones if cond: no branch
    const unsigned mbits = d.f32 ? 23 : 52, bias = d.f32 ? 127 : 1023, iters = d.f32 ? 2 : 3;
    const unsigned scale = d.f32 ? 32 : 64;  // subnormals are scaled by 2^scale
    const double min_normal = d.f32 ? 0x1p-126 : 0x1p-1022;
    const std::uint64_t mant = (std::uint64_t(1) << mbits) - 1, magic = d.f32 ? 0x5f3759df : 0x5fe6eb50c7b537a9;
    std::string& w = g.out;
    w += fmt::format("{} {} {}sqrt_{}({} v) {{\n", g.inl, T, name, sfx, T);
    w += "#if defined(__clang__) && defined(__has_builtin)\n#if __has_builtin(__builtin_elementwise_sqrt)\n"
         "#define SYMACT_GEN_SQRT_BUILTIN_\n#endif\n#endif\n";
    w += "#if defined(SYMACT_GEN_SQRT_BUILTIN_)\n#undef SYMACT_GEN_SQRT_BUILTIN_\n";
    w += "    return __builtin_elementwise_sqrt(v);\n";
    w += "#elif defined(__GNUC__) && !defined(__NO_MATH_ERRNO__)\n";
    w += fmt::format("    const {} sub = {};\n", U, mask(fmt::format("v < {}", lit(min_normal))));
    w += fmt::format("    const {0} u = ({1}(v * {2}) & sub) | ({1}(v) & ~sub);\n", U, bits, lit(std::ldexp(1.0, scale)));
    w += fmt::format("    const {0} e = u >> {1}, odd = (e & 1u) ^ 1u;\n", U, mbits);
    w += fmt::format("    const {} m = {}((u & {}) | (({} + odd) << {}));\n", T, from, ulit(mant), ulit(bias), mbits);
    w += fmt::format("    const {} hm = {} * m;\n", T, lit(0.5));
    w += fmt::format("    {} r = {}({} - ({}(m) >> 1));\n", T, from, ulit(magic), bits);
    for (unsigned i = 0; i < iters; ++i) w += fmt::format("    r = r * ({} - hm * r * r);\n", lit(1.5));
    w += fmt::format("    {} y = m * r;\n", T);
    w += fmt::format("    y = {0}({0}(-y, y, m), {1} * r, y);\n", fma, lit(0.5));
    w += fmt::format("    const {0} z = {1}({2}(y) + 1u), w = {1}({2}(y) - 1u);\n", T, from, bits);
    w += fmt::format("    const {} up = {};\n", U, mask(fmt::format("{}(-y, z, m) > {}", fma, lit(0.0))));
    w += fmt::format("    const {} dn = {};\n", U, mask(fmt::format("{}(-w, y, m) <= {}", fma, lit(0.0))));
    w += fmt::format("    const {0} yb = ({1}(z) & up) | ((({1}(w) & dn) | ({1}(y) & ~dn)) & ~up);\n", U, bits);
    w += fmt::format("    const {0} res = yb + ((((e + {1} - odd) >> 1) - {1} - (sub & {2})) << {3});\n", U,
                     ulit(bias), ulit(scale / 2), mbits);
    // & of 0/1 values, not &&: a short circuit is a branch, which stops the vectoriser
    w += fmt::format("    const {} fin = 0u - ({} & {});\n", U, to_u(fmt::format("v > {}", lit(0.0))),
                     to_u(fmt::format("v < {}", lit(INFINITY))));
    w += fmt::format("    const {} neg = {};\n", U, mask(fmt::format("v < {}", lit(0.0))));
    w += fmt::format("    const {0} special = ({1}({2}) & neg) | ({1}(v) & ~neg);\n", U, bits, lit(NAN));
    w += fmt::format("    return {}((res & fin) | (special & ~fin));\n", from);
    w += fmt::format("#else\n    return {}(v);\n#endif\n}}\n", libm(l, "sqrt", d.f32));
}

std::string param_ident(const std::string& p) { return "p_" + p; }

// The words the noise ops read (Leaves::noise_index, noise_seed): k0, k1 = the seed's low
// and high 32 bits. A double kernel's unsigned values are 64-bit, its words kept in the
// low 32 bits (math/random.hpp, Wide).
std::string seed_words(const Gen& g, const Dtype& d, const std::string& indent) {
    const std::string U = utype_name(g.o.lang, d.f32);
    if (d.f32) return fmt::format("{}const {} k0 = {}, k1 = {};\n", indent, U, g.cast(U, "seed"), g.cast(U, "seed >> 32"));
    return fmt::format("{}const {} k0 = seed & {}, k1 = seed >> 32;\n", indent, U, uint_literal(0xffffffffu, false));
}
// i0, i1 = the low and high 32 bits of the element's index `e` (a 64-bit variable).
std::string index_words(const Gen& g, const Dtype& d, const std::string& e, const std::string& indent) {
    const std::string U = utype_name(g.o.lang, d.f32);
    if (d.f32) return fmt::format("{}const {} i0 = {}, i1 = {};\n", indent, U, g.cast(U, e), g.cast(U, e + " >> 32"));
    return fmt::format("{}const {} i0 = {} & {}, i1 = {} >> 32;\n", indent, U, e, uint_literal(0xffffffffu, false), e);
}
// Whether lowered code reads the seed (k0, k1) or the element's index (i0, i1).
bool reads_seed(std::string_view code) { return mentions(code, "k0") || mentions(code, "k1"); }
bool reads_index(std::string_view code) { return mentions(code, "i0") || mentions(code, "i1"); }

void scalar_functions(Gen& g, const Dtype& d) {
    std::vector<std::string> ids;
    for (const auto& p : g.pnames) ids.push_back(param_ident(p));
    std::string sig = fmt::format("{} x", d.type);
    for (const auto& id : ids) sig += fmt::format(", {} {}", d.type, id);
    if (g.noise) sig += fmt::format(", {0} seed, {0} index", g.u64());
    auto one = [&](const std::string& what, Expr root, const std::string& doc) {
        Expr roots[] = {root};
        Lowered l = lower_for(g, d, roots, ids, "    ");
        g.out += fmt::format("// {}\n{} {} {}({}) {{\n", doc, g.inl, d.type, g.api(what, d), sig);
        std::string used = l.stmts + " " + l.outs[0];
        if (!mentions(used, "x")) g.out += "    (void)x;\n";
        for (const auto& id : ids)
            if (!mentions(used, id)) g.out += fmt::format("    (void){};\n", id);
        if (g.noise) {
            g.out += reads_seed(used) ? seed_words(g, d, "    ") : "    (void)seed;\n";
            g.out += reads_index(used) ? index_words(g, d, "index", "    ") : "    (void)index;\n";
        }
        g.out += l.stmts;
        g.out += fmt::format("    return {};\n}}\n", l.outs[0]);
    };
    one("f", g.fn.f(), "f(x)");
    one("df", g.fn.derivative("x"), "df/dx");
    for (const auto& p : g.pnames) one("df_d" + p, g.fn.derivative(p), "df/d" + p);
}

enum class Mode { forward, backward, fused };

// One block of B elements: inputs read in place, outputs through local arrays (so the
// loop needs no aliasing checks and in-place calls are safe). Always B elements, so every
// use of the block has the constant trip count the vectoriser wants.
void block_function(Gen& g, const Dtype& d, Mode m) {
    const bool has_f = m != Mode::backward, has_d = m != Mode::forward;
    const std::size_t P = g.pnames.size();
    std::vector<Expr> roots;
    if (has_f) roots.push_back(g.fn.f());
    if (has_d) {
        roots.push_back(g.fn.derivative("x"));
        for (const auto& p : g.pnames) roots.push_back(g.fn.derivative(p));
    }
    std::vector<std::string> ids;
    for (std::size_t k = 0; k < P; ++k) ids.push_back(fmt::format("p{}", k));
    Lowered l = lower_for(g, d, roots, ids, "        ");
    const char* mname[] = {"forward", "backward", "fused"};
    const std::string T = d.type, sz = g.size;
    std::string args = fmt::format("const {} *xs", T);
    if (has_d) args += fmt::format(", const {} *dys", T);
    if (has_f) args += fmt::format(", {} *ys", T);
    if (has_d) args += fmt::format(", {} *dxs", T);
    if (P) args += fmt::format(", const {} *ps", T);
    if (P && has_d) args += ", double *acc";
    if (g.noise) args += fmt::format(", {0} seed, {0} first", g.u64());  // first: xs[0]'s index
    std::string used = l.stmts;
    for (auto& o : l.outs) used += " " + o;
    const bool seed = g.noise && reads_seed(used), index = g.noise && reads_index(used);
    const std::string U = utype_name(g.o.lang, d.f32);
    std::string& w = g.out;
    w += fmt::format("{} void {}block_{}_{}({}) {{\n", g.inl, g.cpp ? "" : g.pfx, mname[int(m)], d.suffix, args);
    for (std::size_t k = 0; k < P; ++k) w += fmt::format("    const {} p{} = ps[{}];\n", T, k, k);
    if (g.noise) {
        w += seed ? seed_words(g, d, "    ") : "    (void)seed;\n";
        if (!index) w += "    (void)first;\n";
        else if (d.f32)  // 32-bit lanes throughout: the index's words, with a carry below
            w += fmt::format("    const {} b0 = {}, b1 = {};\n", U, g.cast(U, "first"), g.cast(U, "first >> 32"));
    }
    if (has_f) w += fmt::format("    {} yb[{}];\n", T, d.block);
    if (has_d) w += fmt::format("    {} dxb[{}];\n", T, d.block);
    w += fmt::format("    for ({} j = 0; j < {}; ++j) {{\n", sz, d.block);
    w += fmt::format("        const {} x = xs[j];\n", T);
    if (has_d) w += fmt::format("        const {} dy = dys[j];\n", T);
    if (index && d.f32) {
        w += fmt::format("        const {} i0 = b0 + {};\n", U, g.cast(U, "j"));
        w += fmt::format("        const {} i1 = b1 + {};  // carry: the block crosses a multiple of 2^32\n", U,
                         g.cast(U, "i0 < b0"));
    } else if (index) {
        w += fmt::format("        const {} ix = first + j;\n", g.u64());
        w += index_words(g, d, "ix", "        ");
    }
    if (!mentions(used, "x")) w += "        (void)x;\n";
    w += l.stmts;
    std::size_t r = 0;
    if (has_f) w += fmt::format("        yb[j] = {};\n", l.outs[r++]);
    if (has_d) {
        w += fmt::format("        dxb[j] = {} * dy;\n", l.outs[r++]);
        for (std::size_t k = 0; k < P; ++k)
            w += fmt::format("        acc[{} + j] += (double)({} * dy);\n", k * d.block, l.outs[r++]);
    }
    w += "    }\n";
    for (std::size_t k = 0; k < P; ++k)
        if (!mentions(used, ids[k])) w += fmt::format("    (void)p{};\n", k);
    if (has_f) w += fmt::format("    {}(ys, yb, sizeof yb);\n", g.memcpy_());
    if (has_d) w += fmt::format("    {}(dxs, dxb, sizeof dxb);\n", g.memcpy_());
    w += "}\n";
}

// The array kernel: full blocks, then the tail as one more block on zero-padded copies
// (its outputs and the gradient terms of its first n - i lanes kept, as the JIT's masked
// tail), then the ordered sum of the gradient lanes (the JIT's order with B lanes).
void array_function(Gen& g, const Dtype& d, Mode m) {
    const bool has_f = m != Mode::backward, has_d = m != Mode::forward;
    const std::size_t P = g.pnames.size();
    const char* mname[] = {"forward", "backward", "fused"};
    const char* api[] = {"forward", "backward", "forward_backward"};
    const std::string T = d.type, sz = g.size;
    const unsigned B = d.block;
    std::string args = fmt::format("const {} *x", T);
    if (has_d) args += fmt::format(", const {} *dy", T);
    if (has_f) args += fmt::format(", {} *y", T);
    if (has_d) args += fmt::format(", {} *dx", T);
    args += fmt::format(", {} n", sz);
    if (P) args += fmt::format(", const {} *params", T);
    if (P && has_d) args += ", double *dparams";
    if (g.noise) args += fmt::format(", {0} seed, {0} offset", g.u64());  // x[i] is element offset + i
    std::string& w = g.out;
    std::string block = fmt::format("{}block_{}_{}", g.hpfx, mname[int(m)], d.suffix);
    auto call = [&](const std::string& xs, const std::string& dys, const std::string& ys,
                    const std::string& dxs, const std::string& acc) {
        std::string a = xs;
        if (has_d) a += ", " + dys;
        if (has_f) a += ", " + ys;
        if (has_d) a += ", " + dxs;
        if (P) a += ", params";
        if (P && has_d) a += ", " + acc;
        if (g.noise) a += ", seed, offset + i";  // the tail's padded lanes draw past the end, dropped
        return fmt::format("{}({})", block, a);
    };
    w += fmt::format("{} void {}({}) {{\n", g.decl(), g.api(api[int(m)], d), args);
    if (P && has_d) w += fmt::format("    double acc[{}] = {{0}};\n", P * B);
    w += fmt::format("    {} i = 0;\n", sz);
    w += fmt::format("    for (; i + {} <= n; i += {}) {};\n", B, B, call("x + i", "dy + i", "y + i", "dx + i", "acc"));
    w += "    if (i < n) {\n";
    w += fmt::format("        const {} r = n - i;\n", sz);
    w += fmt::format("        {} xt[{}] = {{0}};\n", T, B);
    if (has_d) w += fmt::format("        {} dyt[{}] = {{0}};\n", T, B);
    if (has_f) w += fmt::format("        {} yt[{}];\n", T, B);
    if (has_d) w += fmt::format("        {} dxt[{}];\n", T, B);
    if (P && has_d) w += fmt::format("        double acct[{}] = {{0}};\n", P * B);
    w += fmt::format("        {}(xt, x + i, r * sizeof(*x));\n", g.memcpy_());
    if (has_d) w += fmt::format("        {}(dyt, dy + i, r * sizeof(*dy));\n", g.memcpy_());
    w += fmt::format("        {};\n", call("xt", "dyt", "yt", "dxt", "acct"));
    if (has_f) w += fmt::format("        {}(y + i, yt, r * sizeof(*y));\n", g.memcpy_());
    if (has_d) w += fmt::format("        {}(dx + i, dxt, r * sizeof(*dx));\n", g.memcpy_());
    if (P && has_d) {
        w += fmt::format("        for ({} k = 0; k < {}; ++k) {{\n", sz, P);
        w += fmt::format("            {} j;\n            for (j = 0; j < r; ++j) acc[k * {} + j] += acct[k * {} + j];\n        }}\n", sz, B, B);
    }
    w += "    }\n";
    if (P && has_d) {
        w += fmt::format("    for ({} k = 0; k < {}; ++k) {{\n        double s = 0.0;\n", sz, P);
        w += fmt::format("        for ({} j = 0; j < {}; ++j) s += acc[k * {} + j];\n", sz, B, B);
        w += "        dparams[k] += s;\n    }\n";
    }
    w += "}\n";
}

// Per-channel parameters: one call of the array kernel per (N, channel) slice.
void channel_function(Gen& g, const Dtype& d, Mode m) {
    const bool has_f = m != Mode::backward, has_d = m != Mode::forward;
    const std::size_t P = g.pnames.size();
    const char* api[] = {"forward", "backward", "forward_backward"};
    const std::string T = d.type, sz = g.size;
    std::string args = fmt::format("const {} *x", T);
    if (has_d) args += fmt::format(", const {} *dy", T);
    if (has_f) args += fmt::format(", {} *y", T);
    if (has_d) args += fmt::format(", {} *dx", T);
    args += fmt::format(", {0} size, {0} channels, {0} inner, const {1} *params", sz, T);
    if (has_d) args += ", double *dparams";
    if (g.noise) args += fmt::format(", {0} seed, {0} offset", g.u64());
    std::string call = "x + off";
    if (has_d) call += ", dy + off";
    if (has_f) call += ", y + off";
    if (has_d) call += ", dx + off";
    call += ", inner, p";
    if (has_d) call += ", g";
    if (g.noise) call += ", seed, offset + off";  // an element's index is its flat index + offset
    std::string& w = g.out;
    w += fmt::format("{} void {}({}) {{\n", g.decl(), g.api(std::string(api[int(m)]) + "_channels", d), args);
    w += fmt::format("    {} p[{}];\n", T, P);
    if (has_d) w += fmt::format("    double g[{}];\n", P);
    w += fmt::format("    {} b, c, k, N;\n", sz);
    w += "    if (channels == 0) return;\n    if (inner == 0) inner = size / channels;\n    if (inner == 0) return;\n";
    w += "    N = size / (channels * inner);\n";
    w += "    for (b = 0; b < N; ++b)\n        for (c = 0; c < channels; ++c) {\n";
    w += fmt::format("            const {} off = (b * channels + c) * inner;\n", sz);
    w += fmt::format("            for (k = 0; k < {}; ++k) {{\n                p[k] = params[k * channels + c];\n", P);
    if (has_d) w += "                g[k] = 0.0;\n";
    w += "            }\n";
    w += fmt::format("            {}({});\n", g.api(api[int(m)], d), call);
    if (has_d) w += fmt::format("            for (k = 0; k < {}; ++k) dparams[k * channels + c] += g[k];\n", P);
    w += "        }\n}\n";
}

}  // namespace

void check_identifier(std::string_view id, std::string_view what) {
    if (!is_identifier(id))
        throw error(fmt::format("{} '{}' is not a C/C++ identifier (letters, digits and _, not starting "
                                "with a digit)", what, id));
    if (std::find(keywords.begin(), keywords.end(), id) != keywords.end())
        throw error(fmt::format("{} '{}' is a C/C++ keyword; choose another name", what, id));
    if (id.starts_with("__") || (id.size() > 1 && id[0] == '_' && std::isupper(static_cast<unsigned char>(id[1]))))
        throw error(fmt::format("{} '{}' is reserved for the implementation (leading __ or _ and a "
                                "capital)", what, id));
}

void parse_dtypes(std::string_view list, HeaderOptions& o) {
    o.f32 = o.f64 = false;
    std::size_t start = 0;
    while (true) {
        std::size_t end = list.find(',', start);
        std::string_view t = list.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (t == "f32" || t == "float32" || t == "float") o.f32 = true;
        else if (t == "f64" || t == "float64" || t == "double") o.f64 = true;
        else throw error(fmt::format("unknown dtype '{}' in --dtype={} (available: f32, f64)", t, list));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
}

Lang parse_lang(std::string_view s) {
    if (s == "cpp" || s == "c++" || s == "cxx") return Lang::cpp;
    if (s == "c") return Lang::c;
    throw error(fmt::format("unknown --lang={} (available: cpp, c)", s));
}

std::string generate_header(Function& fn, const HeaderOptions& o) {
    check_identifier(o.name, "--name");
    std::vector<std::string> ns_parts;
    if (!o.ns.empty()) {
        std::string_view rest = o.ns;
        while (true) {
            auto p = rest.find("::");
            ns_parts.emplace_back(rest.substr(0, p));
            if (o.lang == Lang::c && p != std::string_view::npos)
                throw error(fmt::format("--namespace={}: C has no namespaces; give one identifier (a prefix)", o.ns));
            check_identifier(ns_parts.back(), "--namespace part");
            if (p == std::string_view::npos) break;
            rest = rest.substr(p + 2);
        }
    }
    if (!o.f32 && !o.f64) throw error("no dtype to generate (--dtype=f32,f64)");
    Gen g{fn, o, o.lang == Lang::cpp, "", "", "", "", fn.params(), ""};
    std::string flat = fmt::format("{}", fmt::join(ns_parts, "_"));
    flat = flat.empty() ? o.name : flat + "_" + o.name;
    g.pfx = g.cpp ? "" : flat + "_";
    g.hpfx = g.cpp ? "detail::" : g.pfx;
    g.size = g.cpp ? "std::size_t" : "size_t";
    g.noise = fn.has_noise();
    std::string upper;
    for (char c : flat) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    g.inl = "SYMACT_GEN_" + upper + "_INLINE";
    const std::string guard = fmt::format("SYMACT_GEN_{}_{}", upper, g.cpp ? "HPP" : "H");
    // Differentiate once up front so that errors (if any) come before any text.
    fn.derivative("x");
    for (const auto& p : g.pnames) fn.derivative(p);

    preamble(g, guard);
    std::vector<Dtype> dts;
    if (o.f32) dts.push_back({true, "f32", "float", block_f32});
    if (o.f64) dts.push_back({false, "f64", "double", block_f64});
    std::string& w = g.out;
    if (g.cpp) {
        w += o.ns.empty() ? fmt::format("namespace {} {{\n", o.name) : fmt::format("namespace {}::{} {{\n", o.ns, o.name);
        w += fmt::format("\ninline constexpr std::size_t num_params = {};\n", g.pnames.size());
        if (!g.pnames.empty()) {
            std::vector<std::string> q;
            for (const auto& p : g.pnames) q.push_back('"' + p + '"');
            w += fmt::format("inline constexpr const char* param_names[] = {{{}}};\n", fmt::join(q, ", "));
        }
        w += "\nnamespace detail {\n";
    } else {
        w += "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
        w += fmt::format("enum {{ {}num_params = {} }};\n", g.pfx, g.pnames.size());
    }
    // The kernels, then (before them) the bit-cast and sqrt helpers they call.
    std::string head = std::move(w);
    w.clear();
    for (const auto& d : dts)
        for (Mode m : {Mode::forward, Mode::backward, Mode::fused}) block_function(g, d, m);
    if (g.cpp) w += "}  // namespace detail\n";
    for (const auto& d : dts) {
        w += fmt::format("\n// ---- {} ----\n", d.type);
        scalar_functions(g, d);
        for (Mode m : {Mode::forward, Mode::backward, Mode::fused}) array_function(g, d, m);
        if (!g.pnames.empty())
            for (Mode m : {Mode::forward, Mode::backward, Mode::fused}) channel_function(g, d, m);
    }
    std::string kernels = std::move(w);
    w = std::move(head);
    for (const auto& d : dts) bit_helpers(g, d);
    // float32 pow computes in double (math/pow.hpp): an f32-only header needs the double casts
    const std::string p64 = g.cpp ? "" : g.pfx;
    if (!o.f64 && (mentions(kernels, p64 + "bits_f64") || mentions(kernels, p64 + "from_bits_f64")))
        bit_helpers(g, Dtype{false, "f64", "double", block_f64});
    for (const auto& d : dts)
        if (mentions(kernels, fmt::format("{}sqrt_{}", g.cpp ? "" : g.pfx, d.suffix))) sqrt_helper(g, d);
    w += kernels;
    if (g.cpp) w += o.ns.empty() ? fmt::format("\n}}  // namespace {}\n", o.name)
                                 : fmt::format("\n}}  // namespace {}::{}\n", o.ns, o.name);
    else w += "\n#ifdef __cplusplus\n}\n#endif\n";
    w += fmt::format("\n#undef {}\n#endif  // {}\n", g.inl, guard);
    return std::move(g.out);
}

}  // namespace symact::codegen::emit
