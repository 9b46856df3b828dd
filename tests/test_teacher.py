"""core.teacher: the board's password, compared in constant time, with a wait after 5 wrong tries."""

from core.teacher import MAX_TRIES, NO_PASSWORD, OPEN, WAIT, WAIT_S, WRONG, Gate


def test_no_configured_password_opens_nothing():
    assert Gate("").attempt("", now=0) == NO_PASSWORD
    assert Gate("").attempt("anything", now=0) == NO_PASSWORD


def test_the_right_password_opens_and_a_wrong_one_does_not():
    gate = Gate("s3cret ünï")
    assert gate.attempt("s3cret", now=0) == WRONG
    assert gate.attempt("s3cret ünï", now=1) == OPEN


def test_five_wrong_tries_make_the_session_wait_30_s_even_for_the_right_password():
    gate = Gate("s3cret")
    assert [gate.attempt("guess", now=i) for i in range(MAX_TRIES)] == [WRONG] * MAX_TRIES
    locked_at = MAX_TRIES - 1
    assert gate.attempt("s3cret", now=locked_at + 1) == WAIT  # not even compared
    assert gate.seconds_left(locked_at + 1) == WAIT_S - 1
    assert gate.attempt("s3cret", now=locked_at + WAIT_S) == OPEN


def test_a_right_password_resets_the_count_of_wrong_tries():
    gate = Gate("s3cret")
    for i in range(MAX_TRIES - 1):
        gate.attempt("guess", now=i)
    assert gate.attempt("s3cret", now=10) == OPEN
    assert gate.attempt("guess", now=11) == WRONG  # one wrong try, not the fifth
    assert gate.attempt("s3cret", now=12) == OPEN
