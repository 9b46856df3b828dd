"""What the benchmarks share: timing, the data arguments (with an MNIST-sized stand-in built
from the bundled digits), and timing a page's live training run through AppTest."""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from core import threads  # noqa: E402
from core.data import ImageData, load_images  # noqa: E402
from core.runner import BackgroundRun  # noqa: E402

threads.use_for_page()  # the main thread only coordinates; torch work runs in `timed`, as in the app


def timed(fn):
    """(fn(), seconds it took), run the way the app trains: on a BackgroundRun's thread, with no
    other thread keeping an OpenMP team beside it (see core/threads.py)."""
    run = BackgroundRun((fn() for _ in range(1)), total=1)  # fn runs when the worker asks for the record
    start = time.perf_counter()
    run.start()
    run.wait()
    seconds = time.perf_counter() - start
    if run.error is not None:
        raise run.error
    return run.history[0], seconds


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="digits", choices=("digits", "mnist", "fashion-mnist"))
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw (default: ./data)")
    parser.add_argument("--mnist-sized", action="store_true",
                        help="timings at MNIST scale, offline: the bundled digits tiled to 60k/10k images "
                             "(accuracy figures are then meaningless)")
    parser.add_argument("--repeat", type=int, default=1, help="measure the live-page overhead this many times")
    parser.add_argument("--apptest-poll-ms", type=float, default=20.0,
                        help="how often AppTest checks whether the timed page run has ended (AppTest's own: 1)")
    parser.add_argument("--browser", action="store_true",
                        help="also time the live page in Chromium against a real `streamlit run` server")


def load_data(args: argparse.Namespace) -> ImageData:
    """The dataset the arguments name; exits with a message when it is not on disk."""
    if args.mnist_sized:
        args.data, args.root = "mnist", tempfile.mkdtemp(prefix="livelab-mnist-sized-")
        write_mnist_sized_copy(Path(args.root))
    data = load_images(args.data, root=args.root, download=False)
    if data.note:
        sys.exit(f"{args.data} not found: {data.note}")
    print(f"dataset {data.name}{' (MNIST-sized copy of the bundled digits)' if args.mnist_sized else ''}: "
          f"{len(data.train_y)} train / {len(data.test_y)} test images; "
          f"torch {torch.__version__}, {threads.TRAINING_THREADS} threads for training")
    return data


def write_mnist_sized_copy(root: Path) -> None:
    """Tile the bundled digits to MNIST's size (60,000 / 10,000) as torchvision IDX files."""
    digits = load_images("digits")
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for prefix, x, y, n in (("train", digits.train_x, digits.train_y, 60_000),
                            ("t10k", digits.test_x, digits.test_y, 10_000)):
        index = torch.arange(n) % len(y)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(
            struct.pack(">IIII", 0x0803, n, 28, 28) + x[index].numpy().tobytes())
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(
            struct.pack(">II", 0x0801, n) + y[index].numpy().astype(np.uint8).tobytes())


def live_page_run(page_path: str, page_key: str, data_name: str, root: str | None, poll_ms: float = 20.0):
    """Press Train on a page at its default settings (AppTest, every chart drawn, no step cap) and
    time the whole run, AppTest checking every `poll_ms` whether it has ended. Returns (seconds,
    the page's training session)."""
    from streamlit.testing.v1 import AppTest

    from ui.app_sidebar import warm_up_torch

    os.environ.pop("LIVELAB_MAX_STEPS", None)
    if root:
        os.environ["LIVELAB_DATA_DIR"] = root
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=3600)
    at.session_state["dataset"] = data_name
    at.run()
    warm_up_torch().join()  # the app's own start-up warm-up (once per process) is over before timing
    at.switch_page(page_path).run()
    at.button(key=f"{page_key}.btn.train").click()
    with gentle_apptest_wait(poll_ms / 1000):
        start = time.perf_counter()
        at.run()  # the page trains on its own thread; this one only waits for the script to end
        return time.perf_counter() - start, at.session_state[f"{page_key}.session"]


@contextmanager
def gentle_apptest_wait(poll_seconds: float = 0.02) -> Iterator[None]:
    """AppTest waits for a script by waking every millisecond; beside a training loop on 2 cores that
    poll alone cost the loop 4-15% (measured). A real server has no such loop, so while timing a
    page, wait the same way but wake every `poll_seconds` (the end is seen that much late at most)."""
    from streamlit.testing.v1 import local_script_runner

    def wait(runner, timeout: float = 3) -> None:
        deadline = time.monotonic() + timeout
        while not runner.script_stopped():
            if time.monotonic() > deadline:
                runner.request_stop()
                runner.join()
                raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")
            time.sleep(poll_seconds)

    original = local_script_runner.require_widgets_deltas
    local_script_runner.require_widgets_deltas = wait
    try:
        yield
    finally:
        local_script_runner.require_widgets_deltas = original


def browser_page_run(url_path: str, data_name: str, root: str | None, port: int = 8766) -> float:
    """Press Train on a page at its default settings in Chromium, against a real `streamlit run app.py`,
    and time it until "Training finished." is on screen. The browser draws every chart on this
    machine's cores too, as on a teacher's laptop (a hosted app's students draw on their own)."""
    with app_in_chromium(data_name, port, **({"LIVELAB_DATA_DIR": root} if root else {})) as page:
        page.goto(f"http://127.0.0.1:{port}/{url_path}?dataset={data_name}")
        page.wait_for_timeout(500)
        page.wait_for_selector(IDLE, timeout=120_000)
        page.wait_for_timeout(1500)  # the page is drawn, as a student would see it
        start = time.perf_counter()
        page.get_by_role("button", name="Train", exact=True).first.click()
        page.wait_for_selector("text=Training finished.", timeout=3_600_000)
        return time.perf_counter() - start


def page_overhead(page_key: str, url_path: str, args: argparse.Namespace,
                  bare_loop: Callable[[Any], Iterable]) -> None:
    """The page app_pages/<page_key>.py (served at /<url_path>) at its defaults against
    `bare_loop(session)`: the same optimisation loop, no evaluation, embedding or charts. Each
    repeat measures both (and, with --browser, the page in Chromium), one after the other; the
    median ratio is the figure (this machine's timings vary by a third from run to run)."""
    ratios: dict[str, list[float]] = {"AppTest": [], "Chromium": []}
    for _ in range(args.repeat):
        live, session = live_page_run(f"app_pages/{page_key}.py", page_key, args.data, args.root,
                                      args.apptest_poll_ms)
        browser = browser_page_run(url_path, args.data, args.root) if args.browser else None
        _, bare = timed(lambda s=session: list(bare_loop(s)))
        ratios["AppTest"].append(live / bare)
        in_browser = ""
        if browser is not None:
            ratios["Chromium"].append(browser / bare)
            in_browser = f", in Chromium {browser:.1f} s -> {browser / bare:.2f}x"
        config = session.config
        print(f"overhead  page defaults, 1 epoch on {session.extra['data'].name}: bare loop {bare:.1f} s; live page "
              f"(AppTest polling every {args.apptest_poll_ms:g} ms) {live:.1f} s -> {live / bare:.2f}x{in_browser} "
              f"(eval every {config.eval_every} on {config.test_size}, {config.embed_method} every "
              f"{config.embed_every} on {config.embed_points} points)", flush=True)
    for how, values in ratios.items():
        if len(values) > 1:
            print(f"overhead  {how}, median of {len(values)}: {statistics.median(values):.2f}x "
                  f"(range {min(values):.2f}-{max(values):.2f}x)")


IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    """A port no other server on this machine is using now (benchmarks may run beside tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@contextmanager
def app_in_chromium(data_name: str, port: int, **env: str) -> Iterator:
    """A real `streamlit run app.py` (extra environment in `env`) and a Chromium page opened at its
    entry point with `data_name` chosen; the server stops afterwards."""
    from playwright.sync_api import sync_playwright

    environment = {**os.environ, "LIVELAB_DOWNLOAD": "0" if data_name == "digits" else "1", **env}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.headless", "true"], cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            page = chromium.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/?dataset={data_name}")
            page.wait_for_timeout(500)
            page.wait_for_selector(IDLE, timeout=120_000)
            yield page
            chromium.close()
    finally:
        server.terminate()
        server.wait(10)
