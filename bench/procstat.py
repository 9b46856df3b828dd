"""What a process costs, read from Linux's /proc: resident memory and CPU time, for one process (a
Streamlit server) or a group (Chromium's browser, renderer and helper processes). The load
benchmark reads these instead of asking the processes, so the numbers include everything they do."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core import board

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) in MB, as the teacher's board reads the server's; 0 once the process has gone."""
    return board.memory_mb(pid) or 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size in MB: resident memory with shared pages split between their users, so
    that a group of processes sharing libraries (Chromium's) is not counted several times over."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()  # after "(comm)", which may hold spaces
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15 of stat


def command_name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, grandchildren...), from the parent ids in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rpartition(")")[2].split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def chromium_processes() -> list[int]:
    """This process's Chromium processes (launched through Playwright's driver)."""
    return [pid for pid in descendants(os.getpid()) if command_name(pid).startswith("chrom")]


def driver_processes() -> list[int]:
    """Playwright's node driver, which this process started (a server it started is not counted)."""
    return [pid for pid in descendants(os.getpid()) if command_name(pid).startswith("node")]


@dataclass(frozen=True)
class Reading:
    """A group of processes at one moment."""

    at: float  # time.monotonic()
    cpu: dict[int, float]  # pid -> CPU seconds used so far
    rss: float  # MB, summed over the group
    pss: float  # MB, summed over the group

    def cores_since(self, earlier: Reading) -> float:
        """Cores the group kept busy between `earlier` and this reading (a process that started in
        between counts in full; one that ended in between is lost)."""
        used = sum(seconds - earlier.cpu.get(pid, 0.0) for pid, seconds in self.cpu.items())
        return used / (self.at - earlier.at) if self.at > earlier.at else 0.0


def read(pids: Iterable[int], with_pss: bool = False) -> Reading:
    pids = list(pids)
    return Reading(time.monotonic(), {pid: cpu_seconds(pid) for pid in pids}, sum(rss_mb(pid) for pid in pids),
                   sum(pss_mb(pid) for pid in pids) if with_pss else 0.0)


class Watch:
    """Reads a few groups of processes every `period_s` on a thread, so that a benchmark can ask
    what they did over any stretch of time afterwards (peak memory, cores used)."""

    def __init__(self, groups: dict[str, Callable[[], Iterable[int]]], period_s: float = 1.0):
        self.groups, self.period_s = groups, period_s
        self.readings: dict[str, list[Reading]] = {name: [] for name in groups}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="watch", daemon=True)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def now(self, group: str) -> Reading:
        """A reading taken now (also kept)."""
        reading = read(self.groups[group](), with_pss=group != "server")
        self.readings[group].append(reading)
        return reading

    def between(self, group: str, start: float, end: float) -> list[Reading]:
        return [r for r in list(self.readings[group]) if start <= r.at <= end]

    def _watch(self) -> None:
        while not self._stop.wait(self.period_s):
            for group in self.groups:
                self.now(group)


def machine_cpu_seconds() -> float:
    """CPU time every process on the machine has used so far (all cores, not idle or waiting for
    disk), from /proc/stat: to tell what else ran beside a benchmark on a shared machine."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
