// symact nn NAME: the symact::nn layers (Maxout, CReLU, RReLU, noisy hard-sigmoid/hard-tanh)
// on a small array from the command line; prints y and dx for an upstream gradient dy.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "commands.hpp"
#include "numbers.hpp"
#include "symact/error.hpp"
#include <symact/nn/all.hpp>

namespace symact::cli {

namespace {
constexpr const char* help = R"(usage: symact nn NAME [options]

Runs a layer of symact::nn (docs/NN.md) forward and backward on --at and prints y and dx.
NAME: maxout, crelu, rrelu, noisy_hardsigmoid, noisy_hardtanh.

  --at=X1,X2,...        the input, flattened (required)
  --shape=N,C,INNER     its layout (default 1,COUNT,1: one sample, one channel per value);
                        maxout and crelu work along C
  --k=K                 maxout: pieces per group (required for maxout; C divisible by K)
  --dy=Y1,Y2,...        upstream gradient, one per output (default all ones)
  --train               rrelu, noisy_*: training mode (random slopes / noise from --seed)
  --seed=S              the generator's key (default 0); --offset=I: index of element 0
  --lower=L --upper=U   rrelu: slope range (default 0.125, 0.3333333333333333)
  --alpha=A --c=C --p=P noisy_*: the paper's parameters (defaults in docs/NN.md)
  --noise=normal|half-normal   noisy_*: the noise law (default: the function's)
  --dtype=f64|f32       precision (default f64)
  --json                print {"y": [..], "dx": [..]} (noisy_*: also "dp": sum dy*dy/dp;
                        rrelu with --train: also "slope": [..])

example: symact nn maxout --shape=1,4,2 --k=2 --at=1,5,3,2,0,7,-1,7
)";
constexpr OptionSpec spec[] = {{"at", true},    {"shape", true}, {"k", true},     {"dy", true},
                               {"train", false}, {"seed", true}, {"offset", true}, {"lower", true},
                               {"upper", true}, {"alpha", true}, {"c", true},      {"p", true},
                               {"noise", true}, {"dtype", true}, {"json", false},  {"help", false}};

double get_double(const Args& a, std::string_view name, double fallback) {
    auto text = a.get(name);
    if (!text) return fallback;
    const auto v = parse_list(*text, name);
    if (v.size() != 1) throw error(fmt::format("nn: --{}={}: expected one number", name, *text));
    return v[0];
}

struct Request {
    std::string name;
    std::vector<double> at, dy;
    bool has_dy = false, json = false, train = false;
    nn::shape3 shape;
    std::size_t k = 0;
    std::uint64_t seed = 0, offset = 0;
    nn::rrelu_options rrelu;
    nn::noisy_options noisy;
};

template <class T>
int run(const Request& rq) {
    const std::vector<T> x(rq.at.begin(), rq.at.end());
    std::vector<T> y, dx(x.size()), slope;
    std::optional<double> dp;
    std::size_t out = x.size();
    if (rq.name == "maxout") out = nn::maxout_output_size(rq.shape, rq.k);
    if (rq.name == "crelu") out = 2 * x.size();
    if (rq.has_dy && rq.dy.size() != out)
        throw error(fmt::format("nn: --dy has {} values but {} has {} outputs", rq.dy.size(), rq.name, out));
    const std::vector<T> dy = rq.has_dy ? std::vector<T>(rq.dy.begin(), rq.dy.end()) : std::vector<T>(out, T(1));
    y.resize(out);
    if (rq.name == "maxout") {
        nn::maxout_forward<T>(x, y, rq.shape, rq.k);
        nn::maxout_backward<T>(x, dy, dx, rq.shape, rq.k);
    } else if (rq.name == "crelu") {
        nn::crelu_forward<T>(x, y, rq.shape);
        nn::crelu_backward<T>(x, dy, dx, rq.shape);
    } else if (rq.name == "rrelu") {
        nn::rrelu_forward<T>(x, y, rq.rrelu);
        nn::rrelu_backward<T>(x, dy, dx, rq.rrelu);
        if (rq.train) {
            slope.resize(x.size());
            nn::rrelu_slopes<T>(slope, rq.rrelu);
        }
    } else {
        const auto kind = rq.name == "noisy_hardsigmoid" ? nn::noisy_kind::hard_sigmoid : nn::noisy_kind::hard_tanh;
        nn::noisy_forward<T>(kind, x, y, rq.noisy);
        nn::noisy_backward<T>(kind, x, dy, dx, rq.noisy);
        dp = nn::noisy_grad_p<T>(kind, x, dy, rq.noisy);
    }
    if (rq.json) {
        auto list = [](const std::vector<T>& v) {
            std::string s = "[";
            for (std::size_t i = 0; i < v.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", num(v[i]));
            return s + "]";
        };
        std::string text = "{\"y\": " + list(y) + ", \"dx\": " + list(dx);
        if (!slope.empty()) text += ", \"slope\": " + list(slope);
        if (dp) text += ", \"dp\": " + num(*dp);
        fmt::print("{}}}\n", text);
        return 0;
    }
    auto line = [](const char* label, const std::vector<T>& v) {
        std::vector<std::string> cells;
        for (T t : v) cells.push_back(plain(t));
        fmt::print("{}\t{}\n", label, fmt::join(cells, "\t"));
    };
    line("y", y);
    line("dx", dx);
    if (!slope.empty()) line("slope", slope);
    if (dp) fmt::print("dp\t{}\n", plain(*dp));
    return 0;
}
}  // namespace

int cmd_nn(std::span<char*> argv) {
    Args a(argv, spec, "nn");
    if (a.flag("help")) {
        std::fputs(help, stdout);
        return 0;
    }
    if (a.positional().size() != 1)
        throw error(a.positional().empty()
                        ? "nn: no layer given (maxout, crelu, rrelu, noisy_hardsigmoid, noisy_hardtanh)"
                        : "nn: give one layer name");
    Request rq;
    rq.name = a.positional()[0];
    const bool channel = rq.name == "maxout" || rq.name == "crelu";
    const bool noisy = rq.name == "noisy_hardsigmoid" || rq.name == "noisy_hardtanh";
    if (!channel && !noisy && rq.name != "rrelu")
        throw error(fmt::format("nn: unknown layer '{}' (maxout, crelu, rrelu, noisy_hardsigmoid, noisy_hardtanh)",
                                rq.name));
    const std::string dtype = a.get("dtype").value_or("f64");
    if (dtype != "f64" && dtype != "f32") throw error(fmt::format("nn: unknown dtype '{}' (f64 or f32)", dtype));
    if (!a.get("at")) throw error("nn: no input given; use --at=X1,X2,...");
    rq.at = parse_list(*a.get("at"), "at");
    rq.json = a.flag("json");
    rq.train = a.flag("train");
    if (a.get("dy")) rq.dy = parse_list(*a.get("dy"), "dy"), rq.has_dy = true;
    rq.shape = {1, rq.at.size(), 1};
    if (auto s = a.get("shape")) {
        const auto v = parse_list(*s, "shape");
        if (v.size() != 3) throw error(fmt::format("nn: --shape={}: expected N,C,INNER", *s));
        std::size_t dims[3];
        for (int i = 0; i < 3; ++i) {
            if (!(v[i] >= 0 && v[i] <= 1e15 && v[i] == std::floor(v[i])))
                throw error(fmt::format("nn: --shape={}: sizes must be non-negative integers", *s));
            dims[i] = std::size_t(v[i]);
        }
        rq.shape = {dims[0], dims[1], dims[2]};
    }
    const std::size_t size = rq.shape.size("nn");
    if (size != rq.at.size())
        throw error(fmt::format("nn: --shape={},{},{} has {} elements but --at has {} values", rq.shape.n,
                                rq.shape.c, rq.shape.inner, size, rq.at.size()));
    // options that belong to another layer are mistakes, not silently ignored
    auto only_for = [&](std::initializer_list<const char*> names, bool allowed, const char* who) {
        for (const char* n : names)
            if (a.get(n) && !allowed) throw error(fmt::format("nn: --{} is for {}, not {}", n, who, rq.name));
    };
    only_for({"k"}, rq.name == "maxout", "maxout");
    only_for({"lower", "upper"}, rq.name == "rrelu", "rrelu");
    only_for({"alpha", "c", "p", "noise"}, noisy, "noisy_hardsigmoid and noisy_hardtanh");
    only_for({"seed", "offset"}, !channel, "rrelu and the noisy layers");
    if (rq.train && channel) throw error(fmt::format("nn: --train is for rrelu and the noisy layers, not {}", rq.name));
    if (rq.name == "maxout") {
        if (!a.get("k")) throw error("nn: maxout needs --k=K (pieces per group)");
        rq.k = a.get_uint("k", 0);
    }
    rq.seed = a.get_uint("seed", 0);
    rq.offset = a.get_uint("offset", 0);
    rq.rrelu.lower = get_double(a, "lower", rq.rrelu.lower);
    rq.rrelu.upper = get_double(a, "upper", rq.rrelu.upper);
    rq.rrelu.training = rq.train;
    rq.rrelu.seed = rq.seed;
    rq.rrelu.offset = rq.offset;
    rq.noisy = rq.name == "noisy_hardsigmoid" ? nn::noisy_hardsigmoid_defaults() : nn::noisy_hardtanh_defaults();
    rq.noisy.alpha = get_double(a, "alpha", rq.noisy.alpha);
    rq.noisy.c = get_double(a, "c", rq.noisy.c);
    rq.noisy.p = get_double(a, "p", rq.noisy.p);
    if (auto law = a.get("noise")) {
        if (*law != "normal" && *law != "half-normal")
            throw error(fmt::format("nn: --noise={}: expected normal or half-normal", *law));
        rq.noisy.half_normal = *law == "half-normal";
    }
    rq.noisy.training = rq.train;
    rq.noisy.seed = rq.seed;
    rq.noisy.offset = rq.offset;
    return dtype == "f32" ? run<float>(rq) : run<double>(rq);
}

}  // namespace symact::cli
