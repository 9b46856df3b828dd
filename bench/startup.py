"""How long a fresh server takes to show its first page: the figure behind "a fresh server shows
nothing for 10.6-11.3 s on its first visit" (target: <= 3 s).

    python bench/startup.py                   # 3 fresh servers, bundled digits
    python bench/startup.py --repeat 5 --data mnist --root DIR

Each repeat starts a new `streamlit run app.py` process (through the tests' browser harness) and times:
  start -> health   the process is started until it answers /_stcore/health
  health -> home    Chromium opens the home page until the script has finished and the "Live Lab"
                    title is on screen (what the first visitor waits for; the app's imports are paid
                    here, in the first script run)
  -> CNN page       right after, a deep link to /cnn until its script has finished and Train is
                    enabled (its dataset loaded)
Chromium is started once, before the first server, so its own start-up is not counted; each repeat
uses a fresh browser context (no cache, no cookies). The median of each column closes the output.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import harness  # noqa: E402
from tests.browser.steps import HOME_DRAWN, TRAIN_READY, wait_until_drawn  # noqa: E402


def server_environment(root: str | None) -> dict[str, str]:
    """The app's environment for a benchmark: never the network; real MNIST from `root` if named."""
    return {"LIVELAB_DOWNLOAD": "0", **({"LIVELAB_DATA_DIR": root} if root else {})}


def first_visit(browser, url: str, query: str, timeout_ms: int = 300_000) -> tuple[float, float]:
    """A newcomer in a fresh browser context: seconds until the home page is drawn, then seconds
    until a deep link to the CNN page is drawn with Train enabled."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(f"{url}/?{query}")
        wait_until_drawn(page, HOME_DRAWN, timeout_ms)
        home = time.perf_counter() - start
        start = time.perf_counter()
        page.goto(f"{url}/cnn?{query}")
        wait_until_drawn(page, TRAIN_READY, timeout_ms)
        return home, time.perf_counter() - start
    finally:
        context.close()


def one_start(browser, env: dict[str, str], query: str) -> tuple[float, float, float]:
    """(start -> health, health -> home drawn, -> CNN page drawn) for one fresh server."""
    start = time.perf_counter()
    server = harness.start_server(env)
    try:
        healthy = time.perf_counter() - start
        home, cnn = first_visit(browser, server.url, query)
        return healthy, home, cnn
    finally:
        harness.stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="fresh servers to time")
    parser.add_argument("--data", default="digits", choices=("digits", "mnist"))
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw (the app's LIVELAB_DATA_DIR)")
    args = parser.parse_args()
    query = f"dataset={args.data}&lang=en"
    columns: list[tuple[float, float, float]] = []
    with harness.chromium() as browser:
        for repeat in range(1, args.repeat + 1):
            healthy, home, cnn = one_start(browser, server_environment(args.root), query)
            columns.append((healthy, home, cnn))
            print(f"startup   repeat {repeat}: start -> health {healthy:.2f} s, health -> home drawn {home:.2f} s, "
                  f"-> CNN page drawn {cnn:.2f} s", flush=True)
    healthy, home, cnn = (statistics.median(column) for column in zip(*columns, strict=True))
    print(f"startup   median of {len(columns)} ({args.data}): start -> health {healthy:.2f} s, health -> home drawn "
          f"{home:.2f} s, -> CNN page drawn {cnn:.2f} s")


if __name__ == "__main__":
    main()
