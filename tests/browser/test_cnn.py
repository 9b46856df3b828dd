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
    # the prediction gallery: 24 test images, inline in one HTML grid, all decoded (data URIs decode asynchronously)
    page.wait_for_function("() => { const images = [...document.querySelectorAll('.livelab-gallery img')];"
                           " return images.length === 24 && images.every(i => i.complete && i.naturalWidth === 28); }",
                           timeout=15_000)
    assert_no_exception(page)


SLOW_RUN = "cnn?batch_size=512&eval_every=10&lang=en"  # a few dozen slow steps: time to click mid-run


def progress(page) -> tuple[int, int]:
    """(steps done, steps in the run) from the progress bar."""
    text = page.locator("[data-testid='stProgress']").first.inner_text()
    done, total = re.search(r"Step (\d+) of (\d+)", text).groups()
    return int(done), int(total)


def test_stop_then_continue_resumes_at_the_same_step(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, SLOW_RUN)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stPlotlyChart'] >> text=Training loss", timeout=30_000)
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop", exact=True).click()
    page.wait_for_selector("text=Stopped. Nothing is lost", timeout=30_000)
    wait_until_idle(page)
    stopped_at, total = progress(page)
    assert 0 < stopped_at < total
    page.wait_for_timeout(1500)
    assert progress(page)[0] == stopped_at  # nothing trains while stopped
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_selector("text=Training finished.", timeout=120_000)
    done, total = progress(page)
    assert done == total and total > stopped_at
    assert_no_exception(page)


def test_leaving_mid_run_and_coming_back_keeps_the_history(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, SLOW_RUN)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stPlotlyChart'] >> text=Training loss", timeout=30_000)
    page.get_by_role("link", name="Home").first.click()
    page.wait_for_selector("text=How it works.", timeout=30_000)
    page.wait_for_timeout(1000)
    page.get_by_role("link", name="CNN on MNIST").first.click()
    # The run went on in the background: the charts are back, and the run ends normally.
    page.wait_for_selector("[data-testid='stPlotlyChart'] >> text=Training loss", timeout=30_000)
    page.wait_for_selector("text=Training finished.", timeout=120_000)
    done, total = progress(page)
    assert done == total
    assert_no_exception(page)
