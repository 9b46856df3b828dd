"""The network editor's diagram as our own SVG (ui/chain_diagram.py): every box's text, in order, titles
wrapped at their commas to fit the sidebar, nothing a label says taken for markup."""

import re
from html import unescape

from ui.chain_diagram import MAX_LINE_PX, chain_svg, text_width, wrapped


def texts(svg: str) -> list[str]:
    """An SVG's lines of text, top to bottom, as a student reads them."""
    return [unescape(text) for text in re.findall(r"<text [^>]*>([^<]*)</text>", svg)]


def test_each_box_shows_its_title_and_detail_in_order_linked_by_arrows():
    svg = chain_svg([("input", "1 × 28 × 28"), ("block 1: 16 filters 5×5, ReLU, max-pool 2×2", "16 × 14 × 14"),
                     ("classifier", "10")])
    assert texts(svg) == ["input", "1 × 28 × 28", "block 1: 16 filters 5×5, ReLU,", "max-pool 2×2", "16 × 14 × 14",
                          "classifier", "10"]
    assert svg.count("<rect ") == 3 and svg.count("<line ") == 2  # an arrow between each two boxes


def test_a_long_title_wraps_at_its_commas_within_the_sidebars_width():
    title = "block 3: 128 filters 3×3, Batch norm, Leaky ReLU, average-pool 2×2, Dropout 0.25"
    lines = wrapped(title)
    assert len(lines) > 1 and " ".join(lines) == title
    assert all(text_width(line) <= MAX_LINE_PX for line in lines)
    assert wrapped("short") == ["short"]


def test_wide_characters_count_as_wide():
    assert text_width("卷积层") == 3 * text_width("卷") > 3 * text_width("a")
    title = "第 3 块：128 个 3×3 滤波器, 批归一化, ReLU, 最大池化 2×2"
    assert len(wrapped(title)) > 1 and all(text_width(line) <= MAX_LINE_PX for line in wrapped(title))


def test_text_is_escaped_not_markup():
    svg = chain_svg([("<b>x</b> & y", "1")])
    assert "<b>" not in svg and texts(svg) == ["<b>x</b> & y", "1"]
