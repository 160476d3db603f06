// The row functions of the string syntax, written with the row reductions of ops.hpp in
// their stable forms (the row max is subtracted before exp, so 1000 and -1000 are fine).
#include <array>

#include "symact/codegen/parse.hpp"

namespace symact::codegen {

namespace {

struct RowFunction {
    std::string_view name;
    Expr (*build)(Expr u);
};

// softmax(u) = exp(u - rowmax(u)) / rowsum(exp(u - rowmax(u)))
Expr softmax(Expr u) {
    Expr e = exp(u - rowmax(u));
    return e / rowsum(e);
}

// log_softmax(u) = u - rowmax(u) - log(rowsum(exp(u - rowmax(u))))
Expr log_softmax(Expr u) {
    Expr m = rowmax(u);
    return u - m - log(rowsum(exp(u - m)));
}

constexpr std::array<RowFunction, 2> table{{{"softmax", softmax}, {"log_softmax", log_softmax}}};

}  // namespace

bool is_row_function(std::string_view name) {
    for (const auto& f : table)
        if (f.name == name) return true;
    return false;
}

std::optional<Expr> row_function(Graph&, std::string_view name, std::span<const Expr> args) {
    if (args.size() != 1) return std::nullopt;
    for (const auto& f : table)
        if (f.name == name) return f.build(args[0]);
    return std::nullopt;
}

std::vector<std::string_view> row_function_names() {
    std::vector<std::string_view> v;
    for (const auto& f : table) v.push_back(f.name);
    return v;
}

}  // namespace symact::codegen
