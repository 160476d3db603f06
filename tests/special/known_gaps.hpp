// THE ONE PLACE for special-value cases a path is known to fail, each with its reason.
// A listed case that fails is reported (MESSAGE), not counted as a failure; a listed case
// that passes is a warning saying it can be removed. Three groups:
//  1. (empty now) dsl_decay: the compile-time DSL lacked the exponential-decay rule of
//     codegen/decay.hpp; it has it since the DSL's decay flags per plan step landed.
//  2. (empty now) dsl_order: the DSL's gelu overflowed at +max; its erfc/sigmoid forms do not.
//  3. open: every path: the catalog's own formulas overflow or divide inf by inf
//     (softsign = x/(1 + |x|), squareplus = (x + sqrt(x*x + b))/2, and softplus's
//     df/dbeta = x*sigmoid(beta*x)/beta - softplus(beta*x)/beta^2 at +inf). The true limits
//     are in docs/SPECIAL.md; fixing them needs stable forms of these catalog entries. Open.
#pragma once
#include <string_view>

namespace special {

struct KnownGap {
    std::string_view path;    // "aot", "jit" or "gen"
    std::string_view entry;   // catalog name or op expression
    std::string_view row;     // "f", "f'", "df/dNAME"
    std::string_view column;  // "+inf", ...
    std::string_view dtype;   // "f32", "f64" or "" for both
    std::string_view reason;
};

inline constexpr std::string_view open_formula = "open: the catalog formula overflows or gives inf/inf";

inline constexpr KnownGap known_gaps[] = {
    // ---- 3. open, every path ----
    {"aot", "softplus", "df/dbeta", "+inf", "", open_formula},
    {"aot", "softsign", "f", "+inf", "", open_formula},
    {"aot", "softsign", "f", "-inf", "", open_formula},
    {"aot", "softsign", "f'", "+inf", "", open_formula},
    {"aot", "softsign", "f'", "+max", "", open_formula},
    {"aot", "softsign", "f'", "-inf", "", open_formula},
    {"aot", "softsign", "f'", "-max", "", open_formula},
    {"aot", "squareplus", "f", "+max", "", open_formula},
    {"aot", "squareplus", "f", "-inf", "", open_formula},
    {"aot", "squareplus", "f", "-max", "", open_formula},
    {"aot", "squareplus", "f'", "+inf", "", open_formula},
    {"aot", "squareplus", "f'", "+max", "", open_formula},
    {"aot", "squareplus", "f'", "-inf", "", open_formula},
    {"aot", "squareplus", "f'", "-max", "", open_formula},
    {"gen", "softplus", "df/dbeta", "+inf", "", open_formula},
    {"gen", "softsign", "f", "+inf", "", open_formula},
    {"gen", "softsign", "f", "-inf", "", open_formula},
    {"gen", "softsign", "f'", "+inf", "", open_formula},
    {"gen", "softsign", "f'", "+max", "", open_formula},
    {"gen", "softsign", "f'", "-inf", "", open_formula},
    {"gen", "softsign", "f'", "-max", "", open_formula},
    {"gen", "squareplus", "f", "+max", "", open_formula},
    {"gen", "squareplus", "f", "-inf", "", open_formula},
    {"gen", "squareplus", "f", "-max", "", open_formula},
    {"gen", "squareplus", "f'", "+inf", "", open_formula},
    {"gen", "squareplus", "f'", "+max", "", open_formula},
    {"gen", "squareplus", "f'", "-inf", "", open_formula},
    {"gen", "squareplus", "f'", "-max", "", open_formula},
    {"jit", "softplus", "df/dbeta", "+inf", "", open_formula},
    {"jit", "softsign", "f", "+inf", "", open_formula},
    {"jit", "softsign", "f", "-inf", "", open_formula},
    {"jit", "softsign", "f'", "+inf", "", open_formula},
    {"jit", "softsign", "f'", "+max", "", open_formula},
    {"jit", "softsign", "f'", "-inf", "", open_formula},
    {"jit", "softsign", "f'", "-max", "", open_formula},
    {"jit", "squareplus", "f", "+max", "", open_formula},
    {"jit", "squareplus", "f", "-inf", "", open_formula},
    {"jit", "squareplus", "f", "-max", "", open_formula},
    {"jit", "squareplus", "f'", "+inf", "", open_formula},
    {"jit", "squareplus", "f'", "+max", "", open_formula},
    {"jit", "squareplus", "f'", "-inf", "", open_formula},
    {"jit", "squareplus", "f'", "-max", "", open_formula},
};

}  // namespace special
