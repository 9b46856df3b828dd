"""Requests on one kept-alive connection, before and after the app's first script run (ui/tcp_nodelay.py).

    python bench/keep_alive.py [--repeat 3]

A fresh `streamlit run app.py`; the files its index.html names (Streamlit's frontend, about 60) are
fetched one after another on one HTTP/1.1 connection, as a browser's connection fetches its share:
  before   no script has run yet, so no connection has TCP_NODELAY (Streamlit's own listening socket)
  after    a protocol tab has opened the home page (app.py ran and applied the fix), on a new connection
Each is timed --repeat times, on a new connection each time; the medians close the output.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.classroom import served_visit  # noqa: E402
from bench.startup import server_environment  # noqa: E402
from tests.browser import harness  # noqa: E402


def fetch_all(url: str, paths: list[str]) -> float:
    """Seconds to GET every path, one after another, on one new kept-alive connection."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port)
    try:
        start = time.perf_counter()
        for path in paths:
            connection.request("GET", path)
            connection.getresponse().read()
        return time.perf_counter() - start
    finally:
        connection.close()


def frontend_files(url: str) -> list[str]:
    """The paths of the files the app's index.html names (scripts, style sheets, fonts)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port)
    connection.request("GET", "/")
    html = connection.getresponse().read().decode()
    connection.close()
    return ["/" + path for path in re.findall(r'(?:href|src)="\.?/?(static/[^"]+)"', html)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    server = harness.start_server(server_environment(None))
    try:
        paths = frontend_files(server.url)
        before = [fetch_all(server.url, paths) for _ in range(args.repeat)]
        served_visit(server.url, "lang=en")  # app.py runs: from now on every connection sends at once
        after = [fetch_all(server.url, paths) for _ in range(args.repeat)]
    finally:
        harness.stop_server(server)
    print(f"keep-alive {len(paths)} files on one connection: before the first script run "
          f"{statistics.median(before):.2f} s ({', '.join(f'{s:.2f}' for s in before)}), after it "
          f"{statistics.median(after):.2f} s ({', '.join(f'{s:.2f}' for s in after)})")


if __name__ == "__main__":
    main()
