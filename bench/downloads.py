"""Benchmark for the downloads of a page's runs: do they arrive while other students train?

    python bench/downloads.py [--clicks 12] [--others 3] [--busy 2]

Figures:
  arrived  one student (in Chromium, against a real `streamlit run` server) trains a short CNN run,
           opens the runs expander and clicks "Download weights (.pt)" --clicks times: how many files
           arrived, and the median time from the click to the file, first alone, then while --others
           students train on the CNN page (their live charts redraw all the while). --busy N adds N
           busy-looping processes, a stand-in for a loaded class server (CI's and this VM's 2 cores
           otherwise leave the browser time to fetch before Streamlit's sweeps; see ui/weights_view.py).
  made     what handing the files over with their buttons costs each redraw of the open expander,
           median of 20: the weights file and metrics CSV at the CNN page's defaults (1,200 steps on
           MNIST), then of the largest network and the longest run (37,500 steps) the sidebar allows.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.history import LONGEST, PAGES, made_up_run  # noqa: E402
from core.metrics import metrics_csv  # noqa: E402
from core.weights import to_bytes  # noqa: E402
from tests.browser import harness  # noqa: E402
from tests.browser.steps import open_app, wait_until_idle  # noqa: E402

RUNS = "Runs: compare, take home, train from a file"
WEIGHTS = "Download weights (.pt)"


def median_ms(fn, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def made() -> None:
    """What handing the files over costs each redraw, at the CNN page's defaults and at its largest."""
    default, largest, default_steps, _ = PAGES["cnn"]
    for what, spec, steps in (("page defaults", default, default_steps), ("largest", largest, LONGEST)):
        run = made_up_run("cnn", spec, steps)
        weights = run.trained_weights()
        weights_ms = median_ms(functools.partial(to_bytes, weights))
        csv_ms = median_ms(functools.partial(metrics_csv, run.records))
        print(f"made ({what}): weights file ({weights.nbytes / 2**20:.2f} MB) {weights_ms:.1f} ms; "
              f"metrics CSV of {steps:,} steps {csv_ms:.1f} ms")


def clicks(page, n: int, label: str) -> None:
    arrived, seconds = 0, []
    for _ in range(n):
        start = time.perf_counter()
        try:
            with page.expect_download(timeout=30_000) as download:
                page.get_by_role("button", name=WEIGHTS).click()
            Path(download.value.path()).read_bytes()
            arrived += 1
            seconds.append(time.perf_counter() - start)
        except Exception as error:  # the browser reports a download that failed as "canceled"
            print(f"  failed: {str(error).splitlines()[0][:100]}")
        page.wait_for_timeout(300)
    median = f", median {statistics.median(seconds):.2f} s from click to file" if seconds else ""
    print(f"arrived {label}: {arrived}/{n}{median}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=12)
    parser.add_argument("--others", type=int, default=3, help="students training while the downloads are clicked")
    parser.add_argument("--busy", type=int, default=0, help="busy-looping processes beside the server")
    args = parser.parse_args()
    made()
    env = {"LIVELAB_DOWNLOAD": "0", "LIVELAB_MAX_STEPS": "100000", "LIVELAB_DATA_DIR": tempfile.mkdtemp()}
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        with harness.running_server(env) as server, harness.chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_app(page, server.url, "cnn?embed_method=none&lang=en&max_steps=20")
            page.get_by_role("button", name="Train", exact=True).click()
            page.get_by_text("Training finished.").wait_for(timeout=120_000)
            wait_until_idle(page)
            page.get_by_text(RUNS).click()
            page.get_by_role("button", name=WEIGHTS).wait_for(timeout=30_000)
            wait_until_idle(page)
            clicks(page, args.clicks, "alone")
            for _ in range(args.others):
                other = browser.new_page(viewport={"width": 1400, "height": 1000})
                open_app(other, server.url, "cnn?embed_method=none&lang=en&epochs=20")
                other.get_by_role("button", name="Train", exact=True).click()
            page.wait_for_timeout(8_000)  # their runs under way
            beside = f", {args.busy} busy loops beside" if args.busy else ""
            clicks(page, args.clicks, f"while {args.others} others train{beside}")
    finally:
        for process in busy:
            process.kill()


if __name__ == "__main__":
    main()
