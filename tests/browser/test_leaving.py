"""A student who closes the tab mid-run: the run stops at once (the server stops spending a core on
it) instead of training on for nobody."""

import time

import pytest

from bench.procstat import cpu_seconds
from tests.browser.steps import open_app
from tests.conftest import wait_until

pytestmark = pytest.mark.browser
LONG_RUN = "cnn?batch_size=512&eval_every=500&embed_method=none&epochs=10&lang=en"  # busy for the whole cap


def cores_used(pid: int, seconds: float) -> float:
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def test_closing_the_tab_mid_run_stops_the_run(browser, app_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_app(page, app_server.url, LONG_RUN)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stPlotlyChart'] >> text=Training loss", timeout=60_000)
    # The run trains: the server spends CPU time on it. How fast depends on what else the 2 cores do
    # (Chromium draws the live page on them), so wait for the time to add up rather than for a rate.
    start = cpu_seconds(app_server.pid)
    wait_until(lambda: cpu_seconds(app_server.pid) - start >= 0.5, timeout=30)
    assert page.get_by_text("Training finished.").count() == 0  # still training when the tab goes
    context.close()  # the tab goes: its websocket closes and Streamlit ends the session's caches
    time.sleep(1.0)
    after = cores_used(app_server.pid, 2.0)
    assert after < 0.1, f"the server still used {after:.2f} cores after the tab closed"
