#include "symact/analysis/svg.hpp"

#include <fmt/format.h>

namespace symact::analysis::svg {

namespace {

// Two decimals, trailing zeros dropped: 1/100 px is finer than any renderer resolves.
std::string n(double v) {
    std::string s = fmt::format("{:.2f}", v);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

std::string stroke_attrs(const Stroke& s) {
    std::string a = fmt::format(R"(stroke="{}" stroke-width="{}")", s.color, n(s.width));
    if (!s.dash.empty()) a += fmt::format(R"( stroke-dasharray="{}")", s.dash);
    return a;
}

}  // namespace

std::string escape(std::string_view text) {
    std::string o;
    for (char c : text) {
        switch (c) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        default: o += c;
        }
    }
    return o;
}

Document::Document(double width, double height) : width_(width), height_(height) {}

void Document::rect(double x, double y, double w, double h, std::string_view fill, const Stroke* stroke) {
    body_ += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" {}/>)", n(x), n(y), n(w), n(h), fill,
                         stroke ? stroke_attrs(*stroke) : std::string("stroke=\"none\""));
    body_ += '\n';
}

void Document::line(double x1, double y1, double x2, double y2, const Stroke& s) {
    body_ += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" {}/>)", n(x1), n(y1), n(x2), n(y2), stroke_attrs(s));
    body_ += '\n';
}

void Document::polyline(const std::vector<std::pair<double, double>>& pts, const Stroke& s) {
    if (pts.size() < 2) return;
    std::string p;
    for (const auto& [x, y] : pts) p += fmt::format("{}{},{}", p.empty() ? "" : " ", n(x), n(y));
    body_ += fmt::format(R"(<polyline points="{}" fill="none" {} stroke-linejoin="round" stroke-linecap="round"/>)", p,
                         stroke_attrs(s));
    body_ += '\n';
}

void Document::text(double x, double y, std::string_view content, const Font& f) {
    std::string a = fmt::format(R"(x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}")", n(x), n(y), n(f.size),
                                f.anchor, f.color);
    if (f.bold) a += R"( font-weight="bold")";
    if (f.italic) a += R"( font-style="italic")";
    if (f.rotate != 0) a += fmt::format(R"svg( transform="rotate({} {} {})")svg", n(f.rotate), n(x), n(y));
    body_ += fmt::format("<text {}>{}</text>\n", a, escape(content));
}

std::string Document::clip(double x, double y, double w, double h) {
    std::string id = fmt::format("clip{}", ++clips_);
    defs_ += fmt::format(R"(<clipPath id="{}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>)", id, n(x), n(y),
                         n(w), n(h));
    defs_ += '\n';
    return id;
}

void Document::begin_group(std::string_view clip_id) {
    body_ += clip_id.empty() ? std::string("<g>\n") : fmt::format(R"svg(<g clip-path="url(#{})">)svg", clip_id) + "\n";
}

void Document::end_group() { body_ += "</g>\n"; }

std::string Document::str() const {
    std::string o = fmt::format(
        R"(<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
)",
        n(width_), n(height_), n(width_), n(height_));
    if (!defs_.empty()) o += "<defs>\n" + defs_ + "</defs>\n";
    return o + body_ + "</svg>\n";
}

}  // namespace symact::analysis::svg
