"""core.pipeline alone: steps in, records out in order, each once its evaluation is done. The
evaluations here are Futures the test finishes by hand, so what comes out when is exact."""

from concurrent.futures import Future

import pytest

from core.pipeline import MAX_EVALUATIONS_AHEAD, MAX_WAITING, Pipeline


def record(step, result):
    return step, result


class Waited(Future):
    """An evaluation still under way until somebody waits for its result: it then finishes, and
    notes in `waits` that training had to wait for it."""

    def __init__(self, name: str, waits: list):
        super().__init__()
        self.name, self.waits = name, waits

    def result(self, timeout=None):
        if not self.done():
            self.waits.append(self.name)
            self.set_result(self.name)
        return super().result(timeout)


def test_a_step_without_an_evaluation_comes_out_at_once():
    pipeline = Pipeline(record)
    assert list(pipeline.put(1)) == [(1, None)]
    assert list(pipeline.put(2)) == [(2, None)]


def test_records_keep_their_order_when_evaluations_finish_out_of_order():
    waits = []
    pipeline = Pipeline(record)
    first, second = Waited("a", waits), Waited("b", waits)
    assert list(pipeline.put(1, first)) == []
    assert list(pipeline.put(2, second)) == []
    second.set_result("b")
    assert list(pipeline.put(3)) == []  # 2 is evaluated, but 1 is not: nothing passes it
    first.set_result("a")
    assert list(pipeline.put(4)) == [(1, "a"), (2, "b"), (3, None), (4, None)]
    assert waits == []  # within the bounds, training never waited


def test_a_step_without_an_evaluation_waits_behind_an_earlier_pending_one():
    waits = []
    pipeline = Pipeline(record)
    pending = Waited("a", waits)
    assert list(pipeline.put(1, pending)) == []
    assert list(pipeline.put(2)) == []
    pending.set_result("a")
    assert list(pipeline.put(3)) == [(1, "a"), (2, None), (3, None)] and waits == []


def test_past_max_waiting_steps_training_waits_for_the_oldest_evaluation():
    waits = []
    pipeline = Pipeline(record, max_waiting=3)
    assert list(pipeline.put(1, Waited("a", waits))) == []
    assert list(pipeline.put(2)) == [] and list(pipeline.put(3)) == []
    assert waits == []  # three steps in: training went on
    assert list(pipeline.put(4)) == [(1, "a"), (2, None), (3, None), (4, None)]
    assert waits == ["a"]


def test_past_max_evaluations_training_waits_for_the_oldest_only():
    waits = []
    pipeline = Pipeline(record, max_evaluations=2)
    assert list(pipeline.put(1, Waited("a", waits))) == []
    assert list(pipeline.put(2, Waited("b", waits))) == []
    assert list(pipeline.put(3)) == []
    assert waits == []
    assert list(pipeline.put(4, Waited("d", waits))) == [(1, "a")]  # two evaluations under way again
    assert waits == ["a"]


def test_the_default_bounds():
    waits = []
    pipeline = Pipeline(record)
    assert list(pipeline.put(0, Waited("a", waits))) == []
    for step in range(1, MAX_WAITING):
        assert list(pipeline.put(step)) == []
    assert waits == [] and len(list(pipeline.put(MAX_WAITING))) == MAX_WAITING + 1 and waits == ["a"]

    for step in range(MAX_EVALUATIONS_AHEAD):
        assert list(pipeline.put(step, Waited(str(step), waits))) == []
    assert list(pipeline.put("next", Waited("next", waits))) == [(0, "0")] and waits == ["a", "0"]


def test_the_end_drains_every_step_in_order():
    waits = []
    pipeline = Pipeline(record, max_evaluations=3)
    done = Future()
    done.set_result("c")
    for step, evaluation in ((1, Waited("a", waits)), (2, None), (3, done), (4, Waited("d", waits))):
        assert list(pipeline.put(step, evaluation)) == []
    assert list(pipeline.drain()) == [(1, "a"), (2, None), (3, "c"), (4, "d")]
    assert waits == ["a", "d"] and list(pipeline.drain()) == []


def test_a_blow_up_drains_the_steps_before_it_then_is_raised():
    waits = []
    pipeline = Pipeline(record)
    assert list(pipeline.put(1, Waited("a", waits))) == [] and list(pipeline.put(2)) == []
    out = []
    with pytest.raises(ArithmeticError, match="step 3"):
        for item in pipeline.drain(then_raise=ArithmeticError("the loss blew up at step 3")):
            out.append(item)
    assert out == [(1, "a"), (2, None)] and waits == ["a"]


def test_a_failed_evaluation_raises_when_its_step_comes_out():
    pipeline = Pipeline(record)
    failed = Future()
    failed.set_exception(RuntimeError("out of memory"))
    assert list(pipeline.put(1)) == [(1, None)]
    with pytest.raises(RuntimeError, match="out of memory"):
        list(pipeline.put(2, failed))
