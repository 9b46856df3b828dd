"""The script behind the page, taken home from a real browser: download it from the CNN page's sidebar,
run it outside the app for a few steps, and see its accuracy line."""

import subprocess
import sys

import pytest

from tests.browser.steps import assert_no_exception, open_app
from tests.conftest import write_idx

pytestmark = pytest.mark.browser


def test_the_downloaded_script_runs_outside_the_app(browser_page, app_url, tmp_path):
    page = browser_page
    open_app(page, app_url, "cnn?lr=0.003&seed=7&lang=en")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as a PyTorch script").click()
    script = tmp_path / download.value.suggested_filename
    download.value.save_as(script)
    assert script.name == "cnn_mnist_seed7.py"
    text = script.read_text()
    assert "SEED = 7" in text and "LR = 0.003" in text  # the page's settings, written in
    write_idx(tmp_path / "data", "MNIST", n_train=200, n_test=50)
    done = subprocess.run([sys.executable, str(script), "--data", str(tmp_path / "data"), "--max-steps", "5"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("test accuracy ") and 0 <= float(last.split()[-1]) <= 1
    assert_no_exception(page)
