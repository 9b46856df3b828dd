"""ui.runs pieces that need no page."""

import time

import pytest

from core.runner import FINISHED, BackgroundRun
from ui import runs
from ui.runs import DRAW_SHARE, REDRAW_SECONDS, pause_after_drawing


def test_quick_draws_keep_the_usual_redraw_period():
    assert pause_after_drawing(0.01) == REDRAW_SECONDS


@pytest.mark.parametrize("draw_seconds", [0.1, 0.5, 2.0])
def test_slow_draws_stretch_the_period_so_drawing_keeps_to_its_share(draw_seconds):
    pause = pause_after_drawing(draw_seconds)
    assert pause > REDRAW_SECONDS
    assert draw_seconds / (draw_seconds + pause) == pytest.approx(DRAW_SHARE)


def one_record_then_a_short_wait():
    yield "record"
    time.sleep(0.3)


def test_following_ends_as_soon_as_the_run_does_not_after_the_redraw_pause(monkeypatch):
    monkeypatch.setattr(runs, "REDRAW_SECONDS", 10.0)  # the page would wait this long between redraws
    session = runs.TrainingSession(run=BackgroundRun(one_record_then_a_short_wait(), total=1), config=None)
    session.run.start()
    drawn = []
    started = time.perf_counter()
    runs.follow(session, drawn.append)
    assert time.perf_counter() - started < 5.0
    assert session.run.status == FINISHED
    assert drawn == [["record"]]
