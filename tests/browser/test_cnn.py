"""The CNN page in a real browser: press Train, see the loss chart and the accuracy update."""

import re

import pytest

from tests.browser.steps import assert_no_exception, open_app, wait_until_idle

pytestmark = pytest.mark.browser
ACCURACY = re.compile(r"Test accuracy: \d+\.\d%")


def test_train_shows_loss_and_accuracy_updating(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, "cnn")
    assert_no_exception(page)
    page.get_by_role("button", name="Train", exact=True).click()
    # Both charts appear while training, before the run ends.
    page.wait_for_selector("[data-testid='stPlotlyChart'] >> text=Training loss", timeout=30_000)
    first = page.locator("[data-testid='stPlotlyChart'] >> text=/Test accuracy: /").first
    first.wait_for(timeout=30_000)
    first_value = ACCURACY.search(first.text_content()).group()
    wait_until_idle(page, 120_000)
    page.wait_for_selector("text=Training finished.", timeout=60_000)
    final = page.locator("[data-testid='stPlotlyChart'] >> text=/Test accuracy: /").first
    final_value = ACCURACY.search(final.text_content()).group()
    assert final_value != first_value  # evaluated after step 1, then again at the end
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 4  # loss, accuracy, t-SNE, confusion
    assert_no_exception(page)
