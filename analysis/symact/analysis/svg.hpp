// A small SVG writer: the few elements a plot needs (rect, line, polyline, text, clip
// paths, groups), numbers with two decimals, text XML-escaped. Written here rather than
// taken from a library: Debian has no maintained C++ SVG plotting library lighter than
// this (docs/INSPECT.md).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace symact::analysis::svg {

struct Stroke {
    std::string color = "#000";
    double width = 1;
    std::string dash;  // "6 4": dashed; empty: solid
};

struct Font {
    double size = 12;
    std::string anchor = "middle";  // start | middle | end
    bool bold = false, italic = false;
    double rotate = 0;  // degrees, about the text's anchor point
    std::string color = "#000";
};

class Document {
public:
    Document(double width, double height);

    void rect(double x, double y, double w, double h, std::string_view fill, const Stroke* stroke = nullptr);
    void line(double x1, double y1, double x2, double y2, const Stroke& s);
    // One polyline per call; the caller splits at gaps.
    void polyline(const std::vector<std::pair<double, double>>& pts, const Stroke& s);
    void text(double x, double y, std::string_view content, const Font& f);
    // A rectangular clip path; returns its id for begin_group.
    std::string clip(double x, double y, double w, double h);
    void begin_group(std::string_view clip_id = {});
    void end_group();

    std::string str() const;  // the whole document

private:
    double width_, height_;
    std::string defs_, body_;
    int clips_ = 0;
};

std::string escape(std::string_view text);

}  // namespace symact::analysis::svg
