"""A lesson link (core/lesson.py): signed over its page, locked values and lock list; every way of
changing a signed link is noticed, a hand-written lock is taken as it is, and the signing key comes
from the environment, else the results database, else the process."""

from __future__ import annotations

import hmac

import pytest

from core import environment, lesson
from core.lesson import (
    CHANGED,
    HAND_WRITTEN,
    PLAIN,
    SIGNED,
    Lesson,
    LinkRules,
    server_secret,
    sign,
    signed,
    verdict,
)

SECRET = b"the class's secret"
NAMES = ("epochs", "lr", "optimizer", "seed")
LESSON = Lesson("abc123", "cnn", {"epochs": "1", "lr": "0.01", "optimizer": "adam", "seed": "1"},
                locked=("epochs", "optimizer"), hidden=("seed",), task="Change only the learning rate.")


def link(**changes: str | None) -> dict[str, str]:
    """The lesson's query as the builder writes it, with `changes` (None: the parameter dropped)."""
    query = {**LESSON.values, **LESSON.params(SECRET)} | changes
    return {name: value for name, value in query.items() if value is not None}


def judge(query: dict[str, str], page: str = "cnn", secret: bytes = SECRET) -> str:
    return verdict(LinkRules.read(query), page, query, NAMES, [secret])


def test_the_builders_link_is_signed_and_short():
    query = link()
    assert judge(query) == SIGNED
    assert query["lock"] == "epochs,optimizer" and query["hide"] == "seed" and query["lesson"] == "abc123"
    assert len(query["sig"]) == 22 and query["sig"].replace("-", "").replace("_", "").isalnum()


def test_an_open_setting_may_change_and_the_lock_lists_order_does_not_matter():
    assert judge(link(lr="0.3")) == SIGNED  # lr is the student's to change
    assert judge(link(lock="optimizer,epochs")) == SIGNED


@pytest.mark.parametrize("changes", [
    {"epochs": "10"},  # a locked value edited
    {"optimizer": None},  # a locked value dropped (the page's default would be used)
    {"lock": None},  # the lock dropped
    {"lock": "epochs"},  # one lock dropped
    {"sig": None},  # the signature dropped, the lesson id left
    {"sig": "A" * 22},  # a made-up signature
])
def test_every_change_to_a_signed_link_is_noticed(changes):
    assert judge(link(**changes)) == CHANGED


def test_another_pages_signature_or_another_servers_does_not_hold():
    assert judge(link(), page="rnn_classifier") == CHANGED
    assert judge(link(), secret=b"another server") == CHANGED
    other_page = Lesson("abc123", "rnn_classifier", LESSON.values, LESSON.locked).params(SECRET)["sig"]
    assert judge(link(sig=other_page)) == CHANGED


def test_a_hand_written_lock_is_a_convenience_and_no_lock_is_a_plain_link():
    assert judge({"lr": "0.01", "lock": "lr"}) == HAND_WRITTEN
    assert judge({"lr": "0.01"}) == PLAIN
    assert judge({"lr": "0.01", "lesson": "abc123"}) == CHANGED  # a lesson's link without its signature


def test_lock_all_covers_every_setting_and_unknown_names_are_left_out():
    rules = LinkRules.read({"lock": "all", "hide": " seed ,nonsense,seed"})
    assert rules.lock_list(NAMES) == NAMES and rules.hidden == ("seed", "nonsense")
    assert LinkRules.read({"lock": "lr,nonsense"}).lock_list(NAMES) == ("lr",)
    values = dict(LESSON.values)
    query = {**values, "lock": "all", "lesson": "x", "sig": sign(SECRET, "cnn", values, NAMES)}
    assert judge(query) == SIGNED and judge(query | {"lr": "0.1"}) == CHANGED


def test_signatures_are_compared_in_constant_time(monkeypatch):
    compared = []
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append((a, b)) or a == b)
    assert signed(SECRET, LESSON.params(SECRET)["sig"], "cnn", LESSON.values, LESSON.locked)
    assert compared


def test_a_task_is_at_most_1000_characters():
    Lesson("x", "cnn", task="a" * 1000)
    with pytest.raises(ValueError):
        Lesson("x", "cnn", task="a" * 1001)


def test_the_secret_comes_from_the_environment_else_the_database_else_the_process(monkeypatch, fresh_environment):
    monkeypatch.delenv("LIVELAB_LESSON_SECRET", raising=False)
    assert server_secret(lambda make: "kept in the database") == lesson.ServerSecret(b"kept in the database", True)
    local = server_secret(lambda make: None)
    assert not local.lasting and local.key == server_secret(lambda make: None).key  # the same all process long
    monkeypatch.setenv("LIVELAB_LESSON_SECRET", "configured")
    environment.value_of.cache_clear()
    assert server_secret(lambda make: "kept in the database") == lesson.ServerSecret(b"configured", True)
