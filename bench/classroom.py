"""A whole class on one link: K students on one `streamlit run app.py` server, each in a browser
session of their own pressing Train at the same moment. It prints figures, not a verdict.

    python bench/classroom.py --students 6                      # 6 Chromium students, bundled digits
    python bench/classroom.py --students 30 --data mnist --root DIR   # 30 protocol clients (the default above 6)
    python bench/classroom.py --memory --students 5 --data mnist --root DIR --max-steps 300
    python bench/classroom.py --board --students 30 --train-seconds 90 --rounds 2 --query epochs=3   # + --data, --root

Students (--client):
  browser   one Chromium context per student (Debian's Chromium through the tests' harness): the real
            frontend, which also draws every chart. On 2 cores Chromium manages about six.
  protocol  bench/streamlit_client.py: a websocket client that speaks Streamlit's protocol as the
            frontend does (rerun with the page, read every message, press Train by its widget id) but
            draws nothing, so 30-40 students fit beside the server. It receives every element in full
            (a browser that has drawn a page gets references to what it has cached).
  The default is browser for K <= 6, protocol above.

The load run (default), in order:
  0. a plain torch loop trains the CNN page's network on the same data, alone on the machine.
  1. a fresh server (--server.disconnectedSessionTTL from --session-ttl); RSS once healthy.
  2. a first visit (the teacher): a fresh Chromium context draws the home page, then a deep link to
     the CNN page (imports paid, dataset loaded). The server's RSS after it is "before the class".
  3. K students open url/<page>?dataset=...&lang=en (plus --query) at once; each is seated when the
     script has finished and Train is enabled. Then all press Train, one right after another.
  4. the window (--train-seconds): each student's steps done at its start and end, read from the
     progress bar's "Step N of M" (the page's text in Chromium, the progress element of the deltas
     in the protocol client). The figure is steps per second over the window, and the slowest
     student's rate over the fastest's; and the class throughput, the steps per second summed over
     the class, against a plain torch loop's steps per second (bench/plain_loop.py: the CNN page's
     defaults, --plain-steps steps, on the app's training threads), measured before the server
     starts (step 0) and again once it has stopped (step 9): the class is set against the faster of
     the two (the machine's pace drifted by a fifth within an hour here), printed after step 8. The
     class's steps include the evaluations' time; --profile gives their share of the server's CPU
     (below).
     The text is as fresh as the page's last redraw (0.5 s or more when drawing is slow). A run that
     ends inside the window is marked: its rate undercounts it.
  5. 10 s into the window, a newcomer (a fresh Chromium context) opens the home page and then the
     CNN page; both times are printed (drawn = script finished and the title / an enabled Train).
     Then the same as a protocol tab: the server's part of those times, without loading the frontend
     or drawing it (on a hosted app the newcomer's browser does that on their own machine).
     With --profile, py-spy samples the server's threads over the whole window (bench/server_profile.py)
     and the share of its CPU spent on training steps, evaluations, t-SNE frames and pages is printed
     (py-spy costs some CPU itself: take the other figures from a run without it).
  6. the server's RSS (at the end and at its peak) and the cores it used over the window; the same
     for the browsers (every Chromium process: CPU, and RSS and PSS summed, since they share pages),
     this benchmark process, Playwright's node driver, and what the rest of the machine used.
  7. every student closes the tab (context or websocket) at once. The server's CPU 0-10 s after, at
     10 s and at 30 s (each over the 5 s before), and its RSS at 30 s.
  8. after the session TTL (+5 s): the server's RSS and CPU. Streamlit drops a disconnected session
     from its storage lazily, when something is next written to it: nothing is reaped while nobody
     comes. So the benchmark then knocks (opens a websocket and closes it, which stores one more
     session and reaps the expired ones) and reads RSS and CPU again.
  9. the server stopped, the plain loop again; the class throughput against the faster plain rate.

--memory instead measures what a student costs the server in memory (protocol clients, one at a time):
  base: RSS once the first page (home) has been drawn; then one student trains every page, each run
  to its end (playground quick run, CNN, RNN classifier, RNN regression) -> RSS after each; then
  --students further students each train the CNN to its end -> RSS after each, the increase per
  student, and the whole class over the base. --max-steps caps every run (LIVELAB_MAX_STEPS) so that
  a full class fits in minutes; say so when quoting the figures.

--board instead measures what the teacher's board costs a class (protocol students only):
  1. a fresh server with LIVELAB_TEACHER_PASSWORD set to a fixed bench password, its results in a
     fresh SQLite file, and no file watcher (--server.fileWatcherType none: a source file edited in
     the working tree during the run would otherwise be re-imported by the next script run, e.g. a
     second start-up warm-up in the middle of a window); a first visitor (a protocol tab: home page,
     then the CNN page) pays the imports and loads the dataset.
  2. K students open the page and press Train, as in the load run; --warmup seconds pass (every run
     past its first steps and evaluations).
  3. windows of --train-seconds each, the runs training through all of them (give them enough steps:
     --query epochs=3): A1 without the board; B1 with the board open in a teacher's session; A2
     without it again; with --rounds 2, B2 and A3 after them, and so on. In that order because the
     class's pace drifts as runs go on (evaluations and t-SNE frames every 100 steps, longer records):
     a single "without, then with" would credit the board with the drift; windows without it bracket
     each one with it.
     For each window: every student's steps/s (from "Step N of M" as in the load run), the
     slowest/fastest ratio (and, steadier, the 10th/90th percentile's), the aggregate steps/s of the
     class, and the cores used by the server, by this benchmark (its protocol clients, the teacher's
     included) and by the rest of the machine.
  4. the teacher, before each B window: a protocol tab opens /class, types the password into the form's
     text input and presses "Open the board" (one rerun carrying the input's value and the submit
     button's trigger, as the frontend submits a form), then follows the live board's fragment
     (st.fragment(run_every=2 s)) like the frontend: a rerun of that fragment every 2 s. The teacher's
     tab sends each only once the previous one has finished, and times it from its send until the
     server's script_finished for it: the server's wall time for a redraw (script, serialising and
     sending every delta; on localhost the network adds nothing measurable). In B: how many redraws,
     median / 90th percentile / worst, how many timers fired while the last redraw was still going
     ("late"), and the bytes per second the teacher's websocket received (every message's size).
     After the B window the teacher closes the tab (its session runs nothing more).
  5. a summary: every window's ratio and aggregate steps/s, each B against the windows before and after it.
  6. once the server has stopped, in this process: the training worker's cost of a run's result
     (bench/run_result.py: Classroom._store on a real CNN run of --store-steps records, SQLite;
     --store-steps 0 leaves it out).
  A window in which the rest of the machine used more than 0.3 cores is flagged: the summary then says
  the windows are not comparable (the server's share of the cores changed under it).
  The teacher's protocol client runs in this benchmark's process, on the same 2 cores as the server:
  its parsing of the board's messages is counted against the students in B (a pessimistic bias; a
  projector's browser would be another machine). The benchmark's cores are printed per window.

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
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import procstat  # noqa: E402
from bench.plain_loop import plain_loop  # noqa: E402
from bench.server_profile import ServerProfile  # noqa: E402
from bench.startup import first_visit, server_environment  # noqa: E402
from bench.streamlit_client import PROGRESS, EventLoopThread, Progress, Redraw, Tab, knock  # noqa: E402
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
# --board: the bench server's teacher's password, and the Class page's address and form (ui/board_view.py)
BOARD_PASSWORD = "livelab-bench-teacher"
BOARD_PATH, BOARD_PASSWORD_KEY, BOARD_OPEN = "class", "board.password", "Open the board"
BOARD_SETTLE_S = 5  # after the login's full run, before window B: the live redraws under way
QUIET_CORES = 0.3  # what the rest of the machine may use in a window before the windows are called not comparable


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
    parser.add_argument("--profile", action="store_true",
                        help="sample the server with py-spy over the window and print where its CPU went: training "
                             "steps, evaluations, t-SNE frames, pages")
    parser.add_argument("--plain-steps", type=int, default=1200,
                        help="steps of the plain loop the class throughput is set against, timed before and after "
                             "the class (default: an epoch, as the issue timed it; 0: leave it out)")
    parser.add_argument("--memory", action="store_true", help="measure memory per student instead (see above)")
    parser.add_argument("--board", action="store_true",
                        help="measure the teacher's board: windows without, with and without it (see above)")
    parser.add_argument("--warmup", type=float, default=20, help="--board: seconds of training before the first window")
    parser.add_argument("--rounds", type=int, default=1,
                        help="--board: windows with the board, each followed by one without (A1 B1 A2 B2 A3 ...)")
    parser.add_argument("--store-steps", type=int, default=None,
                        help="--board: records of the run whose result's cost is timed in this process "
                             "(default: bench/run_result.py's, one MNIST epoch; 0: leave that part out)")
    args = parser.parse_args()
    if args.board and args.memory:
        parser.error("--board and --memory are separate runs")
    if args.board and args.client == "browser":
        parser.error("--board seats protocol students only")
    args.client = args.client or ("browser" if args.students <= 6 and not args.board else "protocol")
    return args


def start_server(args: argparse.Namespace, extra_env: dict[str, str] | None = None,
                 flags: tuple[str, ...] = ()) -> harness.Server:
    env = {**server_environment(args.root), **(extra_env or {})}
    if args.max_steps:
        env["LIVELAB_MAX_STEPS"] = str(args.max_steps)
    return harness.start_server(env, ["--server.disconnectedSessionTTL", str(args.session_ttl), *flags], args.port)


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
    plain_before = plain_rate(args, "before the class")
    loop = EventLoopThread()
    server = start_server(args)
    try:
        with harness.chromium() as browser, procstat.Watch({
            "server": lambda: [server.pid], "browsers": procstat.chromium_processes,
            "benchmark": lambda: [os.getpid()], "driver": procstat.driver_processes,
        }) as watch:
            print(f"server     healthy: rss {watch.now('server').rss:.0f} MB", flush=True)
            class_rate = run_class(args, server, browser, loop, watch)
    finally:
        harness.stop_server(server)
        loop.close()
    if args.plain_steps:
        plain = max(plain_before, plain_rate(args, "after the class"))  # the denominator that flatters us less
        print(f"throughput the class's training steps/s summed: {class_rate:.1f} -> {class_rate / plain:.2f}x the "
              f"plain loop's faster rate, {plain:.1f} steps/s (evaluations included)", flush=True)
    print(f"classroom  done; {describe_machine()}")


def plain_rate(args: argparse.Namespace, when: str) -> float:
    """Steps 0 and 9: the plain loop's steps per second, alone on the machine (0.0 with --plain-steps 0)."""
    if not args.plain_steps:
        return 0.0
    seconds, used = plain_loop(args.data, args.root, args.plain_steps)
    rate = args.plain_steps / seconds
    print(f"plain      the CNN page's defaults in a plain torch loop on {used} threads, {when}: "
          f"{args.plain_steps} steps in {seconds:.1f} s, {rate:.1f} steps/s", flush=True)
    return rate


def run_class(args, server: harness.Server, browser, loop: EventLoopThread, watch: procstat.Watch) -> float:
    """Steps 2-8; the class's training steps per second, summed."""
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
    class_rate = window(args, server, browser, watch, students, before)
    errors = students.errors()
    if errors:
        print(f"errors     {len(errors)} students saw an exception; the first: {errors[0]}")

    students.leave()
    after_closing(args, server, watch, loop, before)
    return class_rate


def window(args, server: harness.Server, browser, watch: procstat.Watch, students, before: float) -> float:
    """Steps 4-6: progress over the window, a newcomer in it, what everything cost in it; the class's
    training steps per second, summed."""
    start, machine = {group: watch.now(group) for group in watch.groups}, procstat.machine_cpu_seconds()
    first = students.progress()
    profile = ServerProfile.start(server.pid, args.train_seconds) if args.profile else None
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
    class_rate = print_progress(first, last)
    if profile is not None:
        print(f"profile    the server's CPU over the window (py-spy): {profile.summary()}", flush=True)
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
    return class_rate


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


def print_progress(first: list[Progress], last: list[Progress]) -> float:
    """Each student's steps over the window and the slowest-to-fastest ratio of their rates; their sum."""
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
    return sum(rates)


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


@dataclass(frozen=True)
class Window:
    """One window of the --board run: the students' rates and what the processes used."""

    name: str
    rates: list[float]  # steps/s, one per student
    ended: int  # runs that ended inside it (their rates undercount them)
    seconds: float
    server_cores: float
    benchmark_cores: float
    other_cores: float
    server_rss: float

    @property
    def ratio(self) -> float:
        fastest = max(self.rates)
        return min(self.rates) / fastest if fastest else 0.0

    @property
    def aggregate(self) -> float:
        return sum(self.rates)


def board(args: argparse.Namespace) -> None:
    """--board: windows without, with and without the teacher's board; then the worker's cost of a result."""
    print(f"board      {args.students} protocol students on /{args.page}, data {args.data}"
          f"{', ' + args.query if args.query else ''}; windows of {args.train_seconds:g} s after {args.warmup:g} s "
          f"of training: A1 without the board, then {args.rounds} x (B with it, A without it); {describe_machine()}",
          flush=True)
    loop = EventLoopThread()
    with tempfile.TemporaryDirectory(prefix="livelab-board-") as folder:  # the server's results: a fresh database
        server = start_server(args, {"LIVELAB_TEACHER_PASSWORD": BOARD_PASSWORD,
                                     "LIVELAB_DATABASE_URL": f"sqlite:///{folder}/results.sqlite3"},
                              ("--server.fileWatcherType", "none"))
        try:
            with procstat.Watch({"server": lambda: [server.pid], "benchmark": lambda: [os.getpid()]}) as watch:
                print(f"server     healthy: rss {watch.now('server').rss:.0f} MB; its results in a fresh SQLite "
                      f"file", flush=True)
                board_class(args, server, loop, watch)
        finally:
            harness.stop_server(server)
            loop.close()
    print(f"board      server stopped; {describe_machine()}", flush=True)
    if args.store_steps != 0:
        from bench import run_result  # torch and the app's core: only this part needs them in this process

        run_result.report(args.data, args.root, args.store_steps or run_result.STEPS, prefix="store      ")
    print(f"board      done; {describe_machine()}")


def board_class(args, server: harness.Server, loop: EventLoopThread, watch: procstat.Watch) -> None:
    query = query_of(args)
    home, cnn = served_visit(server.url, query)
    print(f"first      a protocol tab on the fresh server: home page's script done {home:.2f} s, CNN page's "
          f"{cnn:.2f} s; server rss {watch.now('server').rss:.0f} MB", flush=True)
    students = ProtocolClass(loop, server.url, args.page, query)
    seated = students.join(args.students)
    print(f"students   {args.students} pages drawn (Train enabled) {seated:.1f} s after they were opened", flush=True)
    students.press_train()
    time.sleep(args.warmup)
    windows = [board_window("A1", "without the board", args, students, watch)]
    for number in range(1, args.rounds + 1):
        windows.append(with_the_board(f"B{number}", args, server, loop, students, watch))
        windows.append(board_window(f"A{number + 1}", "without the board", args, students, watch))
    summary(windows)
    errors = students.errors()
    if errors:
        print(f"errors     {len(errors)} students saw an exception; the first: {errors[0]}")
    students.leave()


def with_the_board(name: str, args, server: harness.Server, loop: EventLoopThread, students: ProtocolClass,
                   watch: procstat.Watch) -> Window:
    """A teacher logs in; a window with the board open; the teacher closes the tab."""
    teacher = Tab(server.url, "lang=en", timed=True)
    opened, login = loop.call(seat_teacher(teacher))
    print(f"teacher    /class drawn {opened:.2f} s after it was opened; password submitted, the board drawn "
          f"{login:.2f} s later; its live fragment reruns every "
          f"{', '.join(f'{interval:g}' for interval in teacher.timers().values())} s", flush=True)
    time.sleep(BOARD_SETTLE_S)
    before = (teacher.state.received_bytes, teacher.state.received_messages)
    start = time.monotonic()
    shown = board_window(name, "with the board open", args, students, watch)
    end = time.monotonic()
    after = (teacher.state.received_bytes, teacher.state.received_messages)
    in_flight = teacher.redraw_in_flight()
    redraws = [redraw for redraw in list(teacher.state.redraws) if start <= redraw.finished <= end]
    print_redraws(name, redraws, None if in_flight is None else end - in_flight, after[0] - before[0],
                  after[1] - before[1], end - start)
    loop.call(teacher.close())
    if teacher.state.exceptions:
        print(f"errors     the board showed {len(teacher.state.exceptions)} exceptions; the first: "
              f"{teacher.state.exceptions[0]}")
    time.sleep(BOARD_SETTLE_S)  # its last redraw is over
    return shown


def summary(windows: list[Window]) -> None:
    """Each window's ratio and aggregate; each window with the board against the two around it."""
    for figure, value, form in (("slowest/fastest", lambda w: w.ratio, ".3f"),
                                ("aggregate steps/s", lambda w: w.aggregate, ".1f")):
        compared = "; ".join(f"{shown.name} against {before.name} {value(shown) / value(before) - 1:+.1%}, against "
                             f"{after.name} {value(shown) / value(after) - 1:+.1%}"
                             for before, shown, after in zip(windows[::2], windows[1::2], windows[2::2], strict=False))
        print(f"summary    {figure}: " + ", ".join(f"{w.name} {value(w):{form}}" for w in windows) + f"; {compared}")
    if max(window.other_cores for window in windows) > QUIET_CORES:
        print("summary    NOT COMPARABLE: the rest of the machine used " + ", ".join(
            f"{w.name} {w.other_cores:.2f}" for w in windows) + f" cores (more than {QUIET_CORES} in one): other "
              "work shared the cores; rerun on a quiet machine", flush=True)


async def seat_teacher(teacher: Tab) -> tuple[float, float]:
    """Open the Class page and log in; seconds until the form was drawn, then until the board was.
    Raises if the board did not open (no live fragment to follow)."""
    opened = await teacher.open(BOARD_PATH)
    login = await teacher.submit_form({BOARD_PASSWORD_KEY: BOARD_PASSWORD}, BOARD_OPEN)
    if not teacher.timers():
        raise RuntimeError(f"the board did not open: no live fragment after the password; buttons "
                           f"{teacher.state.buttons}, exceptions {teacher.state.exceptions}")
    return opened, login


def board_window(name: str, label: str, args, students: ProtocolClass, watch: procstat.Watch) -> Window:
    """One window: the students' progress and the processes' cores over --train-seconds; printed."""
    start = {group: watch.now(group) for group in watch.groups}
    machine = procstat.machine_cpu_seconds()
    first = students.progress()
    time.sleep(max(0.0, start["server"].at + args.train_seconds - time.monotonic()))
    last = students.progress()
    end = {group: watch.now(group) for group in watch.groups}
    machine = procstat.machine_cpu_seconds() - machine
    seconds = end["server"].at - start["server"].at
    cores = {group: end[group].cores_since(start[group]) for group in watch.groups}
    rates = [(b.done - a.done) / (b.at - a.at) if b.at > a.at else 0.0 for a, b in zip(first, last, strict=True)]
    ended = sum(bool(b.total) and b.done >= b.total for b in last)
    window = Window(name, rates, ended, seconds, cores["server"], cores["benchmark"],
                    max(0.0, machine / seconds - sum(cores.values())), end["server"].rss)
    deciles = statistics.quantiles(rates, n=10, method="inclusive")
    print(f"window {name:<3} {label} ({seconds:.0f} s): aggregate {window.aggregate:.1f} steps/s; slowest/fastest "
          f"{window.ratio:.3f} ({min(rates):.2f} vs {max(rates):.2f} steps/s, median {statistics.median(rates):.2f}; "
          f"10th/90th percentile {deciles[0] / deciles[-1] if deciles[-1] else 0:.3f}); "
          f"{sum(rate > 0 for rate in rates)} of {len(rates)} progressed"
          f"{f', {ended} runs ended in it (their rates undercount them)' if ended else ''}")
    print(f"window {name:<3} steps/s by student: " + " ".join(f"{rate:.2f}" for rate in rates))
    print(f"window {name:<3} server {window.server_cores:.2f} cores (rss {window.server_rss:.0f} MB at its end); "
          f"this benchmark (every protocol client) {window.benchmark_cores:.2f} cores; the rest of the machine "
          f"{window.other_cores:.2f} cores", flush=True)
    return window


def print_redraws(name: str, redraws: list[Redraw], running: float | None, received: int, messages: int,
                  seconds: float) -> None:
    """The board's redraws that finished in the window `name` (the first may have been sent just before it): the
    server's wall time for each; the one still running at B's end (`running` s old), and the teacher's bytes."""
    if not redraws:
        print(f"board      no redraw of the live board finished inside window {name}")
    else:
        times = sorted(redraw.seconds for redraw in redraws)
        p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
        late = sum(redraw.late for redraw in redraws)
        print(f"board      {len(redraws)} redraws of the live board finished in {name} ({late} late: "
              f"their timer fired while the last was still going); the server's wall time per redraw (rerun sent -> "
              f"script_finished received): median {statistics.median(times) * 1e3:.0f} ms, 90th percentile "
              f"{p90 * 1e3:.0f} ms, worst {times[-1] * 1e3:.0f} ms, best {times[0] * 1e3:.0f} ms")
    if running is not None:
        print(f"board      at {name}'s end a redraw had been running for {running:.1f} s (not counted above)")
    print(f"board      the teacher's websocket received {received / 1e6:.2f} MB in {messages} messages over "
          f"{seconds:.0f} s: {received / seconds / 1e3:.1f} kB/s", flush=True)


def main() -> None:
    args = parse_args()
    if args.memory:
        memory(args)
    elif args.board:
        board(args)
    else:
        load(args)


if __name__ == "__main__":
    main()
