// PNG output through rsvg-convert (Debian: librsvg2-bin), run as a subprocess: a raster
// renderer is not worth linking for one conversion.
#pragma once
#include <filesystem>
#include <string>

namespace symact::analysis {

// Renders `svg` to `png` at `zoom` times its size (2: crisp on paper and on screens), on
// white. Throws symact::error if rsvg-convert is missing or fails.
void write_png(const std::string& svg, const std::filesystem::path& png, double zoom = 2);

}  // namespace symact::analysis
