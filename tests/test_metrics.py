"""core.metrics: a run's numbers as arrays and as CSV, thinned for keeping without losing an
evaluated step."""

import csv
import io

import numpy as np
import pytest

from core.metrics import metrics_csv, metrics_of
from core.regression import RegressionRecord
from core.series import smooth
from core.training import StepRecord


def step_records(n: int, eval_every: int) -> list[StepRecord]:
    return [StepRecord(step=i, total_steps=n, epoch=0, loss=1 / i, lr=0.001 * (1 - i / n),
                       accuracy=i / n if i == 1 or i % eval_every == 0 or i == n else None)
            for i in range(1, n + 1)]


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_classifier_csv_has_every_step_with_its_loss_rate_and_accuracy_where_evaluated():
    records = step_records(25, eval_every=10)
    table = rows(metrics_csv(records))
    assert list(table[0]) == ["step", "loss", "lr", "accuracy"]
    assert [int(row["step"]) for row in table] == list(range(1, 26))
    assert float(table[3]["loss"]) == pytest.approx(1 / 4, rel=1e-6)
    assert float(table[3]["lr"]) == pytest.approx(0.001 * (1 - 4 / 25), rel=1e-6)
    assert [int(row["step"]) for row in table if row["accuracy"]] == [1, 10, 20, 25]
    assert float(table[9]["accuracy"]) == pytest.approx(10 / 25)


def test_a_regression_csv_has_step_and_loss():
    empty = np.zeros(3, np.float32)
    records = [RegressionRecord(i, 3, 0.5 / i, empty, empty, empty, empty, np.zeros((3, 2))) for i in (1, 2, 3)]
    assert metrics_csv(records).splitlines() == ["step,loss", "1,0.5", "2,0.25", "3,0.166667"]


def test_thinning_keeps_every_evaluated_step_the_last_step_and_the_smoothing_of_every_step():
    records = step_records(20_000, eval_every=10)
    full, kept = metrics_of(records), metrics_of(records, max_points=1500)
    steps, accuracy = kept.accuracy_curve()
    assert len(kept.step) <= 3000 and kept.step[-1] == 20_000 and np.all(np.diff(kept.step) > 0)
    assert 1500 <= len(steps) < 2001 and steps[0] == 1 and steps[-1] == 20_000  # evaluations: thinned as well
    assert np.allclose(accuracy, steps / 20_000)
    # smoothed over every step before thinning: not the smoothing of the kept points
    expected = smooth(np.array([1 / s for s in kept.step.tolist()]))
    index = kept.step - 1
    assert np.allclose(kept.smoothed, full.smoothed[index]) and not np.allclose(kept.smoothed, expected)
    assert kept.nbytes <= 3000 * 5 * 4


def test_a_short_run_is_kept_whole():
    records = step_records(800, eval_every=50)
    kept = metrics_of(records, max_points=1500)
    assert kept.csv() == metrics_csv(records)
