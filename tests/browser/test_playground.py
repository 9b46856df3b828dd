"""The playground in a real browser: quick-train a CNN, draw a digit with the mouse, and see the
28x28 preview and the CNN's prediction; strokes drawn quickly, or right after Clear, all reach
the analysis."""

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw
from streamlit.proto.BackMsg_pb2 import BackMsg

from core.preprocess import to_mnist
from tests.browser.steps import assert_no_exception, open_app, wait_until_idle
from ui.canvas import RESEND_S

pytestmark = pytest.mark.browser
CANVAS = ".livelab-canvas canvas"  # ui/canvas.js (components v2: no iframe, an open shadow root)
PREVIEW = "28 × 28: what the networks see"
STROKE_WIDTH = 22  # the page's default
SETTLE_MS = int(RESEND_S * 1000) + 1000  # after the last stroke: even a drawing sent again has reached the page
# A "4" in two strokes, canvas pixels: down and across, then the upright that crosses it.
FOUR = (((95, 40), (80, 110), (70, 170), (150, 170), (225, 170)), ((185, 60), (185, 150), (185, 250)))
SEVEN = (((60, 50), (140, 50), (215, 50)), ((215, 50), (170, 140), (120, 240)))


def draw_a_one(page) -> None:
    """A tall stroke, drawn like a student would, top to bottom in small mouse moves."""
    box = page.locator(CANVAS).bounding_box()
    x = box["x"] + box["width"] * 0.55
    top, bottom = box["y"] + box["height"] * 0.15, box["y"] + box["height"] * 0.85
    page.mouse.move(x - 15, top + 10)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x - 15 + 15 * min(i, 3) / 3, top + (bottom - top) * i / 20)
    page.mouse.up()


def draw_strokes(page, strokes) -> None:
    """Pen strokes through the given canvas points, in small mouse moves, each stroke starting as
    soon as the last one ends (one mouse move between them: a few milliseconds)."""
    box = page.locator(CANVAS).bounding_box()
    for points in strokes:
        page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        page.mouse.down()
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            for k in range(1, 9):
                page.mouse.move(box["x"] + x0 + (x1 - x0) * k / 8, box["y"] + y0 + (y1 - y0) * k / 8)
        page.mouse.up()


def settle(page) -> None:
    """Wait until the page has settled after the last stroke, then for its script run to end."""
    page.wait_for_timeout(SETTLE_MS)
    wait_until_idle(page)


def seen_by_networks(page) -> np.ndarray:
    """The page's "28 x 28: what the networks see" stage, decoded back to (28, 28) in [0, 1]."""
    stage = page.locator("[data-testid='stImage']", has=page.get_by_text(PREVIEW, exact=True))
    src = stage.locator("img").get_attribute("src")
    image = Image.open(io.BytesIO(page.request.get(src).body())).convert("L")
    pixels = np.asarray(image, np.float32) / 255  # enlarged by a whole factor for display
    factor = pixels.shape[0] // 28
    return pixels[:28 * factor, :28 * factor].reshape(28, factor, 28, factor).mean(axis=(1, 3))


def prepared(strokes) -> np.ndarray:
    """What the networks should see for `strokes`: drawn here with Pillow and prepared like the page does."""
    image = Image.new("L", (280, 280))
    pen = ImageDraw.Draw(image)
    r = STROKE_WIDTH / 2  # the pen is round
    for points in strokes:
        pen.line(points, fill=255, width=STROKE_WIDTH, joint="curve")
        for x, y in (points[0], points[-1]):
            pen.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return to_mnist(np.asarray(image))


def assert_shows(seen: np.ndarray, strokes) -> None:
    """`seen` is the drawing of every one of `strokes`: nearer to it than to the drawing of any fewer."""
    differences = [float(np.abs(seen - prepared(strokes[:n])).mean()) for n in range(1, len(strokes) + 1)]
    assert differences[-1] < 0.05 and differences[-1] == min(differences), differences


def test_drawing_a_digit_shows_the_preview_and_a_prediction(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, "playground")
    assert_no_exception(page)
    page.get_by_text("Draw a digit on the black square").wait_for()
    page.get_by_role("button", name="Quick-train a CNN").click()
    page.get_by_text("No network has been trained").wait_for(state="detached", timeout=120_000)
    wait_until_idle(page, 120_000)

    page.locator(CANVAS).wait_for(timeout=30_000)
    draw_a_one(page)
    page.get_by_text(PREVIEW).wait_for(timeout=30_000)
    prediction = page.get_by_text("CNN: ", exact=False).filter(has_text="%").first
    prediction.wait_for(timeout=30_000)
    wait_until_idle(page)
    page.locator("[data-testid='stPlotlyChart'] >> text=CNN: class probabilities").wait_for(timeout=30_000)
    page.locator("[data-testid='stPlotlyChart'] >> text=/Saliency: what made it/").wait_for(timeout=30_000)
    assert_no_exception(page)

    page.get_by_role("button", name="Clear", exact=True).click()
    page.get_by_text(PREVIEW).wait_for(state="detached", timeout=30_000)
    assert_no_exception(page)


def test_two_quick_strokes_are_both_analysed(browser_page, app_url):
    """The second stroke starts as the first ends, while the page reruns for the first."""
    page = browser_page
    open_app(page, app_url, "playground")
    page.locator(CANVAS).wait_for(timeout=30_000)
    draw_strokes(page, FOUR)
    settle(page)
    assert_no_exception(page)
    assert_shows(seen_by_networks(page), FOUR)


def test_a_digit_drawn_right_after_clear_is_analysed(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, "playground")
    page.locator(CANVAS).wait_for(timeout=30_000)
    draw_strokes(page, SEVEN)
    page.get_by_text(PREVIEW).wait_for(timeout=30_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Clear", exact=True).click()
    draw_strokes(page, FOUR)  # at once: the page has not answered Clear yet
    settle(page)
    assert_no_exception(page)
    assert page.get_by_text("Draw a digit on the black square").count() == 0
    assert_shows(seen_by_networks(page), FOUR)


def test_a_stroke_lost_on_the_way_to_the_server_is_sent_again(browser_page, app_url):
    """The second stroke's update never reaches the server (dropped here, on the WebSocket): the
    canvas, which has not been told that its drawing was analysed, sends it again."""
    page, dropped = browser_page, []

    def second_stroke(message) -> bool:
        back = BackMsg()
        back.ParseFromString(message)
        return back.WhichOneof("type") == "rerun_script" and any(
            widget.id.endswith("playground.canvas") and json.loads(widget.json_value)["drawing"]["seq"] == 2
            for widget in back.rerun_script.widget_states.widgets)

    def route(socket):
        server = socket.connect_to_server()

        def to_server(message):
            if isinstance(message, bytes) and not dropped and second_stroke(message):
                dropped.append(message)
            else:
                server.send(message)
        socket.on_message(to_server)

    page.route_web_socket("**/_stcore/stream", route)
    open_app(page, app_url, "playground")
    page.locator(CANVAS).wait_for(timeout=30_000)
    draw_strokes(page, FOUR)
    settle(page)
    assert dropped
    assert_shows(seen_by_networks(page), FOUR)
