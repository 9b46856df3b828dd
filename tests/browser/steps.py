"""Small steps shared by the browser tests."""

from __future__ import annotations

import tomllib
from pathlib import Path

# The CNN page's heading in English, as its locale has it (a test waits for it after a reload).
CNN_HEADING = "h1 >> text=" + tomllib.loads(
    (Path(__file__).resolve().parents[2] / "locales" / "en" / "cnn.toml").read_text(encoding="utf-8"))["title"]

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
EXCEPTION = "[data-testid='stException']"
# A run to click Stop in mid-way: two epochs of the tests' data at batch 512 are 52 steps, 40 under the test
# server's cap (BROWSER_MAX_STEPS), slowed by an evaluation every 10. Playwright's click waits for the live
# page to settle, so on a quiet machine the run stopped 4-11 steps past the step shown at the click; one
# epoch (26 steps) was over first in a busy full run.
SLOW_RUN = "cnn?batch_size=512&eval_every=10&epochs=2&lang=en"


def wait_until_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app's script has finished its current run."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def open_app(page, app_url: str, url_path: str = "", timeout_ms: int = 60_000) -> None:
    """Open a page of the app (url_path as given to st.Page, e.g. "cnn") and wait for it to draw."""
    page.goto(f"{app_url}/{url_path}")
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    # A deep link opens the app itself (app.py's sidebar), never Streamlit's old pages/-folder mode.
    page.wait_for_selector("[data-testid='stSidebar'] >> text=Language / 语言", timeout=timeout_ms)
    wait_until_idle(page, timeout_ms)
    assert page.get_by_text("Page not found").count() == 0


def assert_no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


# A page is drawn when its script has finished and what a student needs is on screen. Checked in
# the page (one function, polled on every frame), so that the moment both hold is what is timed.
HOME_DRAWN = ("() => !!document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")"
              " && [...document.querySelectorAll('h1')].some(h => h.textContent.includes('Live Lab'))")
TRAIN_READY = ("() => !!document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")"
               " && [...document.querySelectorAll('button')].some(b => b.innerText.trim() === 'Train' && !b.disabled)")


def wait_until_drawn(page, condition: str, timeout_ms: int = 120_000) -> None:
    """Wait until `condition` (HOME_DRAWN, TRAIN_READY) holds in the page."""
    page.wait_for_function(condition, timeout=timeout_ms)
