"""bench/procstat.py reads CPU time and memory from /proc; the load benchmark's figures rest on it."""

import os
import signal
import subprocess
import sys
import time

from bench import procstat


def test_cpu_seconds_grow_while_the_process_works():
    before = procstat.cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    assert procstat.cpu_seconds(os.getpid()) - before >= 0.2


def test_memory_of_this_process_and_of_one_that_has_gone():
    assert 10 < procstat.rss_mb(os.getpid()) < 100_000
    assert 0 < procstat.pss_mb(os.getpid()) <= procstat.rss_mb(os.getpid()) * 1.1
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert procstat.rss_mb(child.pid) == procstat.cpu_seconds(child.pid) == 0.0


def test_descendants_include_a_child_and_its_child():
    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; "
                              "subprocess.run([sys.executable, '-c', 'import time; time.sleep(5)'])"])
    try:
        deadline = time.monotonic() + 10
        while len(procstat.descendants(os.getpid())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        below = procstat.descendants(os.getpid())
        assert child.pid in below and len(below) >= 2
    finally:
        for pid in procstat.descendants(child.pid):
            os.kill(pid, signal.SIGKILL)
        child.kill()
        child.wait()
