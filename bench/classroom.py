"""A whole class on one link: K students on one `streamlit run app.py` server, each in a browser
session of their own pressing Train at the same moment. It prints figures, not a verdict.

    python bench/classroom.py --students 6                      # 6 Chromium students, bundled digits
    python bench/classroom.py --students 30 --data mnist --root DIR   # 30 protocol clients (the default above 6)
    python bench/classroom.py --memory --students 5 --data mnist --root DIR --max-steps 300

Students (--client):
  browser   one Chromium context per student (Debian's Chromium through the tests' harness): the real
            frontend, which also draws every chart. On 2 cores Chromium manages about six.
  protocol  bench/streamlit_client.py: a websocket client that speaks Streamlit's protocol as the
            frontend does (rerun with the page, read every message, press Train by its widget id) but
            draws nothing, so 30-40 students fit beside the server. It receives every element in full
            (a browser that has drawn a page gets references to what it has cached).
  The default is browser for K <= 6, protocol above.

The load run (default), in order:
  1. a fresh server (--server.disconnectedSessionTTL from --session-ttl); RSS once healthy.
  2. a first visit (the teacher): a fresh Chromium context draws the home page, then a deep link to
     the CNN page (imports paid, dataset loaded). The server's RSS after it is "before the class".
  3. K students open url/<page>?dataset=...&lang=en (plus --query) at once; each is seated when the
     script has finished and Train is enabled. Then all press Train, one right after another.
  4. the window (--train-seconds): each student's steps done at its start and end, read from the
     progress bar's "Step N of M" (the page's text in Chromium, the progress element of the deltas
     in the protocol client). The figure is steps per second over the window, and the slowest
     student's rate over the fastest's. The text is as fresh as the page's last redraw (0.3 s or more
     when drawing is slow). A run that ends inside the window is marked: its rate undercounts it.
  5. 10 s into the window, a newcomer (a fresh Chromium context) opens the home page and then the
     CNN page; both times are printed (drawn = script finished and the title / an enabled Train).
     Then the same as a protocol tab: the server's part of those times, without loading the frontend
     or drawing it (on a hosted app the newcomer's browser does that on their own machine).
  6. the server's RSS (at the end and at its peak) and the cores it used over the window; the same
     for the browsers (every Chromium process: CPU, and RSS and PSS summed, since they share pages),
     this benchmark process, Playwright's node driver, and what the rest of the machine used.
  7. every student closes the tab (context or websocket) at once. The server's CPU 0-10 s after, at
     10 s and at 30 s (each over the 5 s before), and its RSS at 30 s.
  8. after the session TTL (+5 s): the server's RSS and CPU. Streamlit drops a disconnected session
     from its storage lazily, when something is next written to it: nothing is reaped while nobody
     comes. So the benchmark then knocks (opens a websocket and closes it, which stores one more
     session and reaps the expired ones) and reads RSS and CPU again.

--memory instead measures what a student costs the server in memory (protocol clients, one at a time):
  base: RSS once the first page (home) has been drawn; then one student trains every page, each run
  to its end (playground quick run, CNN, RNN classifier, RNN regression) -> RSS after each; then
  --students further students each train the CNN to its end -> RSS after each, the increase per
  student, and the whole class over the base. --max-steps caps every run (LIVELAB_MAX_STEPS) so that
  a full class fits in minutes; say so when quoting the figures.

Memory is VmRSS from /proc/<pid>/status; CPU is utime + stime from /proc/<pid>/stat over a stretch
of time, in cores (1.0 = one core busy). The machine's other load is printed beside the figures (the
load average is no guide: it counts the server's own training threads).

Limits:
- Chromium students draw every chart on the server's cores; on a hosted app each student's browser
  runs on the student's machine. Browser runs are pessimistic for the server; protocol runs draw
  nothing and are closer to a hosted server's work, but do not exercise the frontend.
- Steps come in bursts: the CNN page evaluates and computes a t-SNE frame every 100 steps, which under
  load takes longer than the 100 steps themselves, so a short window's counts cluster at 99, 199...
  A longer window (--train-seconds 120 or more) gives a steadier ratio.
- A process that ends inside a window takes its CPU time with it (a closed context's renderer).
- RSS moves by tens of MB between readings (the allocator gives memory back at its own pace): read
  single differences with that in mind, and averages over many students.
- --memory trains one student at a time; a class that trains at once (the load run) costs the server
  much more memory, and keeps it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import procstat  # noqa: E402
from bench.startup import first_visit, server_environment  # noqa: E402
from bench.streamlit_client import PROGRESS, EventLoopThread, Progress, Tab, knock  # noqa: E402
from tests.browser import harness  # noqa: E402
from tests.browser.steps import EXCEPTION, TRAIN_READY, wait_until_drawn  # noqa: E402

PAGES = ("cnn", "rnn-classifier", "rnn-regression")  # URL paths; a page's widget keys use "_"


def train_key(page: str) -> str:
    """The widget key of a training page's Train button (ui/run_buttons.py)."""
    return f"{page.replace('-', '_')}.btn.train"


# --memory: the playground's quick run first (it trains the CNN page's session, which the CNN page's
# own Train then replaces), then every training page.
EVERY_PAGE = (("playground", "playground.quick_train"), *((page, train_key(page)) for page in PAGES))
PROGRESS_JS = "() => document.querySelector(\"[data-testid='stProgress']\")?.innerText ?? ''"
NEWCOMER_AFTER_S = 10  # into the window: training is in full swing
RUN_TIMEOUT_S = 3600


class BrowserClass:
    """K students, each a Chromium context (its own cookies, its own Streamlit session)."""

    def __init__(self, browser, url: str, page: str, query: str):
        self.browser, self.address = browser, f"{url}/{page}?{query}"
        self.contexts: list = []
        self.pages: list = []

    def join(self, students: int) -> float:
        """Open every student's tab at once; seconds until the last is drawn with Train enabled."""
        start = time.perf_counter()
        for _ in range(students):
            context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(self.address, wait_until="commit")
            self.contexts.append(context)
            self.pages.append(page)
        for page in self.pages:
            wait_until_drawn(page, TRAIN_READY, 600_000)
        return time.perf_counter() - start

    def press_train(self) -> None:
        for page in self.pages:
            page.get_by_role("button", name="Train", exact=True).first.click()

    def progress(self) -> list[Progress]:
        readings = []
        for page in self.pages:
            match = PROGRESS.search(page.evaluate(PROGRESS_JS))
            done, total = (int(match[1]), int(match[2])) if match else (0, 0)
            readings.append(Progress(done, total, time.monotonic()))
        return readings

    def errors(self) -> list[str]:
        return [page.locator(EXCEPTION).first.inner_text() for page in self.pages if page.locator(EXCEPTION).count()]

    def leave(self) -> None:
        for context in self.contexts:
            context.close()


class ProtocolClass:
    """K students, each a protocol-level Tab on one event loop thread."""

    def __init__(self, loop: EventLoopThread, url: str, page: str, query: str):
        self.loop, self.url, self.page, self.query = loop, url, page, query
        self.tabs: list[Tab] = []

    def join(self, students: int) -> float:
        start = time.perf_counter()
        self.tabs = [Tab(self.url, self.query) for _ in range(students)]
        self.loop.call_all(tab.open(self.page) for tab in self.tabs)
        return time.perf_counter() - start

    def press_train(self) -> None:
        key = train_key(self.page)
        self.loop.call_all(tab.click(key) for tab in self.tabs)

    def progress(self) -> list[Progress]:
        now = time.monotonic()  # as read, like the browser's page text: one window for every student
        return [Progress(tab.state.progress.done, tab.state.progress.total, now) for tab in self.tabs]

    def leave(self) -> None:
        self.loop.call_all(tab.close() for tab in self.tabs)

    def errors(self) -> list[str]:
        return [error for tab in self.tabs for error in tab.state.exceptions]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=8, help="K students (with --memory: further CNN students)")
    parser.add_argument("--page", default="cnn", choices=PAGES)
    parser.add_argument("--client", choices=("browser", "protocol"), default=None,
                        help="how students connect (default: browser for K <= 6, protocol above)")
    parser.add_argument("--train-seconds", type=float, default=60, help="the window over which progress is compared")
    parser.add_argument("--data", default="digits", choices=("digits", "mnist"))
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw (the app's LIVELAB_DATA_DIR)")
    parser.add_argument("--query", default="", help="extra query parameters for the students' page, e.g. epochs=5")
    parser.add_argument("--session-ttl", type=int, default=60,
                        help="server.disconnectedSessionTTL: seconds a closed tab's session is kept (Streamlit: 120)")
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: a free one)")
    parser.add_argument("--max-steps", type=int, default=None, help="cap every training run (LIVELAB_MAX_STEPS)")
    parser.add_argument("--memory", action="store_true", help="measure memory per student instead (see above)")
    args = parser.parse_args()
    args.client = args.client or ("browser" if args.students <= 6 else "protocol")
    return args


def start_server(args: argparse.Namespace) -> harness.Server:
    env = server_environment(args.root)
    if args.max_steps:
        env["LIVELAB_MAX_STEPS"] = str(args.max_steps)
    return harness.start_server(env, ["--server.disconnectedSessionTTL", str(args.session_ttl)], args.port)


def query_of(args: argparse.Namespace) -> str:
    return "&".join(part for part in (f"dataset={args.data}&lang=en", args.query) if part)


def describe_machine() -> str:
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load}"


def load(args: argparse.Namespace) -> None:
    """The load run: steps 1-8 of the module's docstring."""
    print(f"classroom  {args.students} students ({args.client} clients) on /{args.page}, data {args.data}"
          f"{', ' + args.query if args.query else ''}, window {args.train_seconds:g} s, "
          f"server.disconnectedSessionTTL {args.session_ttl} s; {describe_machine()}", flush=True)
    loop = EventLoopThread()
    server = start_server(args)
    try:
        with harness.chromium() as browser, procstat.Watch({
            "server": lambda: [server.pid], "browsers": procstat.chromium_processes,
            "benchmark": lambda: [os.getpid()], "driver": procstat.driver_processes,
        }) as watch:
            print(f"server     healthy: rss {watch.now('server').rss:.0f} MB", flush=True)
            run_class(args, server, browser, loop, watch)
    finally:
        harness.stop_server(server)
        loop.close()
    print(f"classroom  done; {describe_machine()}")


def run_class(args, server: harness.Server, browser, loop: EventLoopThread, watch: procstat.Watch) -> None:
    query = query_of(args)
    home, cnn = first_visit(browser, server.url, query)
    time.sleep(2)  # the first visitor's session settles (its tab is closed)
    before = watch.now("server").rss
    print(f"first      visit to the fresh server: home drawn {home:.2f} s, CNN page drawn {cnn:.2f} s; "
          f"server rss before the class: {before:.0f} MB", flush=True)

    students = (BrowserClass(browser, server.url, args.page, query) if args.client == "browser"
                else ProtocolClass(loop, server.url, args.page, query))
    seated = students.join(args.students)
    print(f"students   {args.students} pages drawn (Train enabled) {seated:.1f} s after they were opened; "
          f"server rss {watch.now('server').rss:.0f} MB", flush=True)
    students.press_train()
    window(args, server, browser, watch, students, before)
    errors = students.errors()
    if errors:
        print(f"errors     {len(errors)} students saw an exception; the first: {errors[0]}")

    students.leave()
    after_closing(args, server, watch, loop, before)


def window(args, server: harness.Server, browser, watch: procstat.Watch, students, before: float) -> None:
    """Steps 4-6: progress over the window, a newcomer in it, what everything cost in it."""
    start, machine = {group: watch.now(group) for group in watch.groups}, procstat.machine_cpu_seconds()
    first = students.progress()
    time.sleep(min(NEWCOMER_AFTER_S, args.train_seconds / 3))
    home, cnn = first_visit(browser, server.url, query_of(args))
    print(f"newcomer   during the load: home drawn {home:.2f} s, CNN page drawn {cnn:.2f} s", flush=True)
    home, cnn = served_visit(server.url, query_of(args))
    print(f"newcomer   the server's part (a protocol tab: no page files, nothing drawn): home page's script done "
          f"{home:.2f} s, CNN page's {cnn:.2f} s", flush=True)
    time.sleep(max(0.0, start["server"].at + args.train_seconds - time.monotonic()))
    last = students.progress()
    end = {group: watch.now(group) for group in watch.groups}
    machine = procstat.machine_cpu_seconds() - machine
    print_progress(first, last)
    seconds = end["server"].at - start["server"].at
    cores = {group: end[group].cores_since(start[group]) for group in watch.groups}
    rss, browsers = end["server"].rss, end["browsers"]
    peak = max(r.rss for r in watch.between("server", start["server"].at, end["server"].at))
    print(f"server     over the window ({seconds:.0f} s): {cores['server']:.2f} cores; rss {rss:.0f} MB at its end "
          f"(+{rss - before:.0f} MB on before the class), peak {peak:.0f} MB")
    print(f"browsers   over the window: {cores['browsers']:.2f} cores; {len(browsers.cpu)} Chromium processes, "
          f"rss {browsers.rss:.0f} MB summed, pss {browsers.pss:.0f} MB")
    print(f"harness    over the window: this benchmark {cores['benchmark']:.2f} cores, Playwright's driver "
          f"{cores['driver']:.2f}; the rest of the machine: {max(0.0, machine / seconds - sum(cores.values())):.2f} "
          f"cores", flush=True)


def served_visit(url: str, query: str) -> tuple[float, float]:
    """A newcomer as a protocol tab: seconds until the home page's script has finished, then the CNN
    page's. What the server takes, without the browser's own work (loading the frontend, drawing)."""
    loop = EventLoopThread()
    try:
        tab = Tab(url, query)
        home = loop.call(tab.open(""))
        cnn = loop.call(tab.go_to("cnn"))
        loop.call(tab.close())
        return home, cnn
    finally:
        loop.close()


def print_progress(first: list[Progress], last: list[Progress]) -> None:
    """Each student's steps over the window and the slowest-to-fastest ratio of their rates."""
    rates = []
    for number, (a, b) in enumerate(zip(first, last, strict=True), start=1):
        seconds = b.at - a.at
        rate = (b.done - a.done) / seconds if seconds > 0 else 0.0
        rates.append(rate)
        ended = " (run ended in the window)" if b.total and b.done >= b.total else ""
        print(f"progress   student {number}: step {a.done} -> {b.done} of {b.total} in {seconds:.1f} s: "
              f"{rate:.2f} steps/s{ended}")
    fastest = max(rates)
    print(f"progress   slowest/fastest: {min(rates) / fastest if fastest else 0:.2f} ({min(rates):.2f} vs "
          f"{fastest:.2f} steps/s; median {statistics.median(rates):.2f}; "
          f"{sum(rate > 0 for rate in rates)} of {len(rates)} progressed)", flush=True)


def after_closing(args, server: harness.Server, watch: procstat.Watch, loop: EventLoopThread, before: float) -> None:
    """Steps 7-8: the server once every tab has closed, and once their sessions have expired."""
    closed = watch.now("server")
    marks = {}
    for at in (5, 10, 25, 30):
        time.sleep(max(0.0, closed.at + at - time.monotonic()))
        marks[at] = watch.now("server")
    print(f"closed     server cpu 0-10 s after the last tab closed {marks[10].cores_since(closed):.2f} cores, "
          f"at 10 s {marks[10].cores_since(marks[5]):.2f}, at 30 s {marks[30].cores_since(marks[25]):.2f}; "
          f"rss at 30 s {marks[30].rss:.0f} MB ({marks[30].rss - before:+.0f} MB on before the class)", flush=True)
    time.sleep(max(0.0, closed.at + args.session_ttl + 5 - time.monotonic()))
    state = server_state(watch, before)
    print(f"expired    {time.monotonic() - closed.at:.0f} s after closing (TTL {args.session_ttl} s): {state}",
          flush=True)
    loop.call(knock(server.url))
    time.sleep(5)
    state = server_state(watch, before)
    print(f"expired    after a knock, {time.monotonic() - closed.at:.0f} s after closing (a websocket opened and "
          f"closed: Streamlit reaps expired sessions on its next write): {state}", flush=True)


def server_state(watch: procstat.Watch, before: float) -> str:
    """The server's RSS now (against `before`) and the cores it used over the last 5 s."""
    first = watch.now("server")
    time.sleep(5)
    last = watch.now("server")
    return (f"rss {last.rss:.0f} MB ({last.rss - before:+.0f} MB on before the class), "
            f"cpu {last.cores_since(first):.2f} cores")


def memory(args: argparse.Namespace) -> None:
    """--memory: base, one student on every page, then further students on the CNN."""
    print(f"memory     data {args.data}, runs capped at {args.max_steps or 'no'} steps; {describe_machine()}",
          flush=True)
    loop = EventLoopThread()
    server = start_server(args)
    try:
        first = Tab(server.url, query_of(args))
        loop.call(first.open(""))
        time.sleep(2)
        base = procstat.rss_mb(server.pid)
        print(f"memory     base (the home page drawn once): {base:.0f} MB", flush=True)
        every_page(loop, first, server.pid, base)
        tabs = [first, *cnn_students(loop, server, query_of(args), args.students, base)]
        errors = [error for tab in tabs for error in tab.state.exceptions]
        if errors:
            print(f"errors     {len(errors)} exceptions on the pages; the first: {errors[0]}")
        loop.call_all(tab.close() for tab in tabs)
    finally:
        harness.stop_server(server)
        loop.close()


def every_page(loop: EventLoopThread, tab: Tab, pid: int, base: float) -> None:
    """One student trains on every page in turn, each run to its end; RSS after each."""
    for page, key in EVERY_PAGE:
        loop.call(tab.go_to(page))
        seconds = loop.call(train_to_the_end(tab, key))
        rss = procstat.rss_mb(pid)
        print(f"memory     one student, after training {page} ({steps(tab)} in {seconds:.0f} s): {rss:.0f} MB "
              f"(base + {rss - base:.0f} MB)", flush=True)


def cnn_students(loop: EventLoopThread, server: harness.Server, query: str, count: int, base: float) -> list[Tab]:
    """`count` further students, one after another, each opens the CNN page and trains it to the
    end; RSS after each, and on average per student (single differences are within RSS noise)."""
    first = previous = procstat.rss_mb(server.pid)
    tabs = []
    for number in range(1, count + 1):
        tab = Tab(server.url, query)
        tabs.append(tab)
        loop.call(tab.open("cnn"))
        seconds = loop.call(train_to_the_end(tab, "cnn.btn.train"))
        rss = procstat.rss_mb(server.pid)
        print(f"memory     further student {number} trained the CNN ({steps(tab)} in {seconds:.0f} s): "
              f"{rss:.0f} MB ({rss - previous:+.0f} MB)", flush=True)
        previous = rss
    print(f"memory     {count + 1} students: {previous:.0f} MB, base + {previous - base:.0f} MB; each further "
          f"student {(previous - first) / max(1, count):+.1f} MB on average", flush=True)
    return tabs


def steps(tab: Tab) -> str:
    """The last progress the tab saw (a run's last few steps may not be drawn before the page reruns)."""
    return f"step {tab.state.progress.done} of {tab.state.progress.total} seen"


async def train_to_the_end(tab: Tab, key: str) -> float:
    """Press the button `key` and wait until its run has ended and the page is drawn again; seconds."""
    start = time.monotonic()
    await tab.press_and_follow(key, RUN_TIMEOUT_S)
    seconds = time.monotonic() - start
    await asyncio.sleep(2)  # whatever the run left behind is freed or kept by now
    return seconds


def main() -> None:
    args = parse_args()
    if args.memory:
        memory(args)
    else:
        load(args)


if __name__ == "__main__":
    main()
