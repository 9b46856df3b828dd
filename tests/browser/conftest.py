"""Fixtures for the browser tests: one real `streamlit run app.py` server and one Chromium per test
session, both started by harness.py (which the benchmarks share), and a fresh page per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import harness

BROWSER_MAX_STEPS = "40"  # long enough to see a run, short enough for CI
TEACHER_PASSWORD = "chalk-and-cheese"  # opens the Class page of the tests' servers
ARTIFACTS = harness.ROOT / "test-artifacts"


def server_env(data_dir: Path, max_steps: str = BROWSER_MAX_STEPS) -> dict[str, str]:
    """The environment of a test server: no downloads, a step cap, its own data folder (where its
    results database lives too) and the teacher's password."""
    return {"LIVELAB_DOWNLOAD": "0", "LIVELAB_MAX_STEPS": max_steps, "LIVELAB_DATA_DIR": str(data_dir),
            "LIVELAB_TEACHER_PASSWORD": TEACHER_PASSWORD}


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> harness.Server:
    env = server_env(tmp_path_factory.mktemp("data"))
    with harness.running_server(env, log=tmp_path_factory.mktemp("server") / "streamlit.log") as server:
        yield server


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    with harness.chromium() as chromium:
        yield chromium


@pytest.fixture
def browser_page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:  # keep a picture of what the test saw
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        (ARTIFACTS / f"{request.node.name}.txt").write_text(page.locator("body").inner_text())
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
