"""Benchmark for the timeline: how long the server takes to redraw a finished run's charts at
another step when a student moves the step slider (issue "Rewind and point": ≤ 300 ms on a 1-epoch
CNN run of the real MNIST).

    python bench/timeline.py --data mnist --root DIR

A real `streamlit run app.py`, a protocol-level tab (bench/streamlit_client.py) that trains the CNN
page at its defaults to the end, then moves the slider to steps spread over the run, each a rerun
of the fragment that draws the run: the time from the request to the end of that rerun, as the
server reports it. Nothing is drawn; a browser adds its own drawing on the student's machine.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.streamlit_client import EventLoopThread, Tab  # noqa: E402
from core import presets  # noqa: E402
from tests.browser import harness  # noqa: E402

SLIDER = "cnn.timeline.step"
EVAL_EVERY = presets.CNN.config.eval_every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="digits", choices=("digits", "mnist"))
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw")
    parser.add_argument("--moves", type=int, default=12, help="slider positions to time")
    args = parser.parse_args()
    environment = {"LIVELAB_DOWNLOAD": "0", **({"LIVELAB_DATA_DIR": args.root} if args.root else {})}
    loop = EventLoopThread()
    try:
        with harness.running_server(environment) as server:
            tab = Tab(server.url, f"dataset={args.data}&lang=en")
            loop.call(tab.open("cnn"))
            start = time.perf_counter()
            loop.call(tab.press_and_follow("cnn.btn.train", timeout_s=3600))
            steps = tab.state.progress.total
            print(f"trained   the CNN page's run at its defaults on {args.data}: {steps} steps in "
                  f"{time.perf_counter() - start:.0f} s")
            targets = [max(1, round(steps * (i + 1) / args.moves)) for i in range(args.moves)][::-1][1:] + [steps]
            times = []
            for step in targets:
                times.append(loop.call(tab.move_slider(SLIDER, step)))
                confusion = next(title for key, title in tab.state.titles.items()
                                 if key.startswith("cnn.confusion."))  # its key changes with each new selection
                shown = int(re.search(r"step (\d+)", confusion)[1])
                if not step - EVAL_EVERY < shown <= step:  # the last evaluation at or before the step
                    sys.exit(f"the confusion matrix shows step {shown} for the slider at step {step}")
            if tab.state.exceptions:
                sys.exit(f"the page raised: {tab.state.exceptions[0]}")
            print(f"timeline  slider moved {len(times)} times over {steps} steps: median "
                  f"{1000 * statistics.median(times):.0f} ms, worst {1000 * max(times):.0f} ms from the move to the "
                  f"end of the fragment's rerun (all: {', '.join(f'{1000 * t:.0f}' for t in times)} ms)")
            loop.call(tab.close())
    finally:
        loop.close()


if __name__ == "__main__":
    main()
