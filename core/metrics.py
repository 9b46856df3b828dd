"""A run's curves as a few arrays: what a kept run holds instead of its records, what the compare
view overlays, and what a student takes home as CSV.

A live run keeps every record (with its embedding frames, confusion matrices and gallery); a kept
run needs only the numbers per step. `metrics_of(records, max_points)` thins them for keeping,
always with the evaluated steps, so an accuracy point is never lost to thinning.

    with open("run.csv", "w") as file:
        file.write(metrics_csv(run.records))
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core import series


@dataclass(frozen=True)
class Metrics:
    """One row per kept step; `lr` and `accuracy` are None for the regressor (its rate is fixed,
    and it has no accuracy)."""

    step: np.ndarray  # (N,) int32, increasing
    loss: np.ndarray  # (N,) float32, the step's training loss
    smoothed: np.ndarray  # (N,) float32, every step's loss smoothed (series.smooth), then thinned
    lr: np.ndarray | None  # (N,) float32, the learning rate the step was taken with
    accuracy: np.ndarray | None  # (N,) float32, test accuracy on evaluated steps, NaN elsewhere

    @property
    def nbytes(self) -> int:
        return sum(array.nbytes for array in (self.step, self.loss, self.smoothed, self.lr, self.accuracy)
                   if array is not None)

    def accuracy_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, accuracy) at the evaluated steps."""
        if self.accuracy is None:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        evaluated = ~np.isnan(self.accuracy)
        return self.step[evaluated], self.accuracy[evaluated]

    def csv(self) -> str:
        """`step,loss,lr,accuracy` (accuracy empty where not evaluated), or `step,loss` for the regressor."""
        out = io.StringIO()
        classifier = self.lr is not None
        out.write("step,loss,lr,accuracy\n" if classifier else "step,loss\n")
        for i, step in enumerate(self.step.tolist()):
            row = f"{step},{float(self.loss[i]):.6g}"
            if classifier:
                accuracy = float(self.accuracy[i])
                row += f",{float(self.lr[i]):.6g},{'' if np.isnan(accuracy) else f'{accuracy:.6g}'}"
            out.write(row + "\n")
        return out.getvalue()


def metrics_of(records: Sequence, max_points: int | None = None) -> Metrics:
    """The records' numbers; with `max_points`, at most that many evenly spread steps plus at most
    that many evaluated ones (the last step always kept)."""
    n = len(records)
    step = np.fromiter((r.step for r in records), np.int32, n)
    loss = np.fromiter((r.loss for r in records), np.float64, n)
    smoothed = series.smooth(loss)
    classifier = n > 0 and hasattr(records[0], "accuracy")
    lr = np.fromiter((r.lr for r in records), np.float32, n) if classifier else None
    accuracy = np.fromiter((np.nan if r.accuracy is None else r.accuracy for r in records), np.float32, n) \
        if classifier else None
    index = np.arange(n)
    if max_points is not None and n > max_points:
        evaluated = np.flatnonzero(~np.isnan(accuracy)) if accuracy is not None else index[:0]
        index = np.union1d(_spread(index, max_points), _spread(evaluated, max_points))
    return Metrics(step[index], loss[index].astype(np.float32), smoothed[index].astype(np.float32),
                   None if lr is None else lr[index], None if accuracy is None else accuracy[index])


def metrics_csv(records: Sequence) -> str:
    """Every step of a run as CSV (see Metrics.csv)."""
    return metrics_of(records).csv()


def _spread(index: np.ndarray, max_points: int) -> np.ndarray:
    return series.downsample(index, max_points=max_points)[0]
