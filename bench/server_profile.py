"""Where the server's CPU goes while a class trains: py-spy samples of its threads, sorted by kind of work.

    profile = ServerProfile.start(pid, seconds=40)   # py-spy record --format raw, in the background
    ...                                              # the class trains
    print(profile.summary())                         # "training steps 61 %, evaluations 12 %, ..."

py-spy (pip install py-spy; it attaches with ptrace, so run as root or with ptrace allowed) samples every
thread of the server 50 times a second without stopping it (--nonblocking) and writes each distinct stack
with its count. Only stacks of running threads are kept (no --idle): the shares are of the CPU the server
used. Each stack is given the first kind that one of its frames names, in KINDS' order: so an evaluation
inside a training step's generator is an evaluation, and a t-SNE frame inside an evaluation is t-SNE.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

RATE_HZ = 50
KINDS = (  # (kind, what a frame of it contains), in the order they are tried
    ("t-SNE frames", ("core/embedding.py",)),
    ("evaluations", ("evaluate (", "core/inspect_cnn.py")),
    ("training steps", ("core/training.py", "core/regression.py", "torch/optim", "torch/autograd")),
    ("pages (scripts, charts, messages)", ("streamlit/", "plotly/", "/ui/", "/app_pages/", "uvicorn/",
                                           "starlette/", "asyncio/", "websockets/")),
)
OTHER = "other (scheduler, imports, the rest)"


class ServerProfile:
    def __init__(self, process: subprocess.Popen | None, output: Path, reason: str = ""):
        self.process, self.output, self.reason = process, output, reason

    @classmethod
    def start(cls, pid: int, seconds: float) -> ServerProfile:
        """py-spy on `pid` for `seconds`, in the background; without py-spy, a profile that says so."""
        output = Path(tempfile.mkdtemp(prefix="livelab-profile-")) / "stacks.txt"
        if shutil.which("py-spy") is None:
            return cls(None, output, "py-spy is not installed (pip install py-spy)")
        command = ["py-spy", "record", "--pid", str(pid), "--duration", str(round(seconds)), "--rate", str(RATE_HZ),
                   "--format", "raw", "--nonblocking", "--output", str(output)]
        return cls(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True), output)

    def shares(self) -> Counter:
        """Samples by kind, once py-spy has finished."""
        if self.process is not None:
            _, errors = self.process.communicate()
            if self.process.returncode != 0 or not self.output.exists():
                self.reason = f"py-spy failed: {errors.strip()[-300:]}"
                self.process = None
        counts: Counter = Counter()
        if self.output.exists():
            for line in self.output.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                if stack and count.isdigit():
                    counts[kind_of(stack)] += int(count)
        return counts

    def summary(self) -> str:
        counts = self.shares()
        total = sum(counts.values())
        if not total:
            return f"not measured: {self.reason or 'no samples'}"
        kinds = [kind for kind, _ in KINDS] + [OTHER]
        parts = ", ".join(f"{kind} {100 * counts[kind] / total:.0f} %" for kind in kinds)
        return f"{parts} (of {total} samples of running threads at {RATE_HZ} Hz)"


def kind_of(stack: str) -> str:
    """The kind of work a collapsed stack ("frame;frame;...") is doing."""
    for kind, marks in KINDS:
        if any(mark in stack for mark in marks):
            return kind
    return OTHER
