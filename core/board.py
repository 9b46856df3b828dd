"""The teacher's board as values: the class's runs as table rows (with the settings that differ from
their page's defaults), the class experiment (one point per run: a setting against the run's
figure), every run's loss curve with the class's median, and the board as CSV. No Streamlit: the
Class page draws these from a registry snapshot (core/registry.py) or from a lesson's stored results
(core/results.py).

    rows = [row_of(run) for run in registry.snapshot().runs]
    points = experiment(rows, x="lr", y="accuracy", colour="page")
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.lesson import Lesson

ACCURACY, LAST10 = "accuracy", "last10"  # a run's figure on the experiment's y axis
LOG_SETTINGS = ("lr",)  # settings whose values span orders of magnitude: a log axis
PAGE = "page"  # colour by page rather than by a setting


@dataclass(frozen=True)
class BoardRow:
    """One run on the board, live or from a lesson's stored results."""

    run_id: str
    student: str  # the name the board shows
    page: str
    settings: Mapping[str, Any]
    dataset: str | None  # what a classifier trained on
    status: str
    steps: int
    total: int
    loss: float | None
    last10: float | None
    accuracy: float | None
    whole_test: float | None
    lesson_id: str = ""  # the lesson link it was started under (core/lesson.py), "" for none

    @property
    def figure(self) -> dict[str, float | None]:
        return {ACCURACY: self.whole_test if self.whole_test is not None else self.accuracy, LAST10: self.last10}


@dataclass(frozen=True)
class Point:
    run_id: str
    student: str
    x: Any
    y: float
    colour: str
    settings: Mapping[str, Any]


def changed(settings: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that differ from the page's defaults (what the student chose)."""
    return {name: value for name, value in settings.items() if defaults.get(name) != value}


def describe(settings: Mapping[str, Any]) -> str:
    """Settings as one line of text: "lr=0.01, epochs=2"."""
    return ", ".join(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}"
                     for name, value in settings.items())


def of_lesson(rows: Sequence[BoardRow], lesson: Lesson | None) -> list[BoardRow]:
    """The runs started under `lesson` (None: every run)."""
    return list(rows) if lesson is None else [row for row in rows if row.lesson_id == lesson.id]


def open_settings(lesson: Lesson) -> list[str]:
    """The settings a lesson leaves to its students, in its page's order: the class experiment's x axis."""
    return [name for name in lesson.values if name not in lesson.locked]


def experiment(rows: Sequence[BoardRow], x: str, y: str, colour: str = PAGE) -> list[Point]:
    """One point per run that has setting `x` and a figure `y` (ACCURACY: the whole test set's accuracy
    when measured, else the latest; LAST10: the last 10 steps' mean loss); coloured by page or by
    another setting."""
    points = []
    for row in rows:
        value = row.figure.get(y)
        if x not in row.settings or value is None or not math.isfinite(value):
            continue
        group = row.page if colour == PAGE else str(row.settings.get(colour, "–"))
        points.append(Point(row.run_id, row.student, row.settings[x], float(value), group, row.settings))
    return points


def median_curve(curves: Sequence[tuple[np.ndarray, np.ndarray]], points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The class's median loss at each step: every curve interpolated onto a common grid of steps,
    the median taken over the runs that reached that step."""
    curves = [(steps, values) for steps, values in curves if len(steps)]
    if not curves:
        return np.empty(0), np.empty(0)
    last = max(int(steps[-1]) for steps, _ in curves)
    grid = np.unique(np.linspace(1, last, min(points, last)).round())
    stacked = np.full((len(curves), len(grid)), np.nan)
    for i, (steps, values) in enumerate(curves):
        reached = (grid >= steps[0]) & (grid <= steps[-1])
        stacked[i, reached] = np.interp(grid[reached], steps, values)
    return grid, np.nanmedian(stacked, axis=0)


def board_csv(rows: Sequence[BoardRow]) -> str:
    """The board as CSV: one line per run, every setting in a column of its own."""
    names = sorted({name for row in rows for name in row.settings})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "page", "status", "steps", "total", "loss", "last10_loss", "accuracy",
                     "whole_test_accuracy", *names])
    for row in rows:
        writer.writerow([_plain(row.student), row.page, row.status, row.steps, row.total, _number(row.loss),
                         _number(row.last10), _number(row.accuracy), _number(row.whole_test),
                         *(row.settings.get(name, "") for name in names)])
    return buffer.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def _plain(text: str) -> str:
    """A name that a spreadsheet would not read as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def memory_mb(pid: int | str = "self") -> float | None:
    """A process's resident memory in MB (Linux; this server's by default), or None where it cannot be
    read (another system, a process that has gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
