// What inspect and plot accept: an expression, or a bare catalog name ("gelu" for
// "gelu(x)") when symact is built with the catalog (dsl/).
#pragma once
#include <string>
#include <string_view>

#include <symact/codegen/parse.hpp>

namespace symact::analysis {

// The catalog's ParseOptions when this build has dsl/, else the plain syntax.
codegen::ParseOptions default_parse_options();
// "gelu" -> "gelu(x)" when gelu is one of opts' extra functions; anything else unchanged.
std::string expand_bare_name(std::string_view text, const codegen::ParseOptions& opts);

}  // namespace symact::analysis
