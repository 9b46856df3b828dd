"""The CNN page in a real browser: its chart code loads once it is drawn; press Train, see the loss chart and the
accuracy update."""

import re

import pytest

from tests.browser.steps import SLOW_RUN, assert_no_exception, open_app, wait_until_idle

pytestmark = pytest.mark.browser
ACCURACY = re.compile(r"Test accuracy: \d+\.\d%")
PLOTLY_LOADED = "() => performance.getEntriesByType('resource').some(r => /\\/PlotlyChart\\.[^/]*\\.js$/.test(r.name))"


def accuracy_points(page) -> list[float]:
    """The accuracy curve's points as the browser's Plotly chart holds them (its first trace)."""
    return page.evaluate("() => { const plot = [...document.querySelectorAll('.js-plotly-plot')]"
                         ".find(p => (p.layout.title.text || '').includes('Test accuracy'));"
                         " if (!plot) return [];"
                         " const y = plot.data[0].y;"  # typed arrays come base64-encoded, decoded beside
                         " return Array.from(y._inputArray || y); }")


def test_train_shows_loss_and_accuracy_updating(browser_page, app_url):
    page = browser_page
    open_app(page, app_url)
    page.wait_for_timeout(1000)  # idle: the home page has no chart to come, and loads no chart code
    assert not page.evaluate(PLOTLY_LOADED)
    open_app(page, app_url, "cnn")
    assert_no_exception(page)
    assert page.locator("[data-testid='stPlotlyChart']").count() == 0  # no chart before training...
    page.wait_for_function("() => window.livelabChartCode === 'loaded'", timeout=30_000)  # ...yet its code is
    assert page.evaluate(PLOTLY_LOADED)  # Streamlit's own chunk for Plotly charts, which the first chart will find
    page.get_by_role("button", name="Train", exact=True).click()
    # Both charts appear (a run of 40 small steps may be over by the time they do).
    page.wait_for_selector("[data-testid='stPlotlyChart'] >> text=Training loss", timeout=30_000)
    page.locator("[data-testid='stPlotlyChart'] >> text=/Test accuracy: /").first.wait_for(timeout=30_000)
    page.wait_for_selector("text=Training finished.", timeout=120_000)
    wait_until_idle(page)
    first, *_, last = accuracy_points(page)  # evaluated after step 1, then again at the end
    assert first != last
    final = page.locator("[data-testid='stPlotlyChart'] >> text=/Test accuracy: /").first
    assert ACCURACY.search(final.text_content()).group() == f"Test accuracy: {last:.1%}"
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 4  # loss, accuracy, t-SNE, confusion
    # the prediction gallery: 24 test images, inline in one HTML grid, all decoded (data URIs decode asynchronously)
    page.wait_for_function("() => { const images = [...document.querySelectorAll('.livelab-gallery img')];"
                           " return images.length === 24 && images.every(i => i.complete && i.naturalWidth === 28); }",
                           timeout=15_000)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.livelab-gallery')).display") == "grid"
    assert_no_exception(page)


def progress(page) -> tuple[int, int]:
    """(steps done, steps in the run) from the progress bar."""
    text = page.locator("[data-testid='stProgress']").first.inner_text()
    done, total = re.search(r"Step (\d+) of (\d+)", text).groups()
    return int(done), int(total)


def test_stop_then_continue_resumes_at_the_same_step(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, SLOW_RUN)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stProgress'] >> text=/Step [1-9]/", timeout=30_000)  # it trains
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

