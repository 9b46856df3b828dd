"""ui.runs pieces that need no page."""

import pytest

from ui.runs import DRAW_SHARE, REDRAW_SECONDS, pause_after_drawing


def test_quick_draws_keep_the_usual_redraw_period():
    assert pause_after_drawing(0.01) == REDRAW_SECONDS


@pytest.mark.parametrize("draw_seconds", [0.1, 0.5, 2.0])
def test_slow_draws_stretch_the_period_so_drawing_keeps_to_its_share(draw_seconds):
    pause = pause_after_drawing(draw_seconds)
    assert pause > REDRAW_SECONDS
    assert draw_seconds / (draw_seconds + pause) == pytest.approx(DRAW_SHARE)
