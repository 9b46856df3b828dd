"""Runs kept and compared, in a real browser: the weights download really downloads (Streamlit makes
the file when the button is clicked), and the file, uploaded to the playground, reads a drawing."""

import csv
import io
from pathlib import Path

import pytest

from core.models import CNNSpec
from core.weights import load
from tests.browser.steps import assert_no_exception, open_app, wait_until_idle
from tests.browser.test_playground import CANVAS, draw_a_one

pytestmark = pytest.mark.browser
STEPS = 40  # BROWSER_MAX_STEPS


def train_and_finish(page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    wait_until_idle(page, 120_000)
    page.get_by_text("Training finished.").wait_for(timeout=120_000)
    wait_until_idle(page, 120_000)


def download(page, label: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=30_000) as started:
        page.get_by_role("button", name=label).click()
    return started.value.suggested_filename, Path(started.value.path()).read_bytes()


def test_two_runs_compared_then_the_weights_downloaded_and_read_by_the_playground(browser_page, app_url):
    page = browser_page
    open_app(page, app_url, "cnn?embed_method=none&lang=en")
    train_and_finish(page)
    seed = page.get_by_test_id("stSidebar").get_by_role("spinbutton", name="Seed")
    seed.fill("7")
    seed.press("Enter")
    wait_until_idle(page)
    train_and_finish(page)

    page.get_by_text("Runs: compare, take home, train from a file").click()
    page.locator("[data-testid='stPlotlyChart'] >> text=Loss of the runs (smoothed)").wait_for(timeout=30_000)
    page.get_by_role("button", name="Download weights (.pt)").wait_for(timeout=30_000)
    assert_no_exception(page)

    name, weights_file = download(page, "Download weights (.pt)")
    weights = load(weights_file, networks=("cnn",))
    assert name == "livelab-cnn-run2.pt" and weights.steps == STEPS and weights.spec == CNNSpec()
    assert weights.config["seed"] == 7
    name, data = download(page, "Download metrics (.csv)")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "livelab-cnn-run2-metrics.csv" and len(rows) == STEPS

    page.get_by_test_id("stSidebarNav").get_by_text("Playground").click()
    wait_until_idle(page)
    page.get_by_text("Use a network from a weights file").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").last.set_input_files(
        files=[{"name": "mine.pt", "mimeType": "application/octet-stream", "buffer": weights_file}])
    page.get_by_text("mine.pt").first.wait_for(timeout=30_000)
    wait_until_idle(page)
    page.locator(CANVAS).wait_for(timeout=30_000)
    draw_a_one(page)
    page.locator("[data-testid='stPlotlyChart'] >> text=CNN from mine.pt: class probabilities").wait_for(
        timeout=30_000)
    assert_no_exception(page)

