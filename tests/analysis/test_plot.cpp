// Plot geometry: ticks, panels, curves broken at gaps and jumps.
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "symact/analysis/plot.hpp"
#include "symact/analysis/svg.hpp"
#include "symact/error.hpp"

using namespace symact::analysis;

namespace {

std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("nice ticks") {
    CHECK(nice_ticks(-5, 5) == std::vector<double>{-4, -2, 0, 2, 4});
    CHECK(nice_ticks(-0.07, 1.07) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
    CHECK(nice_ticks(1, 1).empty());
}

TEST_CASE("one panel per expression, f' as a second curve") {
    PlotOptions o;
    auto one = plot_svg({{"sigmoid(x)", "Sigmoid"}}, o);
    CHECK(count(one, "<polyline") == 1);
    CHECK(one.find(">Sigmoid</text>") != std::string::npos);
    o.derivative = true;
    auto two = plot_svg({{"sigmoid(x)", ""}, {"tanh(x)", ""}}, o);
    CHECK(count(two, "<polyline") == 4);
    CHECK(count(two, "<clipPath") == 2);
    CHECK(two.find("stroke-dasharray") != std::string::npos);
}

TEST_CASE("d/dx EXPR plots only the derivative") {
    PlotOptions o;
    auto s = plot_svg({{"d/dx sigmoid(x)", ""}}, o);
    CHECK(count(s, "<polyline") == 1);
    CHECK(s.find("d/dx sigmoid(x)") != std::string::npos);
    CHECK(s.find("f\u2032(x)") != std::string::npos);
}

TEST_CASE("NaN and jumps break the polyline") {
    PlotOptions o;
    o.lo = -1, o.hi = 1;
    CHECK(count(plot_svg({{"log(x)", ""}}, o), "<polyline") == 1);  // only x > 0 drawn
    CHECK(count(plot_svg({{"where(x > 0, 1, 0)", ""}}, o), "<polyline") == 2);
    CHECK(count(plot_svg({{"where(x > 0, x, 0)", ""}}, o), "<polyline") == 1);  // a kink is no break
}

TEST_CASE("bad input is a symact::error") {
    PlotOptions o;
    CHECK_THROWS_AS(plot_svg({}, o), symact::error);
    o.lo = 1, o.hi = -1;
    CHECK_THROWS_AS(plot_svg({{"x", ""}}, o), symact::error);
    PlotOptions p;
    CHECK_THROWS_AS(plot_svg({{"x*(", ""}}, p), symact::error);
}

TEST_CASE("svg text is escaped") {
    CHECK(svg::escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
}
