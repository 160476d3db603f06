// Catalog names for the string front end: each entry reflected from its DSL definition.
#include <algorithm>
#include <array>
#include <vector>

#include <symact/dsl/catalog.hpp>
#include <symact/dsl/names.hpp>
#include <symact/dsl/params.hpp>
#include <symact/dsl/reflect.hpp>

namespace symact::dsl {
namespace {

using codegen::Expr;
using codegen::Graph;

template <const auto& E>
struct named {
    using L = params_of<std::remove_cvref_t<decltype(E)>>;
    static constexpr auto& params = names_of<L>::value;
    static Expr expand(Graph& g, std::span<const Expr> args) {
        return reflect(g, E, args[0], [&](std::string_view p) {
            for (std::size_t i = 0; i < params.size(); ++i)
                if (params[i] == p && i + 1 < args.size()) return args[i + 1];
            return g.param(p);
        });
    }
};

struct entry {
    catalog_entry_info info;
    Expr (*expand)(Graph&, std::span<const Expr>);
};

const std::vector<entry>& table() {
    static const std::vector<entry> t = [] {
        // Not the row entries: the string names softmax/log_softmax are the core's
        // (codegen/row_functions.cpp, resolved before these); tests/dsl/test_rows.cpp checks
        // that act::softmax and act::log_softmax reflect to the very same DAG nodes.
        std::vector<entry> v = {
#define SYMACT_X(n) {{#n, named<act::n>::params}, &named<act::n>::expand},
            SYMACT_DSL_CATALOG(SYMACT_X)
#undef SYMACT_X
        };
        return v;
    }();
    return t;
}

const entry* find(std::string_view name) {
    for (const auto& e : table())
        if (e.info.name == name) return &e;
    return nullptr;
}

}  // namespace

std::span<const catalog_entry_info> catalog_entries() {
    static const std::vector<catalog_entry_info> infos = [] {
        std::vector<catalog_entry_info> v;
        for (const auto& e : table()) v.push_back(e.info);
        return v;
    }();
    return infos;
}

std::optional<Expr> expand_catalog(Graph& g, std::string_view name, std::span<const Expr> args) {
    const entry* e = find(name);
    if (!e || args.empty() || args.size() > e->info.params.size() + 1) return std::nullopt;
    return e->expand(g, args);
}

codegen::ParseOptions catalog_parse_options() {
    codegen::ParseOptions o;
    o.extra_function = [](Graph& g, std::string_view name, std::span<const Expr> args) {
        return expand_catalog(g, name, args);
    };
    // The largest arity (argument + every parameter); the parser accepts 1 up to it.
    o.extra_arity = [](std::string_view name) {
        const entry* e = find(name);
        return e ? static_cast<int>(e->info.params.size()) + 1 : -1;
    };
    const auto ops = codegen::function_names();
    for (const auto& e : table())
        if (std::find(ops.begin(), ops.end(), e.info.name) == ops.end()) o.extra_names.push_back(e.info.name);
    return o;
}

}  // namespace symact::dsl
