"""The server-wide scheduler: few slots, fair turns, no starvation, slots freed by whatever ends a run."""

import logging
import threading
import time

import pytest

from core import environment
from core.runner import FAILED, FINISHED, RUNNING, STOPPED, BackgroundRun
from core.scheduler import Scheduler, slots_for
from tests.conftest import wait_until


def steps(n: int, seconds: float = 0.002, concurrent: list | None = None):
    """A run of `n` steps of `seconds` each; `concurrent` records how many steps ran at once."""
    for i in range(1, n + 1):
        if concurrent is not None:
            concurrent[0] += 1
            concurrent[1] = max(concurrent[1], concurrent[0])
        time.sleep(seconds)
        if concurrent is not None:
            concurrent[0] -= 1
        yield i


def test_no_more_runs_train_at_once_than_there_are_slots():
    scheduler = Scheduler(slots=2, threads=2, quantum_s=0.02)
    concurrent = [0, 0]
    jobs = [BackgroundRun(steps(30, concurrent=concurrent), 30, scheduler) for _ in range(6)]
    for job in jobs:
        job.start()
    for job in jobs:
        assert job.wait(30)
    assert concurrent[1] == 2
    assert all(job.status == FINISHED and job.records == list(range(1, 31)) for job in jobs)


def test_runs_that_share_the_slots_progress_at_the_same_pace():
    scheduler = Scheduler(slots=1, threads=1, quantum_s=0.02)
    jobs = [BackgroundRun(steps(100_000), 100_000, scheduler) for _ in range(4)]
    for job in jobs:
        job.start()
    time.sleep(1.0)
    done = [len(job.records) for job in jobs]
    for job in jobs:
        job.stop()
    assert min(done) > 0 and min(done) >= 0.7 * max(done), done


def a_run_on_the_only_slot() -> tuple[Scheduler, BackgroundRun, threading.Event]:
    """A scheduler of one slot, a one-step run a worker holds until the event is set, and the event."""
    scheduler = Scheduler(slots=1, threads=1, quantum_s=10.0)
    gate = threading.Event()

    def blocked():
        gate.wait(10)
        yield 1
    first = BackgroundRun(blocked(), 1, scheduler)
    first.start()
    wait_until(lambda: scheduler.place(first) is None and scheduler.load() == 1)  # a worker has it
    return scheduler, first, gate


@pytest.mark.parametrize("slots", [1, 2])
def test_turns_are_shared_by_student_not_by_run(slots):
    scheduler = Scheduler(slots=slots, threads=slots, quantum_s=0.01)
    jobs = {"three runs": [BackgroundRun(steps(100_000), 100_000, scheduler) for _ in range(3)],
            "one run": [BackgroundRun(steps(100_000), 100_000, scheduler)]}
    for student, runs in jobs.items():
        for job in runs:
            job.share = student
            job.start()
    time.sleep(0.8)
    for runs in jobs.values():
        for job in runs:
            job.stop()
    done = {student: sum(len(job.records) for job in runs) for student, runs in jobs.items()}
    assert 0.45 <= done["one run"] / sum(done.values()) <= 0.55, done  # half the turns, ±10 %
    assert min(len(job.records) for job in jobs["three runs"]) > 0  # round robin within the student's share


def burning(cpu_seconds_of_step, used: list):
    """A run whose step i keeps its thread busy for cpu_seconds_of_step(i); used[0] sums its CPU time."""
    for i in range(1, 1_000_000):
        start = time.thread_time()
        while time.thread_time() - start < cpu_seconds_of_step(i):
            pass
        used[0] += time.thread_time() - start
        yield i


def test_a_student_whose_steps_run_past_their_turn_gets_no_more_cpu_time_than_the_others():
    # Student "long" has an evaluation-like step, 5 quanta long, every 10 steps; its turns run past their
    # quantum and it owes the difference: both students get the same CPU time (±15 %), not the same turns.
    scheduler = Scheduler(slots=1, threads=1, quantum_s=0.01)
    used = {"long": [0.0], "short": [0.0]}
    costs = {"long": lambda i: 0.05 if i % 10 == 0 else 0.001, "short": lambda i: 0.001}
    jobs = [BackgroundRun(burning(costs[student], used[student]), 1_000_000, scheduler) for student in used]
    for job, student in zip(jobs, used, strict=True):
        job.share = student
        job.start()
    time.sleep(2.0)
    for job in jobs:
        job.stop()
    assert 0.85 <= used["long"][0] / used["short"][0] <= 1.15, used


def test_a_student_waits_behind_the_other_students_turns():
    scheduler, first, gate = a_run_on_the_only_slot()
    waiting = [BackgroundRun(steps(1), 1, scheduler) for _ in range(4)]
    for job, student in zip(waiting, ["a", "a", "a", "b"], strict=True):
        job.share = student
        job.start()
    assert [job.place().ahead for job in waiting] == [0, 2, 3, 1]  # a, b, a, a
    gate.set()
    assert all(job.wait(10) for job in waiting)


def test_a_long_run_does_not_starve_a_short_one_that_comes_later():
    scheduler = Scheduler(slots=1, threads=1, quantum_s=0.02)
    long = BackgroundRun(steps(100_000), 100_000, scheduler)
    long.start()
    wait_until(lambda: len(long.records) > 10)
    short = BackgroundRun(steps(20), 20, scheduler)
    short.start()
    assert short.wait(10) and short.status == FINISHED
    assert long.running
    long.stop()


@pytest.mark.parametrize("end", ["stop", "fail", "finish"])
def test_a_run_that_ends_frees_its_slot(end):
    scheduler = Scheduler(slots=1, threads=1, quantum_s=10.0)  # a turn lasts until the run gives it up

    def failing():
        yield 1
        raise ArithmeticError("boom")
    first = BackgroundRun(failing() if end == "fail" else steps(3 if end == "finish" else 100_000), 100, scheduler)
    first.start()
    wait_until(lambda: first.records)
    waiting = BackgroundRun(steps(5), 5, scheduler)
    waiting.start()
    if end == "stop":
        first.stop()
    assert waiting.wait(10) and waiting.status == FINISHED
    assert first.status == {"stop": STOPPED, "fail": FAILED, "finish": FINISHED}[end]


def test_a_waiting_run_knows_its_place_in_line():
    scheduler, first, gate = a_run_on_the_only_slot()
    second, third = (BackgroundRun(steps(1), 1, scheduler) for _ in range(2))
    second.start()
    third.start()
    assert second.place().ahead == 0 and third.place().ahead == 1
    assert 0 < second.place().seconds < third.place().seconds
    third.stop()
    assert third.status == STOPPED and third.place() is None and scheduler.load() == 2
    gate.set()
    assert second.wait(10) and second.status == FINISHED and first.status == FINISHED


def test_stopped_runs_continue_where_they_stopped():
    scheduler = Scheduler(slots=1, threads=1, quantum_s=0.01)
    job = BackgroundRun(steps(200), 200, scheduler)
    job.start()
    wait_until(lambda: len(job.records) >= 5)
    job.stop()
    stopped_at = len(job.records)
    time.sleep(0.05)
    assert job.status == STOPPED and len(job.records) == stopped_at < 200
    job.start()
    assert job.status == RUNNING and job.wait(20)
    assert job.status == FINISHED and job.records == list(range(1, 201))


def test_a_paced_run_holds_no_slot_while_it_rests():
    scheduler = Scheduler(slots=1, threads=1, quantum_s=0.01)
    paced = BackgroundRun(steps(100), 100, scheduler, pace_s=30.0)
    paced.start()
    wait_until(lambda: paced.records)
    other = BackgroundRun(steps(20), 20, scheduler)
    other.start()
    assert other.wait(10) and other.status == FINISHED  # it trained on the one slot during the rest
    assert paced.running and len(paced.records) == 1 and paced.place() is None and scheduler.load() == 0
    started = time.monotonic()
    paced.stop()  # a resting run leaves at once
    assert time.monotonic() - started < 1 and paced.status == STOPPED and paced.wait(0)


def test_a_paced_run_steps_at_its_pace_beside_a_run_that_trains():
    scheduler = Scheduler(slots=1, threads=1, quantum_s=0.01)
    other = BackgroundRun(steps(100_000), 100_000, scheduler)
    other.start()
    paced = BackgroundRun(steps(6), 6, scheduler, pace_s=0.05)
    paced.start()
    assert paced.wait(10) and paced.status == FINISHED and paced.records == list(range(1, 7))
    gaps = [b - a for a, b in zip(paced._times, paced._times[1:], strict=False)]
    assert min(gaps) >= 0.05, gaps
    assert len(other.records) > 50  # it trained while the paced run rested
    other.stop()


def counting(seen: list, n: int = 100_000):
    import torch
    for i in range(n):
        seen.append(torch.get_num_threads())
        time.sleep(0.002)
        yield i


def threads_of_a_lone_run(slots: int, threads: int) -> tuple[Scheduler, BackgroundRun, list]:
    """A run training alone on a new scheduler, and the torch thread counts its steps have seen."""
    seen = []
    scheduler = Scheduler(slots=slots, threads=threads, quantum_s=0.02)
    run = BackgroundRun(counting(seen), 100_000, scheduler)
    run.start()
    wait_until(lambda: len(seen) > 5)
    return scheduler, run, seen


def test_runs_share_the_thread_budget():
    scheduler, alone, seen = threads_of_a_lone_run(slots=2, threads=4)
    assert seen[-1] == 4  # no evaluation pending: every thread
    other = BackgroundRun(steps(100_000), 100_000, scheduler)
    other.start()
    wait_until(lambda: len(other.records) > 5)
    count = len(seen)
    wait_until(lambda: len(seen) > count + 20)
    assert seen[-1] == 2  # both workers train: the budget halved
    alone.stop()
    other.stop()


def test_a_lone_run_takes_the_spare_thread_and_gives_it_back_while_an_evaluation_runs():
    scheduler, alone, seen = threads_of_a_lone_run(slots=2, threads=2)
    assert seen[-1] == 2
    evaluating, done = threading.Event(), threading.Event()

    def evaluation():
        evaluating.set()
        done.wait(10)
        return "result"
    result = scheduler.aside(evaluation)
    assert evaluating.wait(10) and not result.done()  # on the free worker, not inline
    count = len(seen)
    wait_until(lambda: len(seen) > count + 5)
    assert seen[-1] == 1  # the evaluation has the other thread
    done.set()
    assert result.result(10) == "result"
    count = len(seen)
    wait_until(lambda: len(seen) > count + 5)
    assert seen[-1] == 2  # and gives it back
    alone.stop()


def test_only_the_first_worker_trains_on_more_than_its_even_share_of_threads():
    import torch
    scheduler = Scheduler(slots=2, threads=2, quantum_s=0.02)

    def where(seen: list):
        for i in range(100_000):
            seen.append((threading.current_thread().name, torch.get_num_threads()))
            time.sleep(0.002)
            yield i
    seen = {name: [] for name in "ab"}
    runs = {name: BackgroundRun(where(seen[name]), 100_000, scheduler) for name in "ab"}
    for run in runs.values():
        run.start()
    wait_until(lambda: all(len(s) > 10 and s[-1][1] == 1 for s in seen.values()))
    on_the_first = next(name for name in "ab" if seen[name][-1][0] == "livelab-slot-0")
    runs[on_the_first].stop()  # the other, on the second worker, is now alone
    lone = "b" if on_the_first == "a" else "a"
    count = len(seen[lone])
    wait_until(lambda: len(seen[lone]) > count + 20)
    runs[lone].stop()
    assert seen[lone][-1] == ("livelab-slot-0", 2)
    assert all(name == "livelab-slot-0" for name, threads in seen[lone] if threads > 1)


def test_with_one_slot_a_lone_run_gets_every_thread():
    _, run, seen = threads_of_a_lone_run(slots=1, threads=2)
    run.stop()
    assert seen[-1] == 2


@pytest.mark.parametrize("value,expected", [
    (None, 2), ("", 2), ("3", 3), (" 5 ", 5),  # the environment wins when it names a positive count
])
def test_slots_come_from_the_cores_or_the_environment(value, expected, monkeypatch):
    if value is not None:
        monkeypatch.setenv("LIVELAB_TRAINING_SLOTS", value)
    assert slots_for(2, environment.current().training_slots) == expected


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "inf", "65"])
def test_bad_slot_counts_are_refused_with_a_warning(value, monkeypatch, caplog, fresh_environment):
    monkeypatch.setenv("LIVELAB_TRAINING_SLOTS", value)
    with caplog.at_level(logging.WARNING):
        assert slots_for(2, environment.current().training_slots) == 2
    assert "LIVELAB_TRAINING_SLOTS" in caplog.text


def test_default_slots_follow_the_cores_but_stay_few():
    assert [slots_for(cores) for cores in (1, 2, 4, 16)] == [1, 2, 4, 4]


def test_a_scheduler_needs_a_slot_and_a_thread():
    with pytest.raises(ValueError):
        Scheduler(slots=0, threads=2)


def test_close_ends_the_workers_after_their_step_in_progress_and_takes_no_more_runs():
    scheduler = Scheduler(slots=2, threads=2, quantum_s=0.02)
    jobs = [BackgroundRun(steps(1000, seconds=0.01), 1000, scheduler) for _ in range(3)]
    for job in jobs:
        job.start()
    wait_until(lambda: all(job.records for job in jobs[:2]))
    assert scheduler.close(timeout=10)
    done, waiting = [len(job.records) for job in jobs], scheduler.load()
    time.sleep(0.1)
    assert [len(job.records) for job in jobs] == done and all(n < 1000 for n in done)
    later = BackgroundRun(steps(5), 5, scheduler)
    later.start()
    time.sleep(0.1)
    assert not later.records and scheduler.load() == waiting  # not put in line
