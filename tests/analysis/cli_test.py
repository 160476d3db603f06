#!/usr/bin/env python3
"""inspect and plot end to end: JSON that parses, errors with exit status 2, SVG that an
XML parser accepts, a PNG that is not blank. Standard library only (the PNG is decoded
here with zlib), so it runs under any python3.

usage: cli_test.py PATH/TO/symact_analysis_cli   (or symact, once it has the commands)
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

TOOL = sys.argv[1]
failures = []


def run(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=300)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def read_png(path):
    """(width, height, rows of RGBA tuples) for 8-bit RGB/RGBA non-interlaced PNGs."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0, "unsupported PNG layout"
            bpp = 4 if color == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


# ---- inspect ------------------------------------------------------------------------
r = run("inspect", "--no-speed", "--json", "sigmoid(x)")
check(r.returncode == 0, f"inspect sigmoid exits 0 ({r.stderr})")
j = json.loads(r.stdout)
check(j["left"]["saturation"] == "soft" and j["right"]["saturation"] == "soft", "sigmoid soft on both sides")
check(abs(j["max_abs_df"]["value"] - 0.25) < 1e-12, "sigmoid max |f'| = 0.25")
check(j["range"] == {"lo": 0, "hi": 1, "lo_closed": False, "hi_closed": False}, f"sigmoid range {j['range']}")

r = run("inspect", "--no-speed", "--", "where(x > 0, x, 0)")
check(r.returncode == 0, "inspect relu exits 0")
check("hard (f' = 0 for x <= 0)" in r.stdout, "relu: hard on the left, in text")
check("numeric" in r.stdout, "the text says what is numeric")

r = run("inspect", "--no-speed", "relu")  # a catalog name (dsl/ is part of the build)
check(r.returncode == 0 and "where(x > 0, x, 0)" in r.stdout, f"inspect relu by name ({r.stderr.strip()})")

r = run("inspect", "--no-speed", "where(x > 0, x, alpha*x)")
check(r.returncode == 2 and "--param=alpha=VALUE" in r.stderr, f"missing parameter: exit 2 ({r.stderr.strip()})")
r = run("inspect", "x*(")
check(r.returncode == 2 and "^" in r.stderr, "parse error with a caret, exit 2")

# ---- plot ---------------------------------------------------------------------------
tmp = tempfile.mkdtemp(prefix="symact_plot_")
try:
    svg = os.path.join(tmp, "a.svg")
    r = run("plot", "--derivative", "--title=(a) Sigmoid", "--title=(b) ReLU", "-o", svg, "--",
            "sigmoid(x)", "where(x > 0, x, 0)")
    check(r.returncode == 0, f"plot svg exits 0 ({r.stderr.strip()})")
    root = ET.parse(svg).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    check(root.tag == ns + "svg", "the root is <svg>")
    texts = [t.text for t in root.iter(ns + "text")]
    check("(a) Sigmoid" in texts and "(b) ReLU" in texts, "panel titles present")
    # sigmoid, sigmoid', relu, relu' (a step: broken at its jump into two pieces)
    check(len(list(root.iter(ns + "polyline"))) == 5, "two curves per panel, relu' broken at 0")

    png = os.path.join(tmp, "a.png")
    if shutil.which("rsvg-convert") is None:
        r = run("plot", "-o", png, "sigmoid(x)")
        check(r.returncode == 2 and "rsvg-convert" in r.stderr, "without rsvg-convert: a clear error")
        check(False, "rsvg-convert is not installed (scripts/install-deps.sh installs librsvg2-bin)")
    else:
        r = run("plot", "--scale=1", "--title=Sigmoid", "-o", png, "sigmoid(x)")
        check(r.returncode == 0, f"plot png exits 0 ({r.stderr.strip()})")
        w, h, bpp, rows = read_png(png)
        check((w, h) == (320, 250), f"PNG size {w}x{h}")
        ink = blue = 0
        for row in rows:
            for i in range(0, len(row), bpp):
                rr, gg, bb = row[i], row[i + 1], row[i + 2]
                ink += (rr, gg, bb) != (255, 255, 255)
                blue += bb > 140 and rr < 90 and gg < 130  # the curve's colour
        check(ink > 0.03 * w * h, f"the PNG is not blank ({ink} non-white pixels)")
        check(blue > 200, f"the curve is drawn ({blue} curve-coloured pixels)")

    r = run("plot", "-o", os.path.join(tmp, "a.pdf"), "x")
    check(r.returncode == 2 and ".svg or .png" in r.stderr, "unknown output type: exit 2")
    r = run("plot", "--range=3:1", "-o", svg, "x")
    check(r.returncode == 2 and "--range" in r.stderr, "bad range: exit 2")
finally:
    shutil.rmtree(tmp)

print("analysis cli: %d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
