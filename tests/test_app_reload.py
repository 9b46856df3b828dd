"""AppTest: a student's runs belong to the student, not to one browser session (ui/student.py). A new
session that brings the student's cookie (a reload, a share link opened in the same tab, a second tab)
finds their runs, kept runs, name and settings; a Stop in one tab is a Stop in the other; a cookie
this server did not issue finds nothing.

AppTest sends no cookies: the `browser` fixture replaces ui.student.browser_cookie, the one function
that reads the cookie (from st.context.cookies), so that each new session reads the cookie the test
gives it, and everything after it runs as it does behind a real browser."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core import identities
from tests.conftest import ROOT_APP, open_page, train, wait_until
from tests.test_app_languages import visible_texts
from ui import student
from ui.i18n import translate

CNN_PAGE = "app_pages/cnn.py"


class Browser:
    """One browser: the cookie it sends when it opens a session (None: none yet)."""

    opening: Browser | None = None  # the browser whose session is being opened: its cookie is read

    def __init__(self, cookie: str | None = None):
        self.cookie = cookie

    def open(self, page: str | None = CNN_PAGE, **given) -> AppTest:
        """A new session of this browser on `page` (a reload, or another tab); `given`: session_state
        set before its first run (open_page's dataset and language), none for a plain reload."""
        Browser.opening = self
        if given:
            at = open_page(page, **given)
        else:
            at = AppTest.from_file(ROOT_APP, default_timeout=120)
            at.run()
            if page is not None:
                at.switch_page(page).run()
        if student.COOKIE_KEY in at.session_state:  # a fresh identity: the page gave the browser its cookie
            self.cookie = at.session_state[student.COOKIE_KEY][0]
        return at


@pytest.fixture
def browsers(monkeypatch):
    """Browser, as the maker of browsers whose sessions read their own cookie."""
    monkeypatch.setattr(student, "browser_cookie", lambda: Browser.opening.cookie)
    yield Browser
    Browser.opening = None


@pytest.fixture
def slow_runs(app_env, monkeypatch):
    monkeypatch.setenv("LIVELAB_MAX_STEPS", "100000")


def training(browser: Browser) -> tuple[AppTest, object]:
    """A session of `browser` on the CNN page, its Train pressed and a few steps done: (the AppTest, the run)."""
    at = browser.open(dataset="digits", lang="en")
    at.button(key="cnn.btn.train").click().run()
    run = at.session_state["cnn.run"]
    wait_until(lambda: len(run.records) >= 3)
    return at, run


def texts(at) -> str:
    """Everything a student reads on the page, and every link it gives."""
    return "\n".join(visible_texts(at) + [code.value for code in at.code] + [str(at.query_params)])


def test_a_reload_finds_the_run_its_charts_the_kept_runs_the_name_and_the_settings(this_class, browsers):
    browser = browsers()
    first = browser.open(dataset="digits", lang="en")
    first.text_input(key="student.name").input("Ada").run()
    first.select_slider(key="widget.cnn.lr").set_value(0.003).run()
    train(first, "cnn")
    run = train(first, "cnn")  # the first is kept
    charts = sorted(chart.proto.spec for chart in first.get("plotly_chart"))

    again = browser.open()  # the reload: a new session, no state of its own, the same cookie
    assert not again.exception
    assert again.session_state["cnn.run"] is run  # the very run: nothing trained again
    assert [s.value for s in again.success] == ["Training finished."]
    assert sorted(chart.proto.spec for chart in again.get("plotly_chart")) == charts
    assert again.session_state["cnn.history"] is first.session_state["cnn.history"]
    assert [k.summary.steps for k in again.session_state["cnn.history"].runs] == [12]  # LIVELAB_MAX_STEPS
    assert again.text_input(key="student.name").value == "Ada"
    assert again.select_slider(key="widget.cnn.lr").value == 0.003
    assert again.selectbox(key="dataset").value == "digits"
    assert not again.button(key="cnn.btn.train").disabled and not again.button(key="cnn.btn.reset").disabled
    (ada,) = this_class.registry.snapshot().students  # one student on the board, named, numbered once
    assert ada.name == "Ada" and ada.number == 1 and len(this_class.registry.snapshot().runs) == 2


def test_a_run_stopped_before_a_reload_goes_on_with_continue_from_where_it_was(this_class, browsers, slow_runs):
    browser = browsers()
    first, run = training(browser)
    first.button(key="cnn.btn.stop").click().run()
    done = len(run.records)

    again = browser.open()
    assert again.session_state["cnn.run"] is run
    assert "Stopped" in again.info[0].value and not again.button(key="cnn.btn.continue").disabled
    again.button(key="cnn.btn.continue").click().run()
    wait_until(lambda: len(run.records) > done + 2)
    again.button(key="cnn.btn.stop").click().run()
    steps = [record.step for record in run.records]
    assert steps == list(range(1, len(steps) + 1))  # on from where it stopped: no step twice, none lost
    assert not again.exception


def test_two_tabs_see_the_same_run_and_a_stop_in_one_is_a_stop_in_the_other(this_class, browsers, slow_runs):
    browser = browsers()
    one, run = training(browser)
    two = browser.open()
    assert two.session_state["cnn.run"] is run and run.job.running
    assert not two.button(key="cnn.btn.stop").disabled and two.button(key="cnn.btn.continue").disabled
    one.run()
    one.toggle(key="cnn.timeline.follow_toggle").set_value(False).run()  # one tab rewinds...
    two.run()
    assert two.toggle(key="cnn.timeline.follow_toggle").value is True  # ...the other still follows

    one.button(key="cnn.btn.stop").click().run()
    assert run.job.status == "stopped"
    two.run()  # the other tab's next redraw
    assert "Stopped" in two.info[0].value and not two.button(key="cnn.btn.continue").disabled
    assert two.button(key="cnn.btn.stop").disabled

    two.button(key="cnn.btn.train").click().run()  # a Train in the other tab replaces the run for the student
    new = two.session_state["cnn.run"]
    one.run()
    assert one.session_state["cnn.run"] is new and new is not run
    assert len(one.session_state["cnn.history"].runs) == 1  # the stopped run, kept for both
    assert one.toggle(key="cnn.timeline.follow_toggle").value is True  # a new run: its charts follow it
    one.button(key="cnn.btn.reset").click().run()  # a Reset in one tab: the other has no run either
    two.run()
    assert "cnn.run" not in two.session_state and len(two.session_state["cnn.history"].runs) == 2
    assert not one.exception and not two.exception


def test_another_browser_or_a_copied_link_carries_none_of_it(this_class, browsers):
    mine = browsers()
    first = mine.open(dataset="digits", lang="en")
    first.text_input(key="student.name").input("Ada").run()
    train(first, "cnn")
    first.button(key="cnn.btn.share").click().run()
    link = first.code[0].value
    assert mine.cookie not in texts(first) and mine.cookie not in link  # no page shows a student's id

    theirs = browsers()  # another browser opens the link: no cookie
    other = theirs.open(dataset="digits", lang="en")
    assert "cnn.run" not in other.session_state and other.text_input(key="student.name").value == ""
    assert theirs.cookie != mine.cookie
    assert len(this_class.registry.snapshot().students) == 1  # not on the board until it trains


@pytest.mark.parametrize("cookie", ["garbage", "Z" * 10_240, "ABCDEFGH." + "A" * 43, "well-formed, this boot"])
def test_a_cookie_this_server_did_not_issue_gets_a_fresh_identity_silently(this_class, browsers, cookie):
    owner = browsers()
    first = owner.open(dataset="digits", lang="en")
    train(first, "cnn")
    if cookie == "well-formed, this boot":
        cookie = f"{identities.server().boot}.{'A' * 43}"
    stranger = browsers(cookie)
    at = stranger.open(dataset="digits", lang="en")
    assert not at.exception and not at.toast
    assert "cnn.run" not in at.session_state
    assert stranger.cookie != cookie and identities.server().find(stranger.cookie).verdict == identities.KNOWN


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cookie_from_before_a_restart_gets_a_kind_notice_and_a_fresh_identity(this_class, browsers, lang):
    returning = browsers(f"Earlier0.{'A' * 43}")
    at = returning.open(None, dataset="digits", lang=lang)  # the home page: its first run says so
    assert [toast.value for toast in at.toast] == [translate(lang, "common.server_restarted")]
    assert "The server has restarted since your last visit" in translate("en", "common.server_restarted")
    assert not at.exception
    assert identities.server().find(returning.cookie).verdict == identities.KNOWN  # a fresh one
    at.run()
    assert not at.toast  # said once
