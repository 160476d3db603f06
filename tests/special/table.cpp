#include "table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "known_gaps.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/graph.hpp"
#include "symact/codegen/parse.hpp"

namespace special {

namespace {

std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t`");
    if (b == std::string_view::npos) return "";
    auto e = s.find_last_not_of(" \t`");
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_row(std::string_view line) {
    std::vector<std::string> out;
    line.remove_prefix(1);  // leading '|'
    while (!line.empty()) {
        auto bar = line.find('|');
        if (bar == std::string_view::npos) break;
        out.push_back(trim(line.substr(0, bar)));
        line.remove_prefix(bar + 1);
    }
    return out;
}

// Distance in ULP of T between two finite values; +0 and -0 are equal.
template <class T> std::uint64_t ulps(T a, T b) {
    if (a == b) return 0;
    using U = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
    auto ord = [](T v) {
        auto i = std::bit_cast<U>(v);
        return i < 0 ? static_cast<std::int64_t>(std::numeric_limits<U>::min()) - i : static_cast<std::int64_t>(i);
    };
    std::int64_t d = ord(a) - ord(b);
    return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

// The verdict on one cell: empty if `got` meets it, else what was expected.
template <class T> std::string judge(const std::string& cell, T x, double got) {
    const T g = static_cast<T>(got);  // df/dp sums are double: judged in T too
    if (cell == "nan") return std::isnan(got) ? "" : "nan";
    if (cell == "inf" || cell == "-inf") {
        double want = cell == "inf" ? INFINITY : -INFINITY;
        return got == want ? "" : cell;
    }
    // an expression in x: the true value in long double, rounded to T
    auto value = [&](const std::string& text) {
        symact::codegen::Graph graph;
        symact::codegen::Expr e = symact::codegen::parse(graph, text);
        symact::codegen::Expr roots[] = {e};
        long double xs[] = {static_cast<long double>(x)};
        return static_cast<T>(symact::codegen::evaluate<long double>(roots, xs, {})[0][0]);
    };
    if (cell.front() == '[') {  // [lo, hi]: any finite value between the bounds (numbers or
        auto comma = cell.find(',');  // expressions in x: random draws scale with x)
        const double a = value(cell.substr(1, comma - 1)), b = value(cell.substr(comma + 1, cell.size() - comma - 2));
        return std::isfinite(got) && got >= std::min(a, b) && got <= std::max(a, b) ? "" : cell;
    }
    const T want = value(cell);
    std::string what = fmt::format("{} = {}", cell, double(want));
    if (std::isnan(want) || std::isinf(want)) return g == want || (std::isnan(g) && std::isnan(want)) ? "" : what;
    if (!std::isfinite(g)) return what;
    return ulps(g, want) <= 8 ? "" : what;
}

const KnownGap* known(std::string_view path, const Entry& e, const Row& r, std::string_view col,
                      std::string_view dtype) {
    for (const auto& k : known_gaps)
        if (k.path == path && k.entry == e.name && k.row == r.what && k.column == col &&
            (k.dtype.empty() || k.dtype == dtype))
            return &k;
    return nullptr;
}

}  // namespace

std::vector<Entry> load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<Entry> out;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.starts_with("| op |") && !line.starts_with("| catalog |")) continue;
        auto f = split_row(line);
        if (f.size() != 3 + ncols) throw std::runtime_error(fmt::format("{}:{}: expected {} cells", path, n, 3 + ncols));
        if (out.empty() || out.back().kind != f[0] || out.back().name != f[1]) out.push_back({f[0], f[1], {}});
        Row r;
        r.what = f[2];
        r.line = n;
        for (std::size_t c = 0; c < ncols; ++c) r.cells[c] = f[3 + c];
        out.back().rows.push_back(r);
    }
    return out;
}

template <class T> std::array<T, ncols> inputs() {
    using L = std::numeric_limits<T>;
    return {T(0), -T(0), L::denorm_min(), -L::denorm_min(), L::max(), -L::max(), L::infinity(), -L::infinity(),
            L::quiet_NaN()};
}

template <class T> std::size_t check(std::string_view path, const Entry& e, const Results<T>& r) {
    const std::string_view dtype = sizeof(T) == 4 ? "f32" : "f64";
    const auto xs = inputs<T>();
    std::size_t checked = 0;
    for (const auto& row : e.rows) {
        for (std::size_t c = 0; c < ncols; ++c) {
            double got;
            if (row.what == "f") got = r.f[c];
            else if (row.what == "f'") got = r.df[c];
            else if (row.what.starts_with("df/d")) {
                auto it = r.dp.find(row.what.substr(4));
                if (it == r.dp.end()) {
                    FAIL_CHECK(fmt::format("{} {} {}: no parameter '{}' (docs/SPECIAL.md:{})", path, dtype, e.name,
                                           row.what.substr(4), row.line)
                               .c_str());
                    break;
                }
                got = it->second[c];
            } else {
                FAIL_CHECK(fmt::format("docs/SPECIAL.md:{}: unknown row '{}'", row.line, row.what));
                break;
            }
            ++checked;
            std::string want = judge<T>(row.cells[c], xs[c], got);
            const KnownGap* k = known(path, e, row, columns[c], dtype);
            std::string where = fmt::format("{} {} {} {} at {}: got {}, expected {} (docs/SPECIAL.md:{})", path, dtype,
                                            e.name, row.what, columns[c], got, want.empty() ? row.cells[c] : want,
                                            row.line);
            if (want.empty()) {
                if (k) WARN_MESSAGE(false, "listed in known_gaps.hpp but passes now, remove it: " << where);
            } else if (k) {
                MESSAGE("known gap (" << std::string(k->reason) << "): " << where);
            } else {
                FAIL_CHECK(where);
            }
        }
    }
    return checked;
}

template std::array<float, ncols> inputs<float>();
template std::array<double, ncols> inputs<double>();
template std::size_t check<float>(std::string_view, const Entry&, const Results<float>&);
template std::size_t check<double>(std::string_view, const Entry&, const Results<double>&);

}  // namespace special
