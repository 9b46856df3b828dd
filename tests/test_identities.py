"""core.identities and core.student_state: a browser's identity across reloads, and what a student has
on the server, shared by their tabs. Whatever a cookie holds that this server did not issue (nothing,
garbage, 10 kB, an id never issued, an expired one) finds nothing."""

import threading

import pytest

from core.identities import KNOWN, MAX_COOKIE, RESTARTED, UNKNOWN, Identities
from core.student_state import MISSING, StudentState


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_an_issued_identity_is_found_again_with_its_state():
    table = Identities()
    issued = table.issue()
    found = table.find(issued.cookie)
    assert found.verdict == KNOWN and found.state is issued.state


def test_ids_are_random_unguessable_and_url_safe():
    table = Identities(boot="Boot-id_")
    cookies = [table.issue().cookie for _ in range(200)]
    assert len(set(cookies)) == 200
    for cookie in cookies:
        boot, token = cookie.split(".")
        assert boot == "Boot-id_" and len(token) == 43 and len(cookie) <= MAX_COOKIE  # 32 random bytes: 256 bits
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_cookie_is_never_in_a_printed_identity():
    issued = Identities().issue()
    assert issued.cookie not in repr(issued)


@pytest.mark.parametrize("cookie", [
    None, "", "x", "not a cookie", "a" * 10_000, "é" * 52, 42,
    "Boot-id_." + "A" * 42,  # one character short
    "Boot-id_." + "A" * 44,  # one too many
    "Boot-id_." + "A" * 42 + "=",  # a character no id has
    "Boot-id_:" + "A" * 43,  # the wrong separator
    " Boot-id_." + "A" * 43,  # a space before
    "Boot-id_." + "A" * 43 + "\n",
], ids=lambda c: repr(c)[:20])
def test_a_missing_or_malformed_cookie_finds_nothing(cookie):
    table = Identities(boot="Boot-id_")
    table.issue()
    found = table.find(cookie)
    assert found.verdict == UNKNOWN and found.state is None


def test_a_10_kb_cookie_is_refused_before_it_is_parsed(monkeypatch):
    from core import identities

    class Refuse:
        def fullmatch(self, text):
            raise AssertionError("parsed")

    monkeypatch.setattr(identities, "_FORMAT", Refuse())
    assert Identities().find("Z" * 10_240).verdict == UNKNOWN


def test_a_well_formed_id_never_issued_here_finds_nothing():
    table = Identities(boot="Boot-id_")
    issued = table.issue()
    forged = issued.cookie[:-1] + ("A" if issued.cookie[-1] != "A" else "B")  # one character off
    assert table.find(forged).verdict == UNKNOWN and table.find(forged).state is None
    assert table.find("Boot-id_." + "A" * 43).state is None


def test_an_id_from_an_earlier_boot_says_the_server_restarted_and_finds_nothing():
    before = Identities(boot="Before00")
    cookie = before.issue().cookie
    after = Identities(boot="After000")
    found = after.find(cookie)
    assert found.verdict == RESTARTED and found.state is None


def test_an_identity_expires_after_its_lifetime():
    clock = Clock()
    table = Identities(lifetime_s=100, clock=clock)
    issued = table.issue()
    assert issued.expires == clock.now + 100
    clock.now += 99
    assert table.find(issued.cookie).verdict == KNOWN
    clock.now += 2
    assert table.find(issued.cookie).verdict == UNKNOWN and len(table) == 0  # and it is gone from memory


def test_the_table_is_bounded_the_oldest_going_first():
    table = Identities(limit=3)
    issued = [table.issue() for _ in range(5)]
    assert len(table) == 3
    assert [table.find(i.cookie).verdict for i in issued] == [UNKNOWN, UNKNOWN, KNOWN, KNOWN, KNOWN]


def test_identities_issued_from_many_threads_at_once_are_all_kept_and_distinct():
    table, cookies = Identities(), []

    def issue():
        for _ in range(200):
            cookies.append(table.issue().cookie)

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(cookies)) == len(table) == 1600


def test_a_bad_boot_id_is_refused():
    with pytest.raises(ValueError):
        Identities(boot="short")


# --- what a student has: StudentState ---------------------------------------------------------------

def test_each_change_gets_a_newer_version_and_removing_is_a_change_too():
    state = StudentState()
    assert state.get("cnn.setting.lr") == (MISSING, 0)
    first = state.put("cnn.setting.lr", 0.01)
    second = state.put("cnn.setting.lr", 0.003)
    assert second > first and state.get("cnn.setting.lr") == (0.003, second)
    removed = state.put("cnn.setting.lr", MISSING)
    assert removed > second and state.get("cnn.setting.lr") == (MISSING, removed)
    assert "cnn.setting.lr" in state.keys()  # so that a tab that still has it hears it went


def test_setdefault_makes_the_value_once():
    state, made = StudentState(), []

    def make():
        made.append(object())
        return made[-1]

    first, _ = state.setdefault("cnn.history", make)
    again, _ = state.setdefault("cnn.history", make)
    assert first is again and len(made) == 1


def test_holds_knows_a_run_by_identity_and_drop_removes_the_runs_only():
    state, run = StudentState(), object()
    state.put("cnn.run", run)
    state.put("student.name", "Ada")
    assert state.holds(run) and not state.holds(object())
    state.drop(lambda key: key.endswith(".run"))
    assert not state.holds(run) and state.get("cnn.run")[0] is MISSING and state.get("student.name")[0] == "Ada"


def test_the_owner_is_made_once_and_each_student_has_a_board_id_of_their_own():
    state = StudentState()
    owner = state.owner(object)
    assert state.owner(object) is owner
    assert len(state.board_id) >= 20 and state.board_id != StudentState().board_id
