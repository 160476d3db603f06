// symact: the command-line tool. Dispatches to the subcommands; turns every error into a
// message on stderr and exit status 2.
#include <cstdio>
#include <cstring>
#include <exception>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "commands.hpp"
#include "symact/codegen/parse.hpp"
#ifdef SYMACT_HAVE_CATALOG
#include <symact/dsl/names.hpp>
#endif
#include "symact/error.hpp"

namespace {
constexpr const char* usage = R"(usage: symact COMMAND [options] [--] EXPR

symact turns activation functions written as expressions into derivatives and kernels.

commands:
  demo    the main job on one screen: an expression, its derivative, its values
  eval    evaluate an expression and its derivatives at points
  diff    print the simplified derivative
  jit     compile with the JIT: kernels, derivatives, IR, --bench for speed
  inspect what an activation does: range, limits, saturation, kinks, max |f'|
  plot    draw activations (and f') as SVG or PNG
  gen     write a self-contained C++/C header with the kernels (docs/EMBED.md)
  nn      layers beyond elementwise: maxout, crelu, rrelu, noisy_hardsigmoid/hardtanh (docs/NN.md)

`symact COMMAND --help` describes a command. Expressions use x, parameters (any other
name), numbers, + - * / ^, parentheses, where(cond, a, b) with < <= > >=, pi, e and the
functions exp log log1p expm1 sqrt abs sign tanh sech2 sinh cosh sin cos atan erf erfc
sigmoid softplus max min pow.
)";

struct Command {
    std::string_view name;
    int (*run)(std::span<char*>);
};
constexpr Command commands[] = {{"demo", symact::cli::cmd_demo},
                                 {"eval", symact::cli::cmd_eval},
                                 {"diff", symact::cli::cmd_diff},
                                 {"jit", symact::cli::cmd_jit},
                                 {"inspect", symact::cli::cmd_inspect},
                                 {"plot", symact::cli::cmd_plot},
                                 {"gen", symact::cli::cmd_gen},
                                 {"nn", symact::cli::cmd_nn}};
}  // namespace

int main(int argc, char** argv) {
#ifdef SYMACT_HAVE_CATALOG
    // catalog names (relu, gelu(x), elu(x, 2), ...) in every command's expressions
    symact::codegen::set_default_parse_options(symact::dsl::catalog_parse_options());
#endif
    std::span<char*> args(argv + 1, argc > 0 ? argc - 1 : 0);
    if (args.empty() || std::strcmp(args[0], "--help") == 0 || std::strcmp(args[0], "-h") == 0 ||
        std::strcmp(args[0], "help") == 0) {
        std::fputs(usage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    if (std::strcmp(args[0], "--version") == 0) {
        fmt::print("symact {}\n", SYMACT_VERSION);
        return 0;
    }
    for (const auto& c : commands) {
        if (c.name != args[0]) continue;
        try {
            return c.run(args.subspan(1));
        } catch (const symact::error& e) {
            fmt::print(stderr, "symact {}: error: {}\n", c.name, e.what());
            return 2;
        } catch (const std::exception& e) {
            fmt::print(stderr, "symact {}: internal error: {}\n", c.name, e.what());
            return 2;
        }
    }
    std::string names;
    for (const auto& c : commands) {
        if (!names.empty()) names += ", ";
        names += c.name;  // (not ", " + std::string(..): g++ 12 warns -Wrestrict on that)
    }
    fmt::print(stderr, "symact: unknown command '{}' (commands: {}; see symact --help)\n", args[0], names);
    return 2;
}
