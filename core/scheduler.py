"""Which runs train, server-wide: a few training slots shared fairly by the students on the server.

A class of 30 students pressing Train at once on a 2-core server must not start 30 training threads:
they would fight for the cores and for Python's lock, every run would crawl, and each thread would
keep memory of its own. Instead a fixed pool of `slots` worker threads advances the runs in turns:
a worker takes a run, advances it for a quantum of time (a step at a time: the generators stop and
resume anywhere), and puts it back in line.

Turns are shared by student first, then among the student's runs. A run carries its share (the
student's board id, set by ui/session_runs.py; a run with none, a test's or a notebook's, is a share
of its own): the line holds shares, the one that has waited longest for a turn first, and each
share's runs in round robin. A worker takes the next run of the first share among those with the
fewest runs training now, and that share then waits behind every other. So a student with four pages
training gets the turns of a student with one, no share waits for ever, and a student waits at
most a few quanta for each turn.

A turn is measured in the CPU time of its worker's thread, not in wall time: under a class's load a
step's wall time is mostly waiting (for Python's lock, behind the pages' scripts, for a core), which
varies from turn to turn and would give some students fewer steps for no fault of theirs. A step
that ends far past its turn (an evaluation run inline, a t-SNE frame) is its share's debt: the share
skips a turn for each quantum it owes, so each student gets the same CPU time, evaluations included.

A run that wants no turn before a time (`Job.not_before`: the regression page's pace, a rest between
steps so that the eye can follow) holds no slot meanwhile: it rests aside, and comes back in line
when it is due (an idle worker waits until then; a busy one looks at each step's end). Stop works
on a resting run at once.

The workers also share out torch's threads: several runs get an even share each; a lone run gets all
of them while no side task (`aside`: an evaluation) runs, and gives one back, at its next step,
while one does. Only the first worker trains on more than the even share (see _for_the_lead).

    scheduler = Scheduler(slots=2, threads=2)
    scheduler.submit(job)       # job: step() -> bool, share, not_before; see core.runner.BackgroundRun
    scheduler.place(job)        # where it stands in line, while it waits for a turn

When the process ends, the server's scheduler closes (`close`, at exit): each worker ends after its
step in progress. torch aborts a process (std::terminate, exit status 134) whose interpreter exits
while one of its threads is in an op: a test run or a script that ended with a run training did.
(A Streamlit server's Ctrl-C ends the sessions first, which stops their runs.)

Settings: LIVELAB_TRAINING_SLOTS (runs advanced at once) and LIVELAB_TRAINING_THREADS (torch
threads shared among them), read by core/environment.py; README, "A class on one link".
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from core import environment, threads
from core.base import inline, resolve

T = TypeVar("T")

MAX_DEFAULT_SLOTS = 4  # more workers than this only fight over Python's lock (each step has Python work)
QUANTUM_S = 0.5  # a run's turn, in its worker's CPU time; a step in progress always finishes first
WALL_QUANTA = 4  # ...but no longer than this many quanta of wall time (a run that waits uses no CPU)
MAX_DEBT_QUANTA = 10  # the most turns a share skips for one long step: it must not wait for minutes
CLOSE_WAIT_S = 30.0  # how long the process's end waits for the steps (or evaluations) in progress


class Job(Protocol):
    # Whose share of the turns the run takes: the runs of one student take turns within the student's
    # share. None: a share of its own (a test's, a notebook's or a benchmark's run).
    share: Hashable | None
    # A monotonic time before which the run wants no turn (a paced run resting between two steps so
    # that the eye can follow): it waits without a slot, and comes back in line when it is due.
    not_before: float

    def step(self) -> bool:
        """Advance by one record; False once there is nothing more to do."""


@dataclass(frozen=True)
class Place:
    """Where a waiting run stands: runs ahead of it in line, and about how long until its turn."""

    ahead: int
    seconds: float


def slots_for(cores: int, override: int | None = None) -> int:
    """The number of runs advanced at once: `override` (the environment's count) when given;
    otherwise one per core, at most MAX_DEFAULT_SLOTS."""
    return override or max(1, min(cores, MAX_DEFAULT_SLOTS))


class Scheduler:
    def __init__(self, slots: int, threads: int, quantum_s: float = QUANTUM_S):
        if slots < 1 or threads < 1:
            raise ValueError(f"need at least one slot and one thread, got slots={slots}, threads={threads}")
        self.slots, self.threads, self.quantum_s = slots, threads, quantum_s
        self._changed = threading.Condition()
        # Runs waiting for a turn, by share: the share that has waited longest for a turn first, and
        # each share's runs in the order they take its turns.
        self._line: dict[Hashable, deque[Job]] = {}
        self._debt: dict[Hashable, float] = {}  # CPU seconds a share's turns ran past their quantum
        self._stepping: set[Job] = set()  # runs a worker is advancing now
        self._resting: dict[Job, float] = {}  # runs that want no turn before a time (Job.not_before)
        self._unwanted: set[Job] = set()  # withdrawn while a worker advanced them: not to be put back
        self._aside: deque[tuple[Callable[[], Any], Future]] = deque()  # side tasks for idle workers
        self._idle = 0  # workers waiting for work
        self._aside_busy = 0  # workers running a side task
        self._lead_idle = False  # whether the first worker waits for work (see _for_the_lead)
        self._workers: list[threading.Thread] = []
        self._closing = False

    # --- what runs call ------------------------------------------------------------------------

    def submit(self, job: Job) -> None:
        """Put `job` in line (once: a run already in line or being advanced stays where it is); after
        `close`, nowhere."""
        with self._changed:
            if self._closing:
                return
            self._unwanted.discard(job)
            if job not in self._stepping and not self._waiting(job) and job not in self._resting:
                self._put_back(job)
                self._start_workers()
                self._changed.notify_all()

    def withdraw(self, job: Job, wait: bool = True) -> None:
        """Take `job` out of line (or out of its rest); a worker advancing it stops after the current
        step (waited for, unless `wait` is false)."""
        with self._changed:
            if self._waiting(job):
                runs = self._line[share_of(job)]
                runs.remove(job)
                if not runs:
                    del self._line[share_of(job)]
            self._resting.pop(job, None)
            self._changed.notify_all()  # whoever waits for the run
            if job in self._stepping:
                self._unwanted.add(job)
                while wait and job in self._stepping:
                    self._changed.wait()

    def wait(self, job: Job, timeout: float | None = None) -> bool:
        """Block until `job` is neither waiting, resting nor being advanced (or `timeout` passes); True if so."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while self._waiting(job) or job in self._stepping or job in self._resting:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def place(self, job: Job) -> Place | None:
        """Where `job` stands while it waits for a turn; None while it trains or rests (or is not in line).
        Turns go round the shares, one run of each share a round: the runs ahead are those of the
        rounds before this run's, and of its own round the shares ahead of its share."""
        with self._changed:
            if not self._waiting(job):
                return None
            share = share_of(job)
            round_ = self._line[share].index(job)
            ahead, before = 0, True
            for key, runs in self._line.items():
                before = before and key != share
                ahead += min(len(runs), round_) + (1 if before and len(runs) > round_ else 0)
            return Place(ahead, self.quantum_s * (ahead // self.slots + 1))

    def aside(self, task: Callable[[], T]) -> Future[T]:
        """Run `task` (a run's evaluation) on a worker no run needs now, else here and now; what a
        run may rely on, and when a task runs where, is stated once in core/pipeline.py."""
        with self._changed:
            if self._idle + self._aside_busy > len(self._aside) and not self._line:
                future: Future[T] = Future()
                self._aside.append((task, future))
                self._changed.notify_all()
                return future
        return inline(task)

    def set_threads(self, count: int) -> None:
        """A new torch-thread budget; each worker takes its share at its next turn."""
        with self._changed:
            self.threads = max(1, count)

    def close(self, timeout: float = CLOSE_WAIT_S) -> bool:
        """Train no more: each worker ends after the step or side task in progress, waited for up to
        `timeout` seconds; whether they all ended. Runs stay as they are (the process is ending)."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        return not any(worker.is_alive() for worker in self._workers)

    def load(self) -> int:
        """Runs waiting or training on the whole server (not those resting: they want no slot now)."""
        with self._changed:
            return self._waiting_count() + len(self._stepping)

    # --- the workers ---------------------------------------------------------------------------

    def _start_workers(self) -> None:
        """All the slots' workers, once there is work: the idle ones take side tasks (`aside`)."""
        while len(self._workers) < self.slots and not self._closing:
            worker = threading.Thread(target=self._work, args=(not self._workers,),
                                      name=f"livelab-slot-{len(self._workers)}", daemon=True)
            self._workers.append(worker)
            worker.start()

    def _threads_each(self) -> int:
        """torch threads per training worker: the budget shared by the runs that train at once, less
        one thread while a free worker runs a side task (`aside`: an evaluation, on one thread). So a
        lone run on 2 cores trains on both, and on one while its evaluation takes the other; a worker
        takes its new share at its run's next step (README, "Threads")."""
        # A resting run counts: it is back within a moment, and changing every worker's threads each
        # time it rests and wakes would rebuild their OpenMP teams at its pace.
        training = min(self.slots, self._waiting_count() + len(self._stepping) + len(self._resting))
        evaluating = bool(self._aside) or self._aside_busy > 0
        spare = 1 if evaluating and training < self.slots and self.threads > 1 else 0
        return max(1, (self.threads - spare) // max(1, training))

    def _work(self, lead: bool) -> None:
        threads.lower_priority()  # pages, and whoever opens one, come before training
        count = threads.use_for_training(1)
        while True:
            with self._changed:
                self._idle += 1
                self._lead_idle = self._lead_idle or lead
                while not self._closing and not self._aside and not (
                        self._wake_due() and (lead or not self._for_the_lead())):
                    self._changed.wait(self._until_due())
                self._idle -= 1
                self._lead_idle = self._lead_idle and not lead
                if self._closing:
                    return
                side = self._aside.popleft() if self._aside else None
                if side is not None:
                    self._aside_busy += 1
                else:
                    job = self._next_in_line()
                    self._stepping.add(job)
                    wanted = self._threads_each()
            if side is not None:
                task, future = side
                try:
                    resolve(future, task)
                finally:
                    with self._changed:
                        self._aside_busy -= 1
                continue
            more = False
            try:  # whatever escapes a turn, the run leaves the slot: a page waiting on it must not hang
                if wanted != count:
                    count = threads.use_for_training(wanted)
                more = self._turn(job, count)
            finally:
                with self._changed:
                    self._stepping.discard(job)
                    if more and job not in self._unwanted:
                        self._put_back(job)
                    self._unwanted.discard(job)
                    self._forget_gone_debts()
                    self._changed.notify_all()

    def _for_the_lead(self) -> bool:
        """Whether the next run is left to the first worker, which waits for work: it would train on
        more threads than the budget's even share among the slots (a lone run). So only that worker
        ever keeps an OpenMP team wider than the even share: each thread that runs torch on several
        threads keeps its team, and once the teams hold more threads than there are cores, every
        parallel op waits for a wake-up (core/threads.py)."""
        return self._lead_idle and self._threads_each() > max(1, self.threads // self.slots)

    # --- the line, by share (called holding the lock) --------------------------------------------

    def _waiting(self, job: Job) -> bool:
        return job in self._line.get(share_of(job), ())

    def _waiting_count(self) -> int:
        return sum(len(runs) for runs in self._line.values())

    def _enqueue(self, job: Job) -> None:
        """At the end of its share's runs; a share new to the line behind every other."""
        self._line.setdefault(share_of(job), deque()).append(job)

    def _put_back(self, job: Job) -> None:
        """In line, or resting until its time."""
        if job.not_before > time.monotonic():
            self._resting[job] = job.not_before
        else:
            self._enqueue(job)

    def _wake_due(self) -> bool:
        """Put the resting runs whose time has come in line (the earliest due first); whether any run
        waits in line."""
        now = time.monotonic()
        for job, _ in sorted(((job, due) for job, due in self._resting.items() if due <= now), key=lambda r: r[1]):
            del self._resting[job]
            self._enqueue(job)
        return bool(self._line)

    def _until_due(self) -> float | None:
        """Seconds until the next resting run is due; None while none rests."""
        return max(0.0, min(self._resting.values()) - time.monotonic()) if self._resting else None

    def _next_in_line(self) -> Job:
        """The next run of the share that has waited longest among those with the fewest runs training
        now (a student whose run holds a slot lets another student take the next one); that share then
        waits behind every other. A share that owes a quantum (see _turn) pays it by letting the
        others go first."""
        training = Counter(share_of(job) for job in self._stepping)
        while True:
            share = min(self._line, key=lambda key: training[key])  # min keeps the first of equals: line order
            runs = self._line.pop(share)
            if self._debt.get(share, 0.0) >= self.quantum_s and self._line:
                self._debt[share] -= self.quantum_s
                self._line[share] = runs  # behind every other share: a turn skipped
                continue
            job = runs.popleft()
            if runs:
                self._line[share] = runs
            return job

    def _charge(self, share: Hashable, overrun: float) -> None:
        """Add a turn's CPU seconds past its quantum to its share's debt (bounded: MAX_DEBT_QUANTA)."""
        if overrun > 0:
            self._debt[share] = min(self._debt.get(share, 0.0) + overrun, MAX_DEBT_QUANTA * self.quantum_s)

    def _forget_gone_debts(self) -> None:
        """Drop the debts of shares with no run left in line, training or resting."""
        present = {*self._line, *map(share_of, self._stepping), *map(share_of, self._resting)}
        for share in [share for share in self._debt if share not in present]:
            del self._debt[share]

    def _turn(self, job: Job, count: int) -> bool:
        """Advance `job` with `count` threads for a quantum of this thread's CPU time, less what its share
        owes (longer while nobody waits), or until it rests or its share of threads changes; whether it
        has more to do. CPU time past the turn's budget becomes its share's debt."""
        share = share_of(job)
        with self._changed:
            budget = self.quantum_s - self._debt.pop(share, 0.0)
        cpu_start, wall_start = time.thread_time(), time.monotonic()
        try:
            while True:
                with self._changed:
                    if job in self._unwanted or self._closing:
                        return False
                if not job.step():
                    return False
                if job.not_before > time.monotonic():
                    return True  # it rests: the slot goes to another run meanwhile
                with self._changed:
                    if self._threads_each() != count:  # a run came or went: take the new share
                        return True
                    if (time.thread_time() - cpu_start >= budget
                            or time.monotonic() - wall_start >= WALL_QUANTA * self.quantum_s):
                        if self._wake_due():
                            return True
                        budget, cpu_start, wall_start = self.quantum_s, time.thread_time(), time.monotonic()
        finally:
            with self._changed:
                self._charge(share, time.thread_time() - cpu_start - budget)


def share_of(job: Job) -> Hashable:
    """The share whose turns `job` takes: its owner's, or with none, its own."""
    return job if job.share is None else job.share


_server: Scheduler | None = None
_server_lock = threading.Lock()


def server() -> Scheduler:
    """The process's scheduler, made on first use from the machine and the environment."""
    global _server
    with _server_lock:
        if _server is None:
            slots = slots_for(threads.TORCH_DEFAULT_THREADS, environment.current().training_slots)
            _server = Scheduler(slots, threads.training_budget())
            atexit.register(_server.close)  # at exit, before the interpreter stops daemon threads mid-op
        return _server


def browser_here() -> None:
    """A browser on this machine draws the pages (a local `streamlit run`): from now on training
    leaves it a core (core/threads.py)."""
    server().set_threads(threads.training_budget(browser_here=True))

