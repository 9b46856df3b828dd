"""core.board: the class's runs as rows, the class experiment, the median curve and the CSV."""

import csv
import io
from dataclasses import replace

import numpy as np
import pytest

from core.board import (
    ACCURACY,
    LAST10,
    BoardRow,
    board_csv,
    changed,
    describe,
    experiment,
    median_curve,
    of_lesson,
    open_settings,
)
from core.lesson import Lesson


def row(run_id, student, page="cnn", status="finished", accuracy=None, whole=None, last10=None, **settings):
    return BoardRow(run_id, student, page, settings, "mnist", status, 10, 10, 0.5, last10, accuracy, whole)


def test_only_the_settings_a_student_changed_are_shown():
    assert changed({"lr": 0.01, "epochs": 1, "seed": 1}, {"lr": 0.001, "epochs": 1, "seed": 1}) == {"lr": 0.01}
    assert describe({"lr": 0.01, "optimizer": "sgd"}) == "lr=0.01, optimizer=sgd"


def test_the_experiment_has_one_point_per_run_with_the_setting_and_a_figure():
    rows = [row("r1", "Ada", accuracy=0.9, lr=0.001), row("r2", "Bo", accuracy=0.5, whole=0.6, lr=0.1),
            row("r3", "Cy", accuracy=None, lr=0.01),  # no accuracy yet: no point
            row("r4", "Di", page="rnn_regression", last10=0.02, lr=0.01)]
    points = experiment(rows, x="lr", y=ACCURACY)
    assert [(p.student, p.x, p.y) for p in points] == [("Ada", 0.001, 0.9), ("Bo", 0.1, 0.6)]  # whole test first
    (regression,) = experiment(rows, x="lr", y=LAST10)
    assert regression.student == "Di" and regression.y == 0.02 and regression.colour == "rnn_regression"


def test_points_can_be_coloured_by_a_second_setting():
    rows = [row("r1", "Ada", accuracy=0.9, lr=0.001, optimizer="adam"),
            row("r2", "Bo", accuracy=0.8, lr=0.001, optimizer="sgd"), row("r3", "Cy", accuracy=0.7, lr=0.01)]
    assert [p.colour for p in experiment(rows, x="lr", y=ACCURACY, colour="optimizer")] == ["adam", "sgd", "–"]


def test_the_median_curve_is_taken_over_the_runs_that_reached_each_step():
    a = (np.array([1, 2, 3, 4]), np.array([4.0, 3.0, 2.0, 1.0]))
    b = (np.array([1, 2, 3, 4]), np.array([2.0, 2.0, 2.0, 2.0]))
    c = (np.array([1, 2]), np.array([0.0, 0.0]))  # stopped after two steps
    steps, median = median_curve([a, b, c])
    assert list(steps) == [1, 2, 3, 4]
    assert list(median) == pytest.approx([2.0, 2.0, 2.0, 1.5])  # steps 3-4: the median of a and b only
    assert len(median_curve([])[0]) == 0


def test_the_csv_has_a_line_per_run_and_a_column_per_setting_and_never_a_formula():
    rows = [row("r1", "=HYPERLINK(1)", accuracy=0.9, lr=0.001), row("r2", "<b>Bo</b>", accuracy=0.5, epochs=2)]
    lines = list(csv.DictReader(io.StringIO(board_csv(rows))))
    assert [line["student"] for line in lines] == ["'=HYPERLINK(1)", "<b>Bo</b>"]
    assert lines[0]["lr"] == "0.001" and lines[0]["epochs"] == "" and lines[1]["epochs"] == "2"
    assert lines[0]["accuracy"] == "0.9"


def test_a_lesson_narrows_the_board_to_its_runs_and_its_open_settings():
    lesson = Lesson("l1", "cnn", {"epochs": "1", "batch_size": "50", "lr": "0.01", "seed": "1"},
                    locked=("epochs", "seed"))
    rows = [replace(row("a", "Ada", lr=0.1), lesson_id="l1"), row("b", "Ben", lr=0.1)]
    assert [r.run_id for r in of_lesson(rows, lesson)] == ["a"] and of_lesson(rows, None) == rows
    assert open_settings(lesson) == ["batch_size", "lr"]
