// symact inspect: what an activation does (analysis/symact/analysis/inspect.hpp).
#include <span>
#include <string>

#include <fmt/format.h>

#include "args.hpp"
#include "symact/analysis/inspect.hpp"
#include "symact/analysis/names.hpp"
#include "symact/analysis/report.hpp"
#include "symact/codegen/function.hpp"
#include "symact/error.hpp"

namespace symact::cli {

int cmd_inspect(std::span<char*> args);

namespace {
constexpr const char* help = R"(usage: symact inspect [options] [--] EXPR|NAME

Reports what an activation does: its derivatives, kernel operation counts, range, limits
at -inf and +inf, saturation on each side (soft: f' -> 0 but never 0; hard: f' = 0 beyond
some point), zero-centredness (f(0) = 0 and f takes both signs; also E[f(z)], z ~ N(0,1)),
monotonicity, local extrema, kinks and jumps, dead regions (f' = 0 exactly), max |f'| and
what it means through n layers, and the speed of the JIT's kernels. Numbers found
numerically say so (the "method" line; docs/INSPECT.md).

  --param=NAME=VALUE[,...] parameter values (repeatable; every parameter needs one)
  --layers=N               depth for the gradient bound (default 10)
  --no-speed               skip timing the JIT kernels
  --json                   one JSON object instead of text

example: symact inspect --param=alpha=2 -- 'where(x > 0, x, alpha*(exp(x) - 1))'
)";
constexpr OptionSpec spec[] = {{"param", true, true}, {"layers", true}, {"no-speed", false},
                               {"json", false},       {"help", false}};
}  // namespace

int cmd_inspect(std::span<char*> argv) {
    Args a(argv, spec, "inspect");
    if (a.flag("help")) {
        fmt::print("{}", help);
        return 0;
    }
    if (a.positional().size() != 1)
        throw error("inspect: give one expression or name (see symact inspect --help)");
    codegen::ParamValues params;
    for (const auto& p : a.all("param"))
        for (const auto& [k, v] : parse_assignments(p, "param")) params[k] = v;
    analysis::InspectOptions opts;
    if (auto l = a.get("layers")) {
        auto v = parse_list(*l, "layers");
        if (v.size() != 1 || v[0] < 1 || v[0] > 1000 || v[0] != static_cast<int>(v[0]))
            throw error("--layers: one whole number from 1 to 1000");
        opts.layers = static_cast<int>(v[0]);
    }
    opts.speed = !a.flag("no-speed");
    auto parse = analysis::default_parse_options();
    codegen::Function fn(analysis::expand_bare_name(a.positional()[0], parse), parse);
    fn.require_elementwise("symact inspect");
    auto report = analysis::inspect(fn, params, opts);
    fmt::print("{}", a.flag("json") ? analysis::to_json(report) : analysis::to_text(report));
    return 0;
}

}  // namespace symact::cli
