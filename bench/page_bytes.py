"""The bytes one student's browser receives while a run trains: a real `streamlit run app.py`
server, one Chromium tab per training page at the page's defaults, and every WebSocket frame it
receives counted through Chromium's DevTools protocol from the Train click on. It prints figures,
not a verdict.

    python bench/page_bytes.py                                   # bundled digits, 60 s per page
    python bench/page_bytes.py --data mnist --root DIR --seconds 60
    python bench/page_bytes.py --pages cnn --seconds 20          # a quick look at one page

For each page: bytes per second (each frame's payload length as the DevTools protocol reports it,
`Network.webSocketFrameReceived`: base64 for binary frames, as in the issue's figures) and the
decoded bytes; redraws per second (the live fragment's finished runs: the redraw period adapts to
how long a redraw takes, so a slower machine sends fewer of them) and the bytes per redraw; the
whole-page runs (each sends the whole page again); then the bytes by element,
decoded from Streamlit's ForwardMsg: each chart by its key, references to messages the browser has
cached ("cached reference"), and the rest by message type.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.startup import server_environment  # noqa: E402
from tests.browser import harness  # noqa: E402
from tests.browser.steps import TRAIN_READY, wait_until_drawn  # noqa: E402

PAGES = ("cnn", "rnn-classifier", "rnn-regression")  # URL paths
FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
PAGE_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
USER_KEY = re.compile(r"-(?P<key>[^-]*)$")  # an element id ends with the key the page gave it


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=PAGES)
    parser.add_argument("--seconds", type=float, default=60, help="how long each page is watched from the Train click")
    parser.add_argument("--data", default="digits", choices=("digits", "mnist"))
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw (the app's LIVELAB_DATA_DIR)")
    parser.add_argument("--query", default="", help="extra query parameters for every page, e.g. epochs=3")
    parser.add_argument("--top", type=int, default=12, help="elements listed in each page's breakdown")
    return parser.parse_args()


def element_name(msg: ForwardMsg) -> str:
    """What a ForwardMsg carries, as the breakdown names it."""
    kind = msg.WhichOneof("type")
    if kind == "ref_hash":
        return "cached reference"
    if kind != "delta":
        return kind or "?"
    delta = msg.delta
    if delta.WhichOneof("type") != "new_element":
        return f"delta.{delta.WhichOneof('type')}"
    element = delta.new_element
    what = element.WhichOneof("type")
    if what == "plotly_chart":
        match = USER_KEY.search(element.plotly_chart.id)
        return f"plotly_chart {match['key'] if match else '?'}"
    return what


class Frames:
    """Every WebSocket frame one tab receives, counted from `start()` on."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.session.on("Network.webSocketFrameReceived", self._received)
        self.counting = False
        self.reported = self.decoded = self.redraws = self.page_runs = 0
        self.by_element: Counter[str] = Counter()
        self.messages: Counter[str] = Counter()

    def start(self) -> None:
        self.counting = True

    def stop(self) -> None:
        self.counting = False

    def _received(self, event: dict) -> None:
        if not self.counting:
            return
        response = event["response"]
        payload = response["payloadData"]
        self.reported += len(payload)
        data = base64.b64decode(payload) if response.get("opcode") == 2 else payload.encode()
        self.decoded += len(data)
        msg = ForwardMsg()
        try:
            msg.ParseFromString(data)
        except Exception:  # noqa: BLE001  (not a ForwardMsg: counted, unnamed)
            self.by_element["undecoded"] += len(data)
            return
        name = element_name(msg)
        self.by_element[name] += len(data)
        self.messages[name] += 1
        if msg.WhichOneof("type") == "script_finished":
            self.redraws += msg.script_finished == FRAGMENT_DONE
            self.page_runs += msg.script_finished == PAGE_DONE


def measure(browser, url: str, path: str, query: str, seconds: float) -> Frames:
    """Open the page, press Train and count what arrives for `seconds`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{url}/{path}?{query}")
        wait_until_drawn(page, TRAIN_READY, 300_000)
        frames = Frames(page)
        frames.start()
        page.get_by_role("button", name="Train", exact=True).first.click()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            page.wait_for_timeout(250)  # Playwright delivers the CDP events while it waits
        frames.stop()
        return frames
    finally:
        context.close()


def report(path: str, frames: Frames, seconds: float, top: int) -> None:
    print(f"{path:15s} {frames.reported / seconds / 1e3:8.1f} kB/s reported ({frames.reported / 1e6:.2f} MB), "
          f"{frames.decoded / seconds / 1e3:7.1f} kB/s decoded, {frames.redraws / seconds:4.1f} redraws/s "
          f"({frames.redraws} in {seconds:g} s, {frames.decoded / max(1, frames.redraws) / 1e3:.1f} kB decoded each "
          f"on average), {frames.page_runs} whole-page runs", flush=True)
    for name, size in frames.by_element.most_common(top):
        print(f"    {name:40s} {size / 1e3:9.1f} kB in {frames.messages[name]:4d} messages "
              f"({size / max(1, frames.decoded):4.0%})")


def main() -> None:
    args = parse_args()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"page_bytes  data {args.data}, {args.seconds:g} s per page from the Train click; "
          f"{os.cpu_count()} cores, load average {load}", flush=True)
    query = "&".join(part for part in (f"dataset={args.data}&lang=en", args.query) if part)
    with harness.running_server(server_environment(args.root)) as server, harness.chromium() as browser:
        for path in args.pages:
            report(path, measure(browser, server.url, path, query, args.seconds), args.seconds, args.top)


if __name__ == "__main__":
    main()
