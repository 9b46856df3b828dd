"""The playground in a real browser: quick-train a CNN, draw a digit with the mouse, and see the
28x28 preview and the CNN's prediction."""

import pytest

from tests.browser.steps import assert_no_exception, open_app, wait_until_idle

pytestmark = pytest.mark.browser
CANVAS = "canvas.upper-canvas"  # Fabric.js's drawing layer (components v2: no iframe, an open shadow root)
PREVIEW = "28 × 28: what the networks see"


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
