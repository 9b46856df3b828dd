"""What the benchmarks share: timing, the data arguments (with an MNIST-sized stand-in built
from the bundled digits), and timing a page's live training run as a server serves it."""

from __future__ import annotations

import argparse
import statistics
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from core import catalog, threads  # noqa: E402
from core.data import ImageData, load_images  # noqa: E402
from core.run import Run  # noqa: E402
from core.runner import BackgroundRun  # noqa: E402
from tests.browser import harness  # noqa: E402
from tests.browser.steps import IDLE  # noqa: E402  (bench/ scripts import it from here)

threads.use_for_page()  # the main thread only coordinates; torch work runs in `timed`, as in the app


def timed(fn):
    """(fn(), seconds it took), run the way the app trains: on a training slot of the scheduler, with
    no other thread keeping an OpenMP team beside it (see core/threads.py)."""
    run = BackgroundRun((fn() for _ in range(1)), total=1)  # fn runs when the worker asks for the record
    start = time.perf_counter()
    run.start()
    run.wait()
    seconds = time.perf_counter() - start
    if run.error is not None:
        raise run.error
    return run.records[0], seconds


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="digits", choices=catalog.names())
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw (default: ./data)")
    parser.add_argument("--mnist-sized", action="store_true",
                        help="timings at MNIST scale, offline: the bundled digits tiled to 60k/10k images "
                             "(accuracy figures are then meaningless)")
    parser.add_argument("--repeat", type=int, default=1, help="measure the live-page overhead this many times")
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
          f"torch {torch.__version__}, {threads.training_budget()} threads for training")
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


def served_page_run(url_path: str, page_key: str, data_name: str, root: str | None, query: str = "") -> float:
    """Press Train on a page at its default settings against a real `streamlit run app.py` (no step
    cap), from a protocol-level tab (bench/streamlit_client.py: the frontend's messages, its fragment
    reruns included, nothing drawn: a hosted app's server work), and time it until the run has ended
    and the page is drawn again. `query` adds settings to the page's address (e.g. "step_delay=0.0")."""
    from bench.streamlit_client import EventLoopThread, Tab

    environment = {"LIVELAB_DOWNLOAD": "0" if data_name == "digits" else "1", **({"LIVELAB_DATA_DIR": root}
                                                                              if root else {})}
    loop = EventLoopThread()
    try:
        with harness.running_server(environment) as server:
            tab = Tab(server.url, f"dataset={data_name}&lang=en" + (f"&{query}" if query else ""))
            loop.call(tab.open(url_path))
            time.sleep(3)  # the server's warm-up (torch's first optimiser step) is over, as on a warm server
            start = time.perf_counter()
            loop.call(tab.press_and_follow(f"{page_key}.btn.train", timeout_s=3600))
            seconds = time.perf_counter() - start
            loop.call(tab.close())
            if tab.state.exceptions:
                raise RuntimeError(tab.state.exceptions[0])
            return seconds
    finally:
        loop.close()


def browser_page_run(url_path: str, data_name: str, root: str | None) -> float:
    """Press Train on a page at its default settings in Chromium, against a real `streamlit run app.py`,
    and time it until "Training finished." is on screen. The browser draws every chart on this
    machine's cores too, as on a teacher's laptop (a hosted app's students draw on their own)."""
    with app_in_chromium(data_name, url_path, **({"LIVELAB_DATA_DIR": root} if root else {})) as page:
        page.wait_for_timeout(1500)  # the page is drawn, as a student would see it
        start = time.perf_counter()
        page.get_by_role("button", name="Train", exact=True).first.click()
        page.wait_for_selector("text=Training finished.", timeout=3_600_000)
        return time.perf_counter() - start


def page_overhead(page_key: str, url_path: str, args: argparse.Namespace, bare_run: Callable[[], Run]) -> None:
    """The page app_pages/<page_key>.py (served at /<url_path>) at its defaults against `bare_run()`:
    the same optimisation loop with no evaluation, embedding or charts, trained here on the same
    scheduler settings as the server's (so with the same threads). Each repeat measures both (and,
    with --browser, the page in Chromium), one after the other; the median ratio is the figure (this
    machine's timings vary by a third from run to run)."""
    ratios: dict[str, list[float]] = {"served": [], "Chromium": []}
    for _ in range(args.repeat):
        live = served_page_run(url_path, page_key, args.data, args.root)
        browser = browser_page_run(url_path, args.data, args.root) if args.browser else None
        run = bare_run()
        bare = timed_run(run)
        ratios["served"].append(live / bare)
        in_browser = ""
        if browser is not None:
            ratios["Chromium"].append(browser / bare)
            in_browser = f", in Chromium {browser:.1f} s -> {browser / bare:.2f}x"
        scheduler = run.job.scheduler
        print(f"overhead  page defaults, {len(run.records)} steps on {run.data.name}: bare loop {bare:.1f} s; "
              f"live page, served to a protocol tab {live:.1f} s -> {live / bare:.2f}x{in_browser} "
              f"({scheduler.slots} slots, {scheduler.threads} training threads on both sides)", flush=True)
    for how, values in ratios.items():
        if len(values) > 1:
            print(f"overhead  {how}, median of {len(values)}: {statistics.median(values):.2f}x "
                  f"(range {min(values):.2f}-{max(values):.2f}x)")


def timed_run(run: Run) -> float:
    """Train `run` as the app does (on the server's scheduler, evaluations aside) to its end; seconds."""
    start = time.perf_counter()
    run.start()
    run.job.wait()
    seconds = time.perf_counter() - start
    if run.job.error is not None:
        raise run.job.error
    return seconds


@contextmanager
def app_in_chromium(data_name: str, url_path: str = "", **env: str) -> Iterator:
    """A real `streamlit run app.py` on a free port (extra environment in `env`) and a Chromium page
    opened at its page `url_path` (the entry point by default) with `data_name` chosen, the script
    finished; the server stops afterwards. Both come from the tests' browser harness."""
    environment = {"LIVELAB_DOWNLOAD": "0" if data_name == "digits" else "1", **env}
    with harness.running_server(environment) as server, harness.chromium() as chromium:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server.url}/{url_path}?dataset={data_name}")
        page.wait_for_timeout(500)
        page.wait_for_selector(IDLE, timeout=120_000)
        yield page
