// symact plot: activations as figures (analysis/symact/analysis/plot.hpp), SVG or PNG.
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "symact/analysis/names.hpp"
#include "symact/analysis/plot.hpp"
#include "symact/analysis/png.hpp"
#include "symact/error.hpp"

namespace symact::cli {

int cmd_plot(std::span<char*> args);

namespace {
constexpr const char* help = R"(usage: symact plot [options] -o FILE.svg|FILE.png [--] EXPR|NAME...

Plots each activation in its own panel (a grid of up to 3 columns): the curve, with
--derivative also f' (dashed); axes through the origin, grid, ticks, titles.
"d/dx EXPR" as a panel plots only the derivative of EXPR.

  -o, --output=FILE        .svg (written directly) or .png (through rsvg-convert)
  --derivative             add f' to every panel
  --range=LO:HI            x-range (default -5:5)
  --param=NAME=VALUE[,...] parameter values (repeatable)
  --title=TEXT             a panel title, in panel order (repeatable; default: the expression)
  --columns=N              panels per row (default min(panels, 3))
  --scale=Z                PNG pixels per SVG unit (default 2)

example: symact plot --derivative --title='(a) Sigmoid' --title='(b) ReLU' -o act.png -- \
           'sigmoid(x)' 'where(x > 0, x, 0)'
)";
constexpr OptionSpec spec[] = {{"output", true},     {"derivative", false}, {"range", true},
                               {"param", true, true}, {"title", true, true}, {"columns", true},
                               {"scale", true},      {"help", false}};

double one_number(const std::string& text, std::string_view option) {
    auto v = parse_list(text, option);
    if (v.size() != 1) throw error(fmt::format("--{}: one number, not a list", option));
    return v[0];
}
}  // namespace

int cmd_plot(std::span<char*> argv) {
    // -o FILE / -oFILE are the usual spelling; Args knows only --long options.
    std::vector<std::string> words;
    bool rest = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        std::string w = argv[i];
        if (!rest && w == "--") rest = true;
        if (!rest && w == "-o") {
            if (i + 1 == argv.size()) throw error("plot: option '-o' needs a value");
            words.push_back("--output=" + std::string(argv[++i]));
        } else if (!rest && w.starts_with("-o") && w.size() > 2) {
            words.push_back("--output=" + w.substr(2));
        } else {
            words.push_back(w);
        }
    }
    std::vector<char*> ptrs;
    for (auto& w : words) ptrs.push_back(w.data());
    Args a(ptrs, spec, "plot");
    if (a.flag("help")) {
        fmt::print("{}", help);
        return 0;
    }
    auto out = a.get("output");
    if (!out) throw error("plot: say where to write the figure: -o FILE.svg or -o FILE.png");
    bool png = out->ends_with(".png");
    if (!png && !out->ends_with(".svg")) throw error(fmt::format("plot: '{}': the output must end in .svg or .png", *out));
    if (a.positional().empty()) throw error("plot: give one or more expressions or names");

    analysis::PlotOptions o;
    o.parse = analysis::default_parse_options();
    o.derivative = a.flag("derivative");
    for (const auto& p : a.all("param"))
        for (const auto& [k, v] : parse_assignments(p, "param")) o.params[k] = v;
    if (auto r = a.get("range")) {
        auto colon = r->find(':', 1);  // LO may start with '-'
        if (colon == std::string::npos) throw error(fmt::format("--range: '{}' is not LO:HI", *r));
        o.lo = one_number(r->substr(0, colon), "range");
        o.hi = one_number(r->substr(colon + 1), "range");
    }
    if (auto c = a.get("columns")) {
        double v = one_number(*c, "columns");
        if (v < 1 || v > 50 || v != static_cast<int>(v)) throw error("--columns: a whole number from 1 to 50");
        o.columns = static_cast<int>(v);
    }
    double scale = 2;
    if (auto s = a.get("scale")) {
        scale = one_number(*s, "scale");
        if (!(scale > 0 && scale <= 20)) throw error("--scale: a number in (0, 20]");
    }
    auto titles = a.all("title");
    if (titles.size() > a.positional().size())
        throw error(fmt::format("plot: {} titles for {} panels", titles.size(), a.positional().size()));
    std::vector<analysis::PanelSpec> panels;
    for (std::size_t i = 0; i < a.positional().size(); ++i)
        panels.push_back({a.positional()[i], i < titles.size() ? titles[i] : ""});

    std::string svg = analysis::plot_svg(panels, o);
    if (png) {
        analysis::write_png(svg, *out, scale);
    } else {
        std::ofstream f(*out, std::ios::binary);
        if (!(f << svg)) throw error(fmt::format("plot: cannot write '{}'", *out));
    }
    return 0;
}

}  // namespace symact::cli
