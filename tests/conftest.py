"""Shared fixtures: tiny datasets written in torchvision's raw IDX layout, settings that keep every
training run in the tests to a few steps, and a throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
import re
import struct
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from core import classroom, environment
from core.classroom import Classroom
from core.data import ImageData, bundled_digits
from core.registry import Registry
from core.results import ResultsStore, default_url
from tests import postgres

IDX_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def write_idx(root: Path, folder: str, n_train: int = 60, n_test: int = 20, seed: int = 0) -> Path:
    """Write MNIST-format files under root/<folder>/raw (folder: "MNIST" or "FashionMNIST").
    Images are class-dependent blobs, so a model can learn them."""
    raw = root / folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for train, n in ((True, n_train), (False, n_test)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = rng.integers(0, 30, size=(n, 28, 28), dtype=np.uint8)
        for i, label in enumerate(labels):  # a bright bar whose position encodes the class
            images[i, 4 + 2 * label: 6 + 2 * label, 4:24] = 250
        image_file, label_file = IDX_FILES[train]
        (raw / image_file).write_bytes(struct.pack(">IIII", 0x0803, n, 28, 28) + images.tobytes())
        (raw / label_file).write_bytes(struct.pack(">II", 0x0801, n) + labels.tobytes())
    return root


@pytest.fixture(scope="session")
def digits() -> ImageData:
    return bundled_digits()


@pytest.fixture(scope="session")
def tiny_digits(digits) -> ImageData:
    """A few hundred bundled digits: enough to learn something in a few dozen steps."""
    g = torch.Generator().manual_seed(0)
    train = torch.randperm(len(digits.train_y), generator=g)[:600]
    return ImageData(digits.train_x[train], digits.train_y[train], digits.test_x[:200], digits.test_y[:200],
                     digits.classes, "digits")


@pytest.fixture(scope="session")
def postgres_cluster():
    """A PostgreSQL cluster of the tests' own (tests/postgres.py), for the whole session. Without PostgreSQL's
    binaries the tests that need it fail under CI (the environment variable CI is set: they must run there)
    and are skipped elsewhere."""
    bin_dir = postgres.binaries()
    if bin_dir is None:
        reason = ("PostgreSQL is not installed (no initdb on the PATH or in /usr/lib/postgresql/*/bin): "
                  "apt-get install postgresql")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = postgres.Cluster.create(bin_dir)
    yield cluster
    cluster.remove()


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    """Environment for AppTest runs: offline data folder and a small step cap."""
    monkeypatch.setenv("LIVELAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIVELAB_MAX_STEPS", "12")
    monkeypatch.setenv("LIVELAB_DOWNLOAD", "0")
    return tmp_path


@pytest.fixture
def this_class(app_env, monkeypatch):
    """A class of its own for the test, as the server's (core/classroom.py)."""
    store = ResultsStore(default_url(app_env / "data"))
    made = Classroom(Registry(), store)
    monkeypatch.setattr(classroom, "_server", made)
    yield made
    store.close()


@pytest.fixture
def fresh_environment():
    """core.environment with its parse cache emptied, so that a bad value this test sets is logged
    here even if an earlier test logged it (each distinct value is logged once per process)."""
    environment.value_of.cache_clear()
    yield environment
    environment.value_of.cache_clear()


ROOT_APP = str(Path(__file__).resolve().parent.parent / "app.py")


def wait_until(condition, timeout: float = 60.0) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def finish(at, page_key: str, timeout: float = 120):
    """Wait for the page's run to end (training goes on off the page's thread), then draw the page
    again, as a student watching it would see it."""
    run = at.session_state[f"{page_key}.run"]
    assert run.job.wait(timeout), f"{page_key} still training after {timeout} s"
    at.run()
    return run


def train(at, page_key: str, timeout: float = 120):
    """Press the page's Train and wait for the run to end; the run."""
    at.button(key=f"{page_key}.btn.train").click().run()
    return finish(at, page_key, timeout)


def open_page(page: str | None = None, dataset: str = "digits", lang: str = "en", timeout: float = 120):
    """An AppTest of app.py switched to `page` (e.g. "app_pages/cnn.py"), run once."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(ROOT_APP, default_timeout=timeout)
    at.session_state["dataset"] = dataset
    at.session_state["lang"] = lang
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def markdown_rows(text: str) -> list[list[str]]:
    """The rows of a table ui.markdown_table wrote, header first, each cell unescaped."""
    rows = [re.split(r"(?<!\\) \| ", line.strip()[2:-2]) for line in text.splitlines() if line.startswith("| ")]
    return [[re.sub(r"\\(.)", r"\1", cell) for cell in row] for row in rows]


def markdown_tables(where) -> list[list[list[str]]]:
    """The Markdown tables (ui.markdown_table) an AppTest or one of its parts (at.sidebar) shows, as rows."""
    return [markdown_rows(element.value) for element in where.markdown if element.value.startswith("| ")]
