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
    # A deep link opens the app itself (app.py's sidebar), never Streamlit's old pages/-folder mode.
    page.wait_for_selector("[data-testid='stSidebar'] >> text=Language / 语言", timeout=timeout_ms)
    wait_until_idle(page, timeout_ms)
    assert page.get_by_text("Page not found").count() == 0


def assert_no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
