"""A page's last runs, kept small so that a student can compare them and take them home.

A live run holds its training generator (with the optimizer's state), every record (embedding
frames, confusion matrices, galleries) and its networks. Once a new run replaces it, a page needs
far less: its settings, its final figures, its curves and its trained weights. `RunHistory.add`
compacts a run into exactly that (a `KeptRun`) and releases the run, so its generator and records
can go; past `limit` runs the oldest is dropped, and `add` says which.

    history = RunHistory(limit=5)
    dropped = history.add(old_run)      # old_run is released; dropped: the KeptRun that fell out, or None
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core import series
from core.metrics import Metrics, metrics_of
from core.run import Run
from core.runner import FAILED
from core.weights import Weights

LIMIT = 5  # runs kept per page
KEPT_POINTS = 1500  # steps kept per curve (and as many evaluated ones): a run up to this long is kept whole


@dataclass(frozen=True)
class Summary:
    """What the compare view shows of a run, kept or current."""

    number: int  # the run's number on its page, from 1
    kind: str  # core.run's CLASSIFIER or REGRESSION
    settings: Mapping[str, Any]  # the page's sidebar when it was started
    dataset: str | None  # what a classifier trained on
    status: str  # core.runner's IDLE, RUNNING, STOPPED, FINISHED or FAILED
    steps: int  # steps done
    total: int  # steps it was set to do
    accuracy: float | None  # the last test accuracy measured while training (on the test subset)
    whole_test: float | None  # accuracy on every test image, if measured after the last step
    weights_from: str  # the weights file it started from; "": drawn from its seed
    metrics: Metrics

    @property
    def final_loss(self) -> float | None:
        """The smoothed loss at the last step (one step's loss is too noisy to compare runs by)."""
        return float(self.metrics.smoothed[-1]) if len(self.metrics.step) else None


@dataclass(frozen=True)
class KeptRun:
    """A replaced run: its summary and its trained weights, nothing that trains."""

    summary: Summary
    weights: Weights | None  # None when the run diverged: its weights are not numbers any more

    @property
    def number(self) -> int:
        return self.summary.number


def summarize(run: Run, number: int, max_points: int | None = KEPT_POINTS) -> Summary:
    """A run's summary, its curves thinned to `max_points` steps (None: every step)."""
    records = run.records[:len(run.records)]  # a run may be training: these records, not later ones
    accuracy = series.latest(records, "accuracy")
    whole = run.whole_test
    return Summary(
        number=number, kind=run.kind, settings=dict(run.settings),
        dataset=run.data.name if run.data is not None else None, status=run.job.status, steps=len(records),
        total=run.job.total, accuracy=accuracy,
        whole_test=whole.accuracy if whole is not None and whole.step == len(records) else None,
        weights_from=run.weights_from, metrics=metrics_of(records, max_points))


class RunHistory:
    """The last `limit` runs of one page, oldest first."""

    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self._kept: list[KeptRun] = []
        self._added = 0  # runs added so far: numbers them

    @property
    def runs(self) -> tuple[KeptRun, ...]:
        return tuple(self._kept)

    @property
    def next_number(self) -> int:
        """The number the page's current run gets (it is kept under it)."""
        return self._added + 1

    def get(self, number: int) -> KeptRun | None:
        return next((kept for kept in self._kept if kept.number == number), None)

    def add(self, run: Run) -> KeptRun | None:
        """Keep `run` as a summary and its weights, then release it (stopped, generator and records
        dropped). Returns the oldest kept run if that made one too many (it is gone), else None."""
        run.stop()
        kept = KeptRun(summarize(run, self.next_number), None if run.job.status == FAILED else run.trained_weights())
        run.release()
        self._added += 1
        self._kept.append(kept)
        return self._kept.pop(0) if len(self._kept) > self.limit else None
