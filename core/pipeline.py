"""Records in order while their evaluations run aside: what lets training go on during a test pass.

A training loop hands each trained step to a `Pipeline`, with the evaluation started for it, if any,
as a Future; the records come out in the order the steps went in, each once its evaluation is done:

    pipeline = Pipeline(finish)                  # finish(step, result) -> the step's record
    for step in steps:
        ...                                      # forward, loss, backward, optimizer step
        yield from pipeline.put(step, aside(evaluate) if evaluating else None)
    yield from pipeline.drain()

The contract between training and where its evaluations run, stated here once (core.base, core.run,
core.scheduler and core.training point here):

- An *aside* (`core.base.Aside`) takes a task of no arguments and returns a Future of its result,
  or of the error it raised. `core.base.inline` runs the task at once in the calling thread (the
  default: a notebook, a test). `Scheduler.aside` (core.scheduler) queues it for the server's
  training workers when no run waits in line for a turn and more workers are idle or already
  running queued tasks than there are tasks queued; else it too runs the task inline. A worker
  takes queued tasks first in, first out, before any run. `core.run.classifier_run` gives a run its
  scheduler's aside (the server's by default).
- A task gives the same result wherever it runs, so a config gives the same records whichever way
  they ran: an evaluation tests a frozen copy of the network on one torch thread (core.training),
  and numpy's BLAS has one thread (core.threads).
- Tasks may finish out of order (two idle workers run two at once). A task may wait for an earlier
  one's Future (an embedding frame starts from the previous frame's layout), which an aside allows
  by starting tasks in the order it is given them.
- Order is the pipeline's job: a step comes out once every step before it has, and its own
  evaluation is done; a step without one waits behind an earlier step's pending evaluation.
- Training runs ahead of a slow evaluation by at most `max_waiting` steps and `max_evaluations`
  evaluations (each holds a copy of the network; MAX_WAITING and MAX_EVALUATIONS_AHEAD by default):
  past either bound, `put` lets the oldest steps out, waiting for their evaluations, until both hold
  again. Training waits meanwhile.
- A step whose record cannot come out yet (it waits behind an evaluation under way) keeps training
  inside the generator's one `next()`: up to `max_waiting` steps. A generator asked for `PENDING`
  (`core.training.train_classifier(..., pending=True)`, as `core.run` does) yields it after each such
  step instead, so that whoever advances the run gets control back at every step: the scheduler ends
  a turn on time, hands a thread back while the evaluation runs, and Stop stops at once.
  `core.runner.BackgroundRun` keeps no record for it.
- At the end, `drain()` yields every step still in, each once its evaluation is done. When the
  loss blows up, `drain(then_raise=error)` does the same, then raises the error: the curve reaches the
  blow-up.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

S = TypeVar("S")  # what goes in: a trained step
R = TypeVar("R")  # what comes out: its record

class _Pending:
    """What a training generator yields, when asked, for a step trained whose record is not out yet."""

    def __repr__(self) -> str:
        return "PENDING"


PENDING = _Pending()
MAX_WAITING = 200  # steps trained ahead of a slow evaluation before training waits for it
MAX_EVALUATIONS_AHEAD = 2  # ...or evaluations under way (each holds a copy of the network: eval_every may be 1)


class Pipeline(Generic[S, R]):
    """Steps in, records out, in order; each record once its step's evaluation is done (see above)."""

    def __init__(self, finish: Callable[[S, Any], R], max_waiting: int = MAX_WAITING,
                 max_evaluations: int = MAX_EVALUATIONS_AHEAD):
        self.finish = finish  # (step, its evaluation's result or None) -> record
        self.max_waiting, self.max_evaluations = max_waiting, max_evaluations
        self._waiting: deque[tuple[S, Future | None]] = deque()  # steps in, not yet out, oldest first
        self._evaluations = 0  # how many of them have an evaluation

    def put(self, step: S, evaluation: Future | None = None) -> Iterator[R]:
        """Take `step` (with its evaluation, under way, when it has one); return the records that may
        come out now, waiting for the oldest evaluation while a bound is passed."""
        self._waiting.append((step, evaluation))
        self._evaluations += evaluation is not None
        return self._ready()

    def drain(self, then_raise: BaseException | None = None) -> Iterator[R]:
        """Every step still in, in order, each once its evaluation is done; then `then_raise`, if given, is raised."""
        while self._waiting:
            yield self._next()
        if then_raise is not None:
            raise then_raise

    def _ready(self) -> Iterator[R]:
        while self._waiting and (len(self._waiting) > self.max_waiting or self._evaluations > self.max_evaluations
                                 or self._waiting[0][1] is None or self._waiting[0][1].done()):
            yield self._next()

    def _next(self) -> R:
        step, evaluation = self._waiting.popleft()
        self._evaluations -= evaluation is not None
        return self.finish(step, evaluation.result() if evaluation is not None else None)
