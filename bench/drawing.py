"""Drive the playground's canvas in Chromium as a student would: draw pen strokes with the mouse,
wait for the page to settle, and read back what the page analysed, what the canvas shows, and
when the answer reached the screen.

The page is watched from inside the browser (a MutationObserver), so that the time from the last
mouse-up to the answer on screen is measured on the browser's own clock, not Playwright's round trips.
"""

from __future__ import annotations

import base64
import io
import re
import time
from dataclasses import dataclass

import numpy as np
from PIL import Image

from core.preprocess import preprocess
from ui.canvas import RESEND_S

CANVAS = ".livelab-canvas canvas"  # ui/canvas.js: the strokes on the black background
STAGE = "28 × 28: what the networks see"
SPEED = 500  # pen speed, canvas pixels per second: a quick hand
MOVE_EVERY = 0.012  # seconds between mouse moves (a mouse reports at 60-125 Hz)
SETTLED = RESEND_S + 0.5  # seconds with no script run and no stroke: the page has settled (a drawing
#                           that had not reached the page would have been sent again by then)
SAME = 0.1  # largest difference (0..1) between the analysed 28x28 and the canvas's own, for "the same"

WATCH = """(caption) => {
  const log = [], page = {lastUp: null, log};
  const snapshot = () => {
    const app = document.querySelector("[data-testid='stApp']");
    const stage = [...document.querySelectorAll("[data-testid='stImage']")]
      .find(e => e.querySelector("[data-testid='stImageCaption']")?.innerText.trim() === caption);
    const answer = [...document.querySelectorAll("[data-testid='stMarkdownContainer']")]
      .find(e => e.innerText.startsWith("CNN: "));
    return {state: app?.dataset.testScriptState, stage: stage?.querySelector("img")?.src ?? null,
            answer: answer?.innerText ?? null,
            fresh: answer?.closest("[data-testid='stElementContainer']")?.dataset.stale === "false"};
  };
  let last = "";
  new MutationObserver(() => {
    const now = snapshot(), key = JSON.stringify(now);
    if (key !== last) { last = key; log.push({t: performance.now(), ...now}); }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ["src", "data-stale", "data-test-script-state"]});
  // pointerup, not mouseup: a canvas that cancels pointerdown gets no mouse events from the browser
  document.addEventListener("pointerup", () => { page.lastUp = performance.now(); }, true);
  window.__drawing = page;
}"""


@dataclass(frozen=True)
class Reading:
    """What the page made of one drawing, once settled."""

    answer: str | None  # the CNN's class as shown, or None when the page shows no prediction
    analysed_canvas: bool  # the analysed 28x28 is the canvas's (False: strokes were lost on the way)
    kept_strokes: bool  # the canvas shows every stroke that was drawn (False: strokes vanished from it)
    seconds: float | None  # last mouse-up -> this answer on screen (None: it never came)


def watch(page) -> dict:
    """Start watching the page; returns the canvas's place on it (it never moves)."""
    page.evaluate(WATCH, STAGE)
    return page.locator(CANVAS).first.bounding_box()


def draw(page, box: dict, strokes: list[list[tuple[float, float]]], pause: float) -> None:
    """Draw `strokes` (canvas pixels) with the mouse at SPEED, `pause` seconds between strokes."""
    for i, stroke in enumerate(strokes):
        if i and pause:
            time.sleep(pause)
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down()
        start = time.perf_counter()
        for x, y, due in _timed(stroke):
            wait = start + due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.up()


def _timed(stroke):
    """(x, y, seconds after the stroke's start) every MOVE_EVERY along `stroke` at SPEED."""
    points = np.asarray(stroke, np.float64)
    lengths = np.r_[0, np.cumsum(np.hypot(*np.diff(points, axis=0).T))]
    for due in np.arange(MOVE_EVERY, lengths[-1] / SPEED + MOVE_EVERY, MOVE_EVERY):
        at = min(due * SPEED, lengths[-1])
        yield float(np.interp(at, lengths, points[:, 0])), float(np.interp(at, lengths, points[:, 1])), due


def settle(page, timeout: float = 30) -> None:
    """Wait until no script has run for SETTLED seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        idle_for = page.evaluate("""() => {
          const log = window.__drawing.log, app = document.querySelector("[data-testid='stApp']");
          if (app.dataset.testScriptState !== "notRunning") return 0;
          const changed = Math.max(window.__drawing.lastUp ?? 0, log.length ? log[log.length - 1].t : 0);
          return (performance.now() - changed) / 1000;
        }""")
        if idle_for >= SETTLED:
            return
        time.sleep(max(0.05, SETTLED - idle_for))
    raise TimeoutError("the page did not settle")


def read(page, strokes: list[list[tuple[float, float]]]) -> Reading:
    """After `settle`: what the page shows for the drawing of `strokes`."""
    state = page.evaluate("() => ({lastUp: window.__drawing.lastUp, log: window.__drawing.log})")
    final = state["log"][-1] if state["log"] else {}
    canvas = _pixels(page.locator(CANVAS).first.evaluate("c => c.toDataURL()"))
    kept = all(canvas[int(y), int(x), 0] > 127 for stroke in strokes for x, y in stroke[1:-1:3])
    expected = preprocess(canvas)
    shown = _stage(page, final.get("stage"))
    analysed = (shown is None) == (expected is None) and (
        shown is None or float(np.abs(shown - expected.centred).max()) < SAME)
    answer = _label(final.get("answer")) if final.get("fresh") else None
    seconds = None
    if answer is not None and shown is not None:
        for entry in state["log"]:
            if entry["t"] > state["lastUp"] and entry["stage"] == final["stage"] and entry["fresh"] \
                    and entry["answer"] == final["answer"]:
                seconds = (entry["t"] - state["lastUp"]) / 1000
                break
    return Reading(answer, analysed, kept, seconds)


def _label(text: str | None) -> str | None:
    found = re.match(r"CNN: (\S+) \(", text or "")
    return found.group(1) if found else None


def _pixels(data_url: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("RGBA"))


def _stage(page, src: str | None) -> np.ndarray | None:
    """The page's 28x28 stage image (shown enlarged by an integer factor), back at 28x28 in [0, 1]."""
    if not src:
        return None
    response = page.request.get(src)
    if not response.ok:
        raise RuntimeError(f"the page's stage image {src} answered HTTP {response.status}")
    image = np.asarray(Image.open(io.BytesIO(response.body())).convert("L"), np.float32) / 255
    factor = image.shape[0] // 28
    return image[:28 * factor, :28 * factor].reshape(28, factor, 28, factor).mean(axis=(1, 3))
