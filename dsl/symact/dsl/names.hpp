// Catalog names in the expression syntax: `"gelu(x) + 0.1*x"`, `"leaky_relu(x, 0.2)"`.
// An entry is called with its argument first, then optionally its parameters, sorted by
// name (leaky_relu(u, slope), elu(u, alpha), mpelu(u, alpha, beta), ...); those left out
// stay named parameters of the result (`prelu(x)` has the parameter `a`). The expansion is
// the DSL entry reflected into the graph, with x replaced by the argument. Entries that are
// ops already (sigmoid, tanh, softplus) keep the op's meaning in strings.
#pragma once
#include <span>
#include <string_view>

#include <symact/codegen/parse.hpp>

namespace symact::dsl {

struct catalog_entry_info {
    std::string_view name;
    std::span<const std::string_view> params;  // sorted by name
};

// ParseOptions whose extra functions are the catalog entries.
codegen::ParseOptions catalog_parse_options();
// Expands name(args...) into g (args[0] is the argument); nullopt if not a catalog name.
std::optional<codegen::Expr> expand_catalog(codegen::Graph& g, std::string_view name,
                                            std::span<const codegen::Expr> args);
std::span<const catalog_entry_info> catalog_entries();

}  // namespace symact::dsl
