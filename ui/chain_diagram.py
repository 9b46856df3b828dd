"""A chain of boxes, top to bottom, as an SVG picture: the CNN editor's diagram of a network's layers.

Drawn here rather than with `st.graphviz_chart`: Graphviz's layout code is 770 kB of JavaScript that a
newcomer's browser fetched and compiled before Streamlit showed the CNN page, for a diagram that is always
a straight chain. `st.image` sends the SVG inside the page's message, as a data URL, and draws it with
the code the page's sample image already loaded.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

FONT_PX = 12
LINE_PX = 16  # a line of text, with its spacing
PAD_X, PAD_Y = 10, 6  # inside a box
GAP = 18  # between two boxes: the arrow
MAX_LINE_PX = 210  # a title wraps at its commas to stay this wide: the sidebar is about 240 px wide
COLOURS = {"box": "#f1f5f9", "border": "#94a3b8", "text": "#0f172a", "detail": "#475569", "arrow": "#64748b"}


def text_width(text: str) -> float:
    """About how wide `text` is drawn, in pixels: a wide (CJK) character is a square, others 0.6 of one."""
    return sum(FONT_PX if unicodedata.east_asian_width(c) in "WF" else 0.6 * FONT_PX for c in text)


def wrapped(title: str) -> list[str]:
    """`title` in lines of at most MAX_LINE_PX, broken after its commas (a part longer than that keeps
    a line of its own)."""
    lines: list[str] = []
    for part in title.split(", "):
        if lines and text_width(f"{lines[-1]}, {part}") <= MAX_LINE_PX:
            lines[-1] = f"{lines[-1]}, {part}"
        else:
            lines[-1:] = [f"{lines[-1]},", part] if lines else [part]
    return lines


def chain_svg(boxes: list[tuple[str, str]]) -> str:
    """An SVG of `boxes` (each a title and a detail line, e.g. what a layer does and its output's shape)
    linked top to bottom by arrows; the titles wrapped, the picture as wide as its longest line."""
    texts = [[*((line, COLOURS["text"]) for line in wrapped(title)), (detail, COLOURS["detail"])]
             for title, detail in boxes]
    width = round(max(text_width(line) for lines in texts for line, _ in lines) + 2 * PAD_X)
    heights = [len(lines) * LINE_PX + 2 * PAD_Y for lines in texts]
    height = sum(heights) + (len(boxes) - 1) * GAP
    middle = width / 2
    parts = []
    top = 0
    for index, (lines, box_height) in enumerate(zip(texts, heights, strict=True)):
        if index:
            parts.append(f'<line x1="{middle}" y1="{top - GAP + 1}" x2="{middle}" y2="{top - 6}" '
                         f'stroke="{COLOURS["arrow"]}" stroke-width="1.5"/>'
                         f'<path d="M{middle - 4},{top - 7} L{middle + 4},{top - 7} L{middle},{top - 1} Z" '
                         f'fill="{COLOURS["arrow"]}"/>')
        parts.append(f'<rect x="0.5" y="{top + 0.5}" width="{width - 1}" height="{box_height - 1}" rx="6" '
                     f'fill="{COLOURS["box"]}" stroke="{COLOURS["border"]}"/>')
        for line, (text, colour) in enumerate(lines):
            baseline = top + PAD_Y + (line + 1) * LINE_PX - 4
            parts.append(f'<text x="{middle}" y="{baseline}" fill="{colour}">{escape(text)}</text>')
        top += box_height + GAP
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT_PX}" '
            f'text-anchor="middle">{"".join(parts)}</svg>')
