import time

from core.runner import FAILED, FINISHED, STOPPED, BackgroundRun
from tests.conftest import wait_until


def slow_counter(n):
    for i in range(1, n + 1):
        time.sleep(0.002)
        yield i


def test_runs_to_the_end_on_a_worker_thread():
    run = BackgroundRun(slow_counter(20), total=20)
    run.start()
    assert run.wait(10)
    assert run.status == FINISHED and run.records == list(range(1, 21))
    assert run.progress().fraction == 1.0


def test_stop_then_continue_loses_and_repeats_nothing():
    run = BackgroundRun(slow_counter(200), total=200)
    run.start()
    while len(run.records) < 5:
        time.sleep(0.001)
    run.stop()
    stopped_at = len(run.records)
    assert run.status == STOPPED and not run.running and stopped_at < 200
    time.sleep(0.05)
    assert len(run.records) == stopped_at  # nothing trains while stopped
    run.start()
    run.wait(10)
    assert run.status == FINISHED and run.records == list(range(1, 201))


def test_errors_are_kept_for_the_page():
    def broken():
        yield 1
        raise ArithmeticError("boom")
    run = BackgroundRun(broken(), total=5)
    run.start()
    run.wait(5)
    assert run.status == FAILED and isinstance(run.error, ArithmeticError) and run.records == [1]
    run.start()  # a failed run does not restart
    assert not run.running


def test_progress_reports_rate_and_time_left():
    run = BackgroundRun(slow_counter(10_000), total=10_000)
    run.start()
    wait_until(lambda: len(run.records) >= 20)  # a rate needs steps, however slowly the worker starts
    progress = run.progress()
    run.stop()
    assert progress.per_second > 0 and progress.seconds_left > 0 and 0 < progress.fraction < 1


def test_each_end_of_training_is_told_once_and_a_failing_listener_changes_nothing():
    ends = []
    run = BackgroundRun(iter(range(1, 4)), total=3)
    run.on_end.append(lambda: ends.append(run.status))
    run.on_end.append(lambda: 1 / 0)
    while run.step():
        pass
    assert ends == [FINISHED] and run.records == [1, 2, 3]
    failing = BackgroundRun((1 / 0 for _ in range(1)), total=1)
    failing.on_end.append(lambda: ends.append(failing.status))
    failing.step()
    assert ends == [FINISHED, FAILED]


def test_a_stop_is_an_end_of_training_too():
    ends = []
    run = BackgroundRun(iter(range(10**9)), total=10**9)
    run.on_end.append(lambda: ends.append(run.status))
    run.start()
    wait_until(lambda: len(run.records) > 3)
    run.stop()
    run.stop()  # already stopped: nothing more to tell
    assert ends == [STOPPED]
