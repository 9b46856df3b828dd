"""The playground's drawing canvas: one that never loses a stroke. `canvas(...)` returns what it
shows as an (H, W, 4) uint8 RGBA array, or None while it is blank.

It is our own small component (ui/canvas.js) because of how streamlit-drawable-canvas, used
before, lost strokes when drawn in Chromium at a student's pace:

- Clear gave the canvas a new key. The browser swaps in the new, empty canvas only when the
  rerun that Clear started arrives; strokes drawn in between went onto the old canvas and
  vanished with it. Each of them also sent the old canvas's value, which interrupted that rerun
  and pushed the swap further back, so a whole digit drawn right after Clear could disappear
  and the page asked for a drawing. No clear decided in Python can avoid this: it reaches the
  browser after the strokes that followed the click, and wipes them.
- Its toolbar (undo, reset, ...) lies invisible over the top 30 pixels of the canvas until the
  pointer has been there for about 0.2 s: a stroke begun there at once went to the toolbar.
- A stroke's update that did not reach the analysis went unnoticed: the canvas showed the whole
  digit while the page analysed the strokes before it. (Dropping that update on the WebSocket
  reproduces the reported picture exactly; see tests/browser/test_playground.py.)

Here Clear happens in the browser, on a canvas that stays mounted (its key never changes), each
stroke is sent the moment the pen lifts, and every drawing carries a sequence number that the
page hands back (`seen`): the browser sends again whatever the page has not acknowledged. Once
the page settles, the drawing it analysed is the one on screen, whatever the pace.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st
from PIL import Image

RESEND_S = 2.0  # a drawing not acknowledged this long after it was sent is sent again (a run reaches the
#               canvas within a fraction of a second, even while the previous run is being interrupted)
STATE = "drawing"  # the component's one state value: {"png": data URL or None, "seq": strokes + clears}
BLANK = {"png": None, "seq": 0}
CSS = """
.livelab-canvas { display: flex; flex-direction: column; align-items: flex-start; gap: 0.75rem; }
.livelab-canvas canvas {
  max-width: 100%; touch-action: none; cursor: crosshair;
  border: 1px solid var(--st-border-color, #d6d6d9); border-radius: var(--st-base-radius, 0.5rem);
}
.livelab-canvas button {
  font: inherit; color: inherit; background: var(--st-background-color, #fff); cursor: pointer;
  border: 1px solid var(--st-border-color, #d6d6d9); border-radius: var(--st-button-radius, 0.5rem);
  padding: 0.25rem 0.75rem; min-height: 2.5rem;
}
.livelab-canvas button:hover {
  border-color: var(--st-primary-color, #ff4b4b); color: var(--st-primary-color, #ff4b4b);
}
"""


@cache
def _component():
    js = (Path(__file__).parent / "canvas.js").read_text(encoding="utf-8")
    return st.components.v2.component("livelab_canvas", js=js, css=CSS, isolate_styles=True)


def canvas(key: str, *, size: int, stroke_width: int, clear_label: str) -> np.ndarray | None:
    """A `size` x `size` black canvas to draw on in white with the mouse, pen or finger, with its
    own Clear button labelled `clear_label`."""
    _, seen = drawing_of(st.session_state.get(key))  # the drawing this run analyses, handed back to the browser
    result = _component()(key=key, data={"size": size, "strokeWidth": stroke_width, "clearLabel": clear_label,
                                         "seen": seen, "resendMs": RESEND_S * 1000},
                          default={STATE: BLANK}, on_drawing_change=lambda: None, width="content", height="content")
    png, _ = drawing_of(result)
    return decode(png, size)


def drawing_of(value: Any) -> tuple[str | None, int]:
    """The component's state ({"drawing": {"png": ..., "seq": ...}}, in session_state and in its
    result) -> (png, seq); anything else a browser might send reads as blank."""
    drawing = value.get(STATE) if isinstance(value, dict) else None
    if not isinstance(drawing, dict):
        return None, 0
    png, seq = drawing.get("png"), drawing.get("seq")
    return (png if isinstance(png, str) else None), (seq if isinstance(seq, int) else 0)


def decode(png: str | None, size: int) -> np.ndarray | None:
    """A PNG data URL of the `size` x `size` canvas -> (size, size, 4) uint8 RGBA; None for no
    drawing, and for anything else a browser might send (the size is checked before decoding)."""
    if not png:
        return None
    try:
        _, encoded = png.split(",", 1)
        with Image.open(io.BytesIO(base64.b64decode(encoded, validate=True))) as image:
            if image.size != (size, size):
                return None
            return np.asarray(image.convert("RGBA"))
    except (ValueError, OSError):  # not a data URL, not base64 (binascii.Error), not an image
        return None
