#include "symact/analysis/names.hpp"

#include <algorithm>
#include <cctype>

#if SYMACT_ANALYSIS_HAS_CATALOG
#include <symact/dsl/names.hpp>
#endif

namespace symact::analysis {

codegen::ParseOptions default_parse_options() {
#if SYMACT_ANALYSIS_HAS_CATALOG
    return dsl::catalog_parse_options();
#else
    return {};
#endif
}

std::string expand_bare_name(std::string_view text, const codegen::ParseOptions& opts) {
    std::string t(text);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    t.erase(0, t.find_first_not_of(" \t\n"));
    bool identifier = !t.empty() && (std::isalpha(static_cast<unsigned char>(t[0])) || t[0] == '_') &&
                      std::all_of(t.begin(), t.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!identifier) return std::string(text);
    bool builtin = false;  // sigmoid, tanh, ...: ops that are functions too
    for (auto n : codegen::function_names()) builtin = builtin || n == t;
    bool extra = opts.extra_arity && opts.extra_arity(t) >= 1;
    if ((builtin && t != "pi" && t != "e") || extra) return t + "(x)";
    return std::string(text);
}

}  // namespace symact::analysis
