"""torch's CPU threads are set per Python thread: training threads get all cores but one, page scripts one."""

import threading

import pytest
import torch

from core import threads
from core.runner import BackgroundRun
from core.scheduler import Scheduler


def in_thread(fn):
    """fn() on a fresh thread (so the test's own thread keeps its settings); its result."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", fn()))
    thread.start()
    thread.join()
    return result["value"]


@pytest.fixture(autouse=True)
def restore_default_count():
    """Setting a count also sets the default that new threads copy: put torch's back afterwards."""
    yield
    in_thread(lambda: torch.set_num_threads(threads.TORCH_DEFAULT_THREADS))


@pytest.mark.parametrize("cores,override,browser_here,expected", [
    (2, None, False, 2), (8, None, False, 8),  # a hosted server: every core
    (2, None, True, 1), (8, None, True, 7), (1, None, True, 1),  # a browser on the machine: one core for it
    (2, 3, False, 3), (8, 3, True, 3),  # the environment's count wins
])
def test_training_threads_follow_the_cores_and_the_browser(cores, override, browser_here, expected):
    assert threads.training_threads(cores, override, browser_here) == expected


@pytest.mark.parametrize("value,browser_here,expected", [
    ("3", False, 3), (" 3 ", True, 3),  # LIVELAB_TRAINING_THREADS wins...
    ("0", False, None), ("many", True, None), ("-4", False, None), ("", True, None),  # ...when it names a count
])
def test_the_training_budget_reads_the_environment(value, browser_here, expected, monkeypatch):
    monkeypatch.setenv("LIVELAB_TRAINING_THREADS", value)
    chosen = threads.training_threads(threads.TORCH_DEFAULT_THREADS, None, browser_here)
    assert threads.training_budget(browser_here) == (expected or chosen)


def test_a_page_thread_keeps_one_thread_when_training_starts_elsewhere():
    page_ready, training_set = threading.Event(), threading.Event()

    def page():
        threads.use_for_page()
        page_ready.set()
        training_set.wait(10)
        torch.ones(100_000).add_(1)  # a first parallel op after another thread changed the count
        return torch.get_num_threads()

    def training():
        page_ready.wait(10)
        threads.use_for_training(3)  # more than 1 on any machine
        training_set.set()
        return torch.get_num_threads()

    page_thread = {}
    waiter = threading.Thread(target=lambda: page_thread.setdefault("threads", page()))
    waiter.start()
    assert in_thread(training) == 3
    waiter.join()
    assert page_thread["threads"] == 1


def test_background_runs_train_with_the_training_count_after_a_page_asked_for_one():
    in_thread(threads.use_for_page)

    def records():
        yield torch.get_num_threads()

    run = BackgroundRun(records(), total=1, scheduler=Scheduler(slots=1, threads=3))
    run.start()
    assert run.wait(10)
    assert run.records == [3]
