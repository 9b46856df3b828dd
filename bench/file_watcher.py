"""What Streamlit's file watcher costs a class: K protocol students open the CNN page at once, with the
watcher on (`--server.fileWatcherType auto`, Streamlit's default) and off ("none", this app's
.streamlit/config.toml), in alternating rounds on fresh servers, one command.

    python bench/file_watcher.py                      # 30 students, 2 rounds of each
    python bench/file_watcher.py --students 10 --rounds 1

Each round: a fresh server; a first visit (home, then the CNN page: imports paid, dataset loaded);
then K students open the CNN page at once, timed until every one's script has finished (the pages
are drawn as far as the server is concerned); then the server's CPU over --idle seconds while they
sit on the page. Each session's watcher, when its first script run ends, goes through every loaded
module (torch's thousands) to decide which files to watch: what it costs shows in the first figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import procstat  # noqa: E402
from bench.streamlit_client import EventLoopThread, Tab  # noqa: E402
from tests.browser import harness  # noqa: E402

MODES = ("auto", "none")


def trial(mode: str, students: int, idle_s: float) -> tuple[float, float]:
    """(seconds until every student's page was drawn, the server's cores while they sat idle)."""
    with harness.running_server(flags=["--server.fileWatcherType", mode]) as server:
        loop = EventLoopThread()
        try:
            first = Tab(server.url)
            loop.call(first.open())
            loop.call(first.go_to("cnn"))
            tabs = [Tab(server.url, "lang=en") for _ in range(students)]
            start = time.monotonic()
            loop.call_all([tab.open("cnn") for tab in tabs])
            seated = time.monotonic() - start
            before, started = procstat.cpu_seconds(server.pid), time.monotonic()
            time.sleep(idle_s)
            cores = (procstat.cpu_seconds(server.pid) - before) / (time.monotonic() - started)
            for tab in [first, *tabs]:
                loop.call(tab.close())
        finally:
            loop.close()
    return seated, cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--idle", type=float, default=20, help="seconds the students sit on the page")
    args = parser.parse_args()
    print(f"watcher   {args.students} protocol students open /cnn at once; {args.rounds} rounds, the modes "
          f"alternating; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for round_ in range(1, args.rounds + 1):
        for mode in MODES:
            seated, cores = trial(mode, args.students, args.idle)
            print(f"watcher   round {round_}, fileWatcherType={mode:<4}: {args.students} pages drawn in "
                  f"{seated:5.1f} s; the server idle with them: {cores:.2f} cores", flush=True)


if __name__ == "__main__":
    main()
