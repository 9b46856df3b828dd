"""The RNN classifier page in a real browser: train briefly, see the charts, then open the
reading view and step through the rows with the slider."""

import pytest

from tests.browser.steps import assert_no_exception, open_app, wait_until_idle

pytestmark = pytest.mark.browser
CHART = "[data-testid='stPlotlyChart']"


def test_train_then_read_an_image_row_by_row(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, "rnn-classifier")
    assert_no_exception(page)
    page.get_by_role("button", name="Train", exact=True).first.click()
    page.wait_for_selector(f"{CHART} >> text=Training loss", timeout=30_000)
    wait_until_idle(page, 120_000)
    page.wait_for_selector("text=Training finished.", timeout=60_000)
    assert page.locator(f"{CHART} >> text=/Test accuracy: /").count() >= 1
    assert page.locator(f"{CHART} >> text=/Confusion matrix/").count() >= 1

    page.get_by_role("tab", name="Reading view").click()
    page.wait_for_selector(f"{CHART} >> text=Row 28 being read", timeout=30_000)
    assert page.locator(f"{CHART} >> text=Class probabilities after each row").is_visible()
    assert page.locator(f"{CHART} >> text=Hidden state after each row").is_visible()
    slider = page.locator("[data-testid='stSlider']").filter(has_text="Rows read").get_by_role("slider")
    slider.focus()
    page.keyboard.press("Home")  # back to the first row
    page.wait_for_selector(f"{CHART} >> text=Row 1 being read", timeout=30_000)
    wait_until_idle(page)
    assert page.get_by_text("After row 1 of 28").is_visible()
    assert_no_exception(page)
