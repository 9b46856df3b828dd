"""Following a run: the page is drawn and handed back at once while training goes on, several runs
on one page are followed side by side, and the redraw period keeps drawing to its share."""

import json

import pytest

from core import scheduler as scheduler_module
from core.scheduler import Scheduler
from tests.conftest import finish, open_page, wait_until
from ui.live import DRAW_SHARE, REDRAW_SECONDS, fresh_fragment, typical_draw, wait_after_drawing


@pytest.fixture
def slow_runs(app_env, monkeypatch):
    """Runs that last far longer than a script run."""
    monkeypatch.setenv("LIVELAB_MAX_STEPS", "100000")


def training_cnn_page():
    """The CNN page of one browser session, its Train pressed: (the AppTest, its run)."""
    at = open_page("app_pages/cnn.py")
    at.button(key="cnn.btn.train").click().run()
    return at, at.session_state["cnn.run"]


def test_quick_draws_keep_the_usual_redraw_period():
    assert wait_after_drawing(0.01) == REDRAW_SECONDS


@pytest.mark.parametrize("draw_seconds", [0.2, 0.5, 2.0])
def test_slow_draws_stretch_the_period_so_drawing_keeps_to_its_share(draw_seconds):
    wait = wait_after_drawing(draw_seconds)
    assert wait > REDRAW_SECONDS
    assert draw_seconds / (draw_seconds + wait) == pytest.approx(DRAW_SHARE)


def test_one_slow_redraw_keeps_the_period_so_the_page_is_not_sent_again():
    """A live fragment is declared anew (a whole-page run) when its period halves or doubles: one slow
    redraw (an evaluation's charts) among quick ones must not do that."""
    typical = 0.05
    for _ in range(10):
        typical = typical_draw(typical, 0.05)
    period = wait_after_drawing(typical)
    assert period / 2 <= wait_after_drawing(typical_draw(typical, 0.5)) <= 2 * period
    assert wait_after_drawing(typical_draw(None, 0.5)) > 2 * period  # a run's first redraw counts in full


def test_the_page_is_handed_back_while_its_run_trains(slow_runs):
    at, run = training_cnn_page()
    assert run.job.running  # the script ended; training did not
    assert not at.exception and any("Step" in bar.proto.text for bar in at.get("progress"))
    at.slider(key="widget.cnn.eval_every").set_value(30).run()  # a widget works mid-run
    assert run.job.running and not at.exception
    at.button(key="cnn.btn.stop").click().run()
    assert run.job.status == "stopped" and not at.button(key="cnn.btn.continue").disabled


def test_two_runs_on_one_page_train_and_are_followed_side_by_side(slow_runs):
    at = open_page("app_pages/rnn_classifier.py")
    at.button(key="rnn_classifier.btn.train").click().run()
    at.button(key="rnn_classifier.compare.btn.train").click().run()
    single, compare = at.session_state["rnn_classifier.run"], at.session_state["rnn_classifier.compare.run"]
    assert single.job.running and compare.job.running  # pressing the second did not wait for the first
    before = len(single.records), len(compare.records)
    wait_until(lambda: len(single.records) > before[0] and len(compare.records) > before[1])  # both advance
    at.button(key="rnn_classifier.compare.btn.stop").click().run()
    assert compare.job.status == "stopped" and single.job.running
    at.button(key="rnn_classifier.btn.stop").click().run()
    finish(at, "rnn_classifier")
    assert not at.exception


def test_with_one_slot_a_second_student_sees_their_place_then_trains_once_the_first_stops(slow_runs, monkeypatch):
    monkeypatch.setattr(scheduler_module, "_server", Scheduler(slots=1, threads=1, quantum_s=600.0))
    first, second = open_page("app_pages/cnn.py"), open_page("app_pages/cnn.py")  # two browser sessions
    first.button(key="cnn.btn.train").click().run()
    mine = first.session_state["cnn.run"]
    wait_until(lambda: mine.records)
    second.button(key="cnn.btn.train").click().run()
    theirs = second.session_state["cnn.run"]
    bars = [bar.proto.text for bar in second.get("progress")]
    assert any(text.startswith("Waiting for a training slot: yours is next") for text in bars), bars
    assert theirs.job.running and not theirs.records
    first.button(key="cnn.btn.stop").click().run()
    wait_until(lambda: theirs.records)
    second.button(key="cnn.btn.stop").click().run()
    assert not first.exception and not second.exception



@pytest.mark.parametrize("host,here", [("localhost:8501", True), ("127.0.0.1:8501", True), ("[::1]:8501", True),
                                       ("livelab.streamlit.app", False), ("192.168.1.5:8501", False), (None, False)])
def test_a_browser_that_opened_localhost_shares_the_servers_machine(monkeypatch, host, here):
    from types import SimpleNamespace

    from ui import host as host_module
    monkeypatch.setattr(host_module.st, "context", SimpleNamespace(headers={"Host": host} if host else {}))
    assert host_module.browser_on_this_machine() is here


def test_while_a_run_trains_a_student_can_stop_following_and_rewind(slow_runs):
    at, run = training_cnn_page()
    wait_until(lambda: len(run.records) >= 3)
    at.run()
    assert at.toggle(key="cnn.timeline.follow_toggle").value is True
    assert "cnn.timeline.step" not in [slider.key for slider in at.slider]  # following: no slider to drag
    at.toggle(key="cnn.timeline.follow_toggle").set_value(False).run()
    newest = at.slider(key="cnn.timeline.step").value
    assert newest >= 3 and at.slider(key="cnn.timeline.step").max == run.records[-1].total_steps
    at.slider(key="cnn.timeline.step").set_value(1).run()
    wait_until(lambda: len(run.records) > newest + 2)
    at.run()  # the run trains on; the charts stay where the student put them
    assert at.slider(key="cnn.timeline.step").value == 1 and "Confusion matrix (step 1)" in [
        json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    at.toggle(key="cnn.timeline.follow_toggle").set_value(True).run()
    assert "cnn.timeline.step" not in [slider.key for slider in at.slider]
    at.button(key="cnn.btn.stop").click().run()


def test_redraws_come_less_often_when_runs_take_turns():
    assert wait_after_drawing(0.01, sharing=4.0) == pytest.approx(4 * REDRAW_SECONDS)
    assert wait_after_drawing(1.0, sharing=2.0) == pytest.approx(1.0 * (1 / DRAW_SHARE - 1))  # drawing still rules


def test_each_page_run_declares_its_live_fragment_under_a_new_id(slow_runs, monkeypatch):
    """The browser's redraw timer may send one more request for the live fragment it knew after the
    page has rerun; that request must find no fragment (Streamlit skips it) instead of racing the
    page's rerun, which could leave the final status undrawn. Fragment IDs come from the name."""
    import streamlit as st

    declared, real_fragment = [], st.fragment

    def recording_fragment(func, run_every=None):
        declared.append((func.__qualname__, run_every))
        return real_fragment(func, run_every=run_every)

    monkeypatch.setattr(st, "fragment", recording_fragment)
    at, _ = training_cnn_page()
    at.run()
    at.button(key="cnn.btn.stop").click().run()
    live = [name for name, every in declared if every is not None]
    still = [name for name, every in declared if every is None]
    assert len(live) == 2 and live[0] != live[1]  # two page runs while training, two IDs
    assert still and not set(still) & set(live)  # the stopped run's fragment has no timer and an ID of its own
    assert not at.exception


def test_each_fresh_fragment_gets_a_name_and_so_a_fragment_id_of_its_own():
    from streamlit.runtime.fragment import _make_fragment_identity

    def live() -> None:
        pass

    first, second = fresh_fragment(live, run_every=0.3), fresh_fragment(live, run_every=0.3)
    assert first.__qualname__ != second.__qualname__ and live.__qualname__.endswith("<locals>.live")
    ids = {_make_fragment_identity(f, delta_path="0", additional_hash_info="").fragment_id for f in (first, second)}
    assert len(ids) == 2  # Streamlit's own reckoning: the same place on the page, two fragments


def test_a_new_run_follows_its_newest_step_whatever_the_student_did_with_the_last_one(slow_runs):
    at, run = training_cnn_page()
    wait_until(lambda: len(run.records) >= 3)
    at.run()
    at.toggle(key="cnn.timeline.follow_toggle").set_value(False).run()
    at.slider(key="cnn.timeline.step").set_value(1).run()
    at.session_state["cnn.gallery_filter"] = ("cell", 0, 0)
    at.button(key="cnn.btn.stop").click().run()
    at.button(key="cnn.btn.train").click().run()
    new = at.session_state["cnn.run"]
    assert new is not run
    wait_until(lambda: len(new.records) >= 3)
    at.run()
    assert at.toggle(key="cnn.timeline.follow_toggle").value is True  # following again, no slider held at step 1
    assert "cnn.timeline.step" not in [slider.key for slider in at.slider]
    assert "cnn.gallery_filter" not in at.session_state
    at.button(key="cnn.btn.stop").click().run()
    assert not at.exception
