"""A process that ends while torch works on another of its threads ends normally. torch calls
std::terminate ("terminate called without an active exception", exit status 134) when the
interpreter exits while a thread is in one of its ops; a test run whose last test left a run training,
or a notebook's script, ended that way. The server's scheduler stops its workers at exit, and the
warm-up is waited for (core/scheduler.py, ui/preload.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUSY = """
import torch


def busy(seconds=1.0):
    '''torch ops on this thread, for a while (long past the process's end).'''
    import time
    started, a = time.monotonic(), torch.randn(256, 256)
    while time.monotonic() - started < seconds:
        a = torch.tanh(a @ a)
    return True
"""

TRAINING = BUSY + """
import time
from core import scheduler


class Busy:
    share, not_before, stepped = None, 0.0, threading.Event()

    def step(self):
        Busy.stepped.set()
        return busy(0.3)


scheduler.server().submit(Busy())
Busy.stepped.wait(30)
time.sleep(0.2)  # in the step's ops
"""

WARMING_UP = BUSY + """
import core.run
from ui import preload

started = threading.Event()
core.run.rehearse = lambda: started.set() or busy()  # the warm-up's rehearsal, in torch's ops
preload.start(download=False)
started.wait(60)
"""


def ends(script: str) -> subprocess.CompletedProcess:
    prelude = f"import sys, threading\nsys.path.insert(0, {str(ROOT)!r})\n"
    return subprocess.run([sys.executable, "-c", prelude + script], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)


def test_a_process_that_ends_while_a_run_trains_ends_normally():
    done = ends(TRAINING)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_process_that_ends_while_the_server_warms_up_ends_normally():
    done = ends(WARMING_UP)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
