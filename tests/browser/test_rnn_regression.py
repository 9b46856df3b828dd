"""The RNN regression page in a real browser: press Train, see the target and the prediction drawn."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import assert_no_exception, open_app, wait_until_idle

pytestmark = pytest.mark.browser
CHART = "[data-testid='stPlotlyChart']"
LIVE_TITLE = "Prediction (blue) and target (red)"


def test_train_draws_target_and_prediction(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, "rnn-regression")
    assert_no_exception(page)
    page.get_by_role("button", name="Train", exact=True).click()  # the visible tab's; the other tab's is hidden
    live = page.locator(CHART).filter(has_text=LIVE_TITLE)
    live.wait_for(timeout=30_000)
    wait_until_idle(page, 120_000)
    page.wait_for_selector("text=Training finished.", timeout=60_000)
    # Plotly draws after the script has finished: these wait (up to 10 s) for the chart to settle.
    expect(live.locator(".legendtext")).to_have_text(["target", "prediction"], timeout=10_000)
    expect(live.locator(".scatterlayer .trace path.js-line")).to_have_count(2, timeout=10_000)  # both curves
    expect(page.locator(CHART).filter(has_text="Free-running test")).to_have_count(1, timeout=10_000)
    assert_no_exception(page)
