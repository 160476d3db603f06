#include <cstdio>

#include <fmt/format.h>

#include "args.hpp"
#include "commands.hpp"
#include "symact/codegen/function.hpp"
#include "symact/codegen/print.hpp"
#include "symact/error.hpp"

namespace symact::cli {

namespace {
constexpr const char* help = R"(usage: symact diff [--wrt=x|NAME] [--] EXPR

Prints the simplified derivative of EXPR with respect to x (default) or a parameter, in the
expression syntax (it parses back). Stable forms are used: d/dx log(1+exp(x)) is sigmoid(x).

  --wrt=NAME   differentiate with respect to this parameter instead of x
  --original   also print EXPR as understood (after stability rewrites)

example: symact diff -- 'x*tanh(softplus(x))'
)";
constexpr OptionSpec spec[] = {{"wrt", true}, {"original", false}, {"help", false}};
}  // namespace

int cmd_diff(std::span<char*> argv) {
    Args a(argv, spec, "diff");
    if (a.flag("help")) {
        std::fputs(help, stdout);
        return 0;
    }
    if (a.positional().size() != 1)
        throw error(a.positional().empty() ? "diff: no expression given (see symact diff --help)"
                                           : "diff: give one expression (quote it if it has spaces)");
    codegen::Function fn(a.positional()[0]);
    if (a.flag("original")) fmt::print("f = {}\n", codegen::to_string(fn.f()));
    std::string wrt = a.get("wrt").value_or("x");
    std::string d = codegen::to_string(fn.derivative(wrt));
    if (a.flag("original")) fmt::print("df/d{} = {}\n", wrt, d); else fmt::print("{}\n", d);
    return 0;
}

}  // namespace symact::cli
