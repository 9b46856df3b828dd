"""The one browser harness: a real `streamlit run app.py` server on a free port, and Debian's
Chromium driven by Playwright. The browser tests' fixtures (conftest.py) and the benchmarks
(bench/) both start the app and the browser through these functions, so the Chromium flags and
the way a server is started and judged ready live in one place. No pytest here."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LIVELAB_CHROMIUM", "/usr/bin/chromium")
# Playwright cannot download its own browser here: Debian's Chromium, headless, with nothing that
# reaches the network on its own (the machines that run this have no internet).
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]
HEALTH_POLL_SECONDS = 0.05  # fine enough to time a server's start-up


@dataclass
class Server:
    """A running `streamlit run app.py`: its base URL, its process and where its output goes."""

    url: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: Mapping[str, str] | None = None, flags: Sequence[str] = (), port: int | None = None,
                 log: Path | None = None, timeout_s: float = 90) -> Server:
    """Start `streamlit run app.py` with this environment's variables plus `env` and extra
    command-line `flags` (e.g. "--server.disconnectedSessionTTL", "30"), and return once it answers
    /_stcore/health. Its output goes to `log` (a fresh temporary file by default), which the error
    names when the server dies or does not answer within `timeout_s`."""
    port = port or free_port()
    log = log or Path(tempfile.mkdtemp(prefix="livelab-server-")) / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", *flags]
    with log.open("w") as output:  # the child keeps its own copy of the file descriptor
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                                   stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_healthy(server, timeout_s)
    except BaseException:
        stop_server(server)
        raise
    return server


def wait_until_healthy(server: Server, timeout_s: float) -> None:
    """Block until the server answers /_stcore/health with 200."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start at {server.url}; see {server.log}")
        time.sleep(HEALTH_POLL_SECONDS)


def stop_server(server: Server) -> None:
    """Stop the server: politely first, then for good."""
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(10)


@contextmanager
def running_server(env: Mapping[str, str] | None = None, flags: Sequence[str] = (),
                   port: int | None = None, log: Path | None = None) -> Iterator[Server]:
    """start_server(...) for the duration of a `with` block."""
    server = start_server(env, flags, port, log)
    try:
        yield server
    finally:
        stop_server(server)


def launch_chromium(playwright):
    """Debian's Chromium, headless, from a started Playwright (sync or async API)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium` (see .ci/run)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


@contextmanager
def chromium() -> Iterator:
    """A Chromium browser (Playwright's sync API) for the duration of a `with` block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
