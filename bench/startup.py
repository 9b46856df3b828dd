"""How long a fresh server takes to show its first page: the figure behind "a fresh server shows
nothing for 10.6-11.3 s on its first visit" (target: <= 3 s).

    python bench/startup.py                   # 3 fresh servers, bundled digits
    python bench/startup.py --repeat 5 --data mnist --root DIR
    python bench/startup.py --repeat 1 --newcomers 7      # + 7 newcomers on the warm server, one at a time

Each repeat starts a new `streamlit run app.py` process (through the tests' browser harness) and times:
  start -> health   the process is started until it answers /_stcore/health
  health -> home    Chromium opens the home page until the script has finished and the "Live Lab"
                    title is on screen (what the first visitor waits for; the app's imports are paid
                    here, in the first script run)
  -> CNN page       right after, a deep link to /cnn until its script has finished and Train is
                    enabled (its dataset loaded)
Chromium is started once, before the first server, so its own start-up is not counted; each repeat
uses a fresh browser context (no cache, no cookies). The median of each column closes the output.
With --newcomers N, after each first visit N more fresh contexts open the home page and then the CNN
page on that warm server, one after another (what a newcomer's browser costs when nothing else runs),
and their medians are printed too.
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


def one_start(browser, env: dict[str, str], query: str, newcomers: int = 0) -> tuple[tuple[float, float, float], list]:
    """(start -> health, health -> home drawn, -> CNN page drawn) for one fresh server, and then
    `newcomers` (home drawn, CNN page drawn) on it once warm."""
    start = time.perf_counter()
    server = harness.start_server(env)
    try:
        healthy = time.perf_counter() - start
        home, cnn = first_visit(browser, server.url, query)
        return (healthy, home, cnn), [first_visit(browser, server.url, query) for _ in range(newcomers)]
    finally:
        harness.stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="fresh servers to time")
    parser.add_argument("--data", default="digits", choices=("digits", "mnist"))
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw (the app's LIVELAB_DATA_DIR)")
    parser.add_argument("--newcomers", type=int, default=0, help="fresh contexts timed on each warm server")
    args = parser.parse_args()
    query = f"dataset={args.data}&lang=en"
    columns: list[tuple[float, float, float]] = []
    warm: list[tuple[float, float]] = []
    with harness.chromium() as browser:
        for repeat in range(1, args.repeat + 1):
            (healthy, home, cnn), newcomers = one_start(browser, server_environment(args.root), query, args.newcomers)
            columns.append((healthy, home, cnn))
            warm.extend(newcomers)
            print(f"startup   repeat {repeat}: start -> health {healthy:.2f} s, health -> home drawn {home:.2f} s, "
                  f"-> CNN page drawn {cnn:.2f} s", flush=True)
            if newcomers:
                print("newcomers on the warm server: " + ", ".join(f"{h:.2f} s / {c:.2f} s" for h, c in newcomers),
                      flush=True)
    healthy, home, cnn = (statistics.median(column) for column in zip(*columns, strict=True))
    print(f"startup   median of {len(columns)} ({args.data}): start -> health {healthy:.2f} s, health -> home drawn "
          f"{home:.2f} s, -> CNN page drawn {cnn:.2f} s")
    if warm:
        home, cnn = (statistics.median(column) for column in zip(*warm, strict=True))
        print(f"newcomers median of {len(warm)} on a warm server: home drawn {home:.2f} s, CNN page drawn {cnn:.2f} s")


if __name__ == "__main__":
    main()
