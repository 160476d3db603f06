// THE ONE PLACE for special-value cases a path is known to fail, each with its reason.
// A listed case that fails is reported (MESSAGE), not counted as a failure; a listed case
// that passes is a warning saying it can be removed. Empty now; closed so far:
//  - the compile-time DSL lacked the exponential-decay rule of codegen/decay.hpp (it has it
//    since the DSL's decay flags per plan step landed);
//  - the DSL's gelu overflowed at +max (its erfc/sigmoid forms do not);
//  - the catalog's own formulas overflowed or gave inf/inf (softsign, squareplus, softplus's
//    df/dbeta): dsl/catalog.hpp now writes them in stable forms.
#pragma once
#include <array>
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

inline constexpr std::array<KnownGap, 0> known_gaps{};

}  // namespace special
