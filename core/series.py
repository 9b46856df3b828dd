"""Chart series from a run's records: loss and accuracy curves, smoothing and downsampling. A run
keeps every record; what is drawn is downsampled so a long run never sends a huge figure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.signal import lfilter

MAX_POINTS = 300  # per drawn loss curve: a low and a high point per 3 px or so of a chart about 500 px wide


def smooth(values: np.ndarray, weight: float = 0.9) -> np.ndarray:
    """Exponential moving average with bias correction (TensorBoard-style smoothing): a_i = weight * a_(i-1)
    + (1 - weight) * v_i, divided by 1 - weight^(i+1). One linear filter over the whole array (the class
    board smooths every run's curve at each redraw)."""
    values = np.asarray(values, dtype=np.float64)
    averaged = lfilter([1 - weight], [1, -weight], values) if len(values) else values
    return averaged / (1 - weight ** np.arange(1, len(values) + 1))


def downsample(x: np.ndarray, *ys: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, ...]:
    """Every k-th point (always keeping the last) so at most `max_points` remain."""
    n = len(x)
    if n <= max_points:
        return (x, *ys)
    index = np.unique(np.append(np.linspace(0, n - 1, max_points).astype(int), n - 1))
    return (x[index], *(y[index] for y in ys))


def envelope(x: np.ndarray, *ys: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, ...]:
    """At most `max_points` points of the lines (x, y) for each of `ys` that draw the same shapes: the
    points split into equal runs, each run's lowest and highest point of every line (in order), and
    the first and last point. Every spike of a noisy loss stays on the chart, which every k-th point
    would skip, and so does every bump of its smoothed curve."""
    n, buckets = len(x), (max_points - 2) // (2 * len(ys))
    if n <= max_points:
        return (x, *ys)
    size = -(-n // buckets)  # points per run; the last run is padded with what never wins
    starts = np.arange(buckets) * size
    kept = [[0, n - 1]]
    for y in ys:
        runs = np.full(buckets * size, np.nan)
        runs[:n] = y
        runs = runs.reshape(buckets, size)
        for pick, padding in ((np.argmin, np.inf), (np.argmax, -np.inf)):
            index = starts + pick(np.where(np.isnan(runs), padding, runs), axis=1)
            kept.append(index[index < n])
    index = np.unique(np.concatenate(kept))
    return (x[index], *(y[index] for y in ys))


def loss_curve(records: Sequence, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(steps, raw loss, smoothed loss): smoothed over every step, then both thinned to their envelopes."""
    steps = np.fromiter((r.step for r in records), dtype=np.int64, count=len(records))
    loss = np.fromiter((r.loss for r in records), dtype=np.float64, count=len(records))
    return envelope(steps, loss, smooth(loss), max_points=max_points)


def accuracy_curve(records: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """(steps, accuracy) at the evaluation steps."""
    pairs = [(r.step, r.accuracy) for r in records if r.accuracy is not None]
    if not pairs:
        return np.empty(0, np.int64), np.empty(0)
    steps, accuracy = zip(*pairs, strict=True)
    return np.asarray(steps), np.asarray(accuracy)


def latest(records: Sequence, attribute: str):
    """The most recent non-None value of `attribute`, or None."""
    record = latest_record(records, attribute)
    return None if record is None else getattr(record, attribute)


def latest_record(records: Sequence, attribute: str):
    """The most recent record whose `attribute` is not None (an evaluation, an embedding), or None."""
    for record in reversed(records):
        if getattr(record, attribute, None) is not None:
            return record
    return None


def with_attribute(records: Sequence, attribute: str) -> list:
    """Every record whose `attribute` is not None, in order (e.g. all embedding frames)."""
    return [record for record in records if getattr(record, attribute, None) is not None]
