"""Small steps shared by the browser tests."""

from __future__ import annotations

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
EXCEPTION = "[data-testid='stException']"


def wait_until_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app's script has finished its current run."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def open_app(page, app_url: str, url_path: str = "", timeout_ms: int = 60_000) -> None:
    """Open a page of the app (url_path as given to st.Page, e.g. "cnn") and wait for it to draw."""
    page.goto(f"{app_url}/{url_path}")
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_timeout(300)  # let the first script run begin
    wait_until_idle(page, timeout_ms)


def assert_no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
