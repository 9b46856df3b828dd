"""bench/classroom.py seats 30-40 students with a protocol-level client (bench/streamlit_client.py)
instead of Chromium. Against the real server, such a tab must open a page, press Train and see the
run advance to its end on the server, or the benchmark's figures would be about nothing."""

import pytest

from bench.streamlit_client import EventLoopThread, Tab
from tests.browser.conftest import BROWSER_MAX_STEPS

pytestmark = pytest.mark.browser


async def train_once(app_url: str) -> Tab:
    tab = Tab(app_url, "dataset=digits&lang=en")
    await tab.open("cnn", timeout_s=120)
    assert tab.enabled("cnn.btn.train")
    assert tab.state.progress.total == 0  # nothing has trained yet
    await tab.press_and_follow("cnn.btn.train", 120)  # fragments follow the run; the page reruns at its end
    await tab.close()
    return tab


def test_a_protocol_tab_trains_the_cnn_to_the_end(app_url):
    loop = EventLoopThread()  # as in the benchmark (Playwright's sync API may hold this thread's loop)
    try:
        tab = loop.call(train_once(app_url), timeout_s=300)
    finally:
        loop.close()
    assert not tab.state.exceptions
    assert tab.state.progress.done == tab.state.progress.total == int(BROWSER_MAX_STEPS)
    assert tab.enabled("cnn.btn.train")  # the page was drawn again once the run had ended
