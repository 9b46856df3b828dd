"""The timeline and the linked views in a real browser: rewind a finished CNN run with the step
slider, play the embedding's animation, click a cell of the confusion matrix."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import assert_no_exception, open_app, wait_until_idle

pytestmark = pytest.mark.browser
CHART = "[data-testid='stPlotlyChart']"
TSNE_TITLE = re.compile(r"t-SNE \(step (\d+)\)")


def embedding_step(page) -> int:
    """The step in the embedding chart's title."""
    title = page.locator(CHART).filter(has_text="Last hidden layer").locator(".gtitle").first.text_content()
    return int(TSNE_TITLE.search(title).group(1))


def test_rewind_play_and_point(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, "cnn?eval_every=10&embed_every=10&lang=en")  # a frame every 10 of the 40 steps
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("text=Training finished.", timeout=120_000)
    wait_until_idle(page)
    assert embedding_step(page) == 40  # BROWSER_MAX_STEPS

    timeline = page.locator("[data-testid='stSlider']").filter(has_text="Step shown")
    timeline.get_by_role("slider").focus()
    page.keyboard.press("Home")  # step 1: the evaluation of step 1, no embedding frame yet
    page.wait_for_function("() => document.body.innerText.includes('Confusion matrix (step 1)')", timeout=30_000)
    for _ in range(25):
        page.keyboard.press("ArrowRight")
    wait_until_idle(page)
    page.wait_for_timeout(1000)
    wait_until_idle(page)
    step = int(timeline.locator("[data-testid='stSliderThumbValue']").inner_text())
    assert 10 <= step < 40
    frame = step // 10 * 10  # evaluations and frames every 10 steps: the last at or before the step
    page.wait_for_function(f"() => document.body.innerText.includes('t-SNE (step {frame})')", timeout=30_000)
    # every chart rewinds together (each Plotly chart draws on its own: wait for this one too)
    expect(page.get_by_text(f"Confusion matrix (step {frame})")).to_have_count(1, timeout=10_000)
    page.keyboard.press("End")  # the last step again
    page.wait_for_function("() => document.body.innerText.includes('t-SNE (step 40)')", timeout=30_000)
    wait_until_idle(page)

    embedding = page.locator(CHART).filter(has_text="Last hidden layer")
    point = embedding.locator(".textpoint text").first
    before = point.get_attribute("x")
    embedding.locator(".updatemenu-button").filter(has_text="Play").click()
    page.wait_for_function(  # the animation moves the points in the browser, without a rerun
        "([x]) => document.querySelector('.textpoint text').getAttribute('x') !== x", arg=[before], timeout=15_000)

    gallery_before = page.locator(".livelab-gallery").inner_html()
    confusion = page.locator(CHART).filter(has_text="Confusion matrix")
    cell = confusion.locator(".scatterlayer .point").first.bounding_box()  # the cell (true 0, predicted 0)
    page.mouse.click(cell["x"] + cell["width"] / 2, cell["y"] + cell["height"] / 2)
    page.wait_for_selector("text=Test images: true 0, predicted 0", timeout=30_000)
    wait_until_idle(page)
    assert page.locator(".livelab-gallery").inner_html() != gallery_before
    assert all("true 0" in caption for caption in page.locator(".livelab-gallery figcaption").all_inner_texts())
    page.get_by_role("button", name="Show all").click()
    page.wait_for_selector("text=Test predictions (mistakes first)", timeout=30_000)
    assert_no_exception(page)
