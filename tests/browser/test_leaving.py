"""A student who closes the tab mid-run: the run stops at once (the server stops spending a core on
it) instead of training on for nobody."""

import time

import pytest

from bench.procstat import cpu_seconds
from tests.browser.steps import open_app

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
    assert page.get_by_text("Training finished.").count() == 0
    training = cores_used(app_server.pid, 1.5)
    context.close()  # the tab goes: its websocket closes and Streamlit ends the session's caches
    time.sleep(1.0)
    after = cores_used(app_server.pid, 2.0)
    # Chromium draws the live page on the same 2 cores, so training gets what the browser leaves it.
    assert training > 0.25, f"the run was not training ({training:.2f} cores)"
    assert after < 0.1, f"the server still used {after:.2f} cores after the tab closed"
