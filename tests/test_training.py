import itertools
import math
import threading
import time

import numpy as np
import pytest
import torch

from core import presets
from core.base import TrainingDiverged, seeded
from core.models import CNN, CNNSpec
from core.presets import settings_of
from core.training import (
    ClassifierConfig,
    FrameSchedule,
    is_eval_step,
    total_steps,
    train_classifier,
    whole_test_accuracy,
)


def test_the_cnn_page_starts_from_the_tutorial_with_only_the_documented_changes():
    tutorial, page = settings_of(CNNSpec(), ClassifierConfig()), presets.CNN.settings()
    assert (tutorial["epochs"], tutorial["batch_size"], tutorial["lr"], tutorial["optimizer"]) == (1, 50, 0.001, "adam")
    changed = {name for name in page if page[name] != tutorial[name]}
    assert changed == {"eval_every", "test_size", "embed_every", "embed_points", "lr_schedule"}  # presets.py says why
    assert page["lr_schedule"] == "linear"


@pytest.mark.parametrize("field,value", [("epochs", 10_000), ("lr", -1.0), ("batch_size", 0),
                                         ("optimizer", "lbfgs"), ("embed_method", "umap"),
                                         ("lr_schedule", "cosine"), ("lr", math.nan)])
def test_config_refuses_out_of_range_values(field, value):
    with pytest.raises(ValueError):
        ClassifierConfig(**{field: value})


def test_loss_falls_within_a_few_dozen_steps(tiny_digits):
    config = ClassifierConfig(epochs=3, batch_size=32, lr=0.003, eval_every=1000, embed_method="none", max_steps=40)
    losses = [r.loss for r in train_classifier(seeded(CNN, 0), tiny_digits, config)]
    assert len(losses) == 40
    assert np.mean(losses[-5:]) < 0.6 * np.mean(losses[:5])


def test_records_carry_accuracy_exactly_on_eval_steps(tiny_digits):
    config = ClassifierConfig(batch_size=50, eval_every=4, embed_method="pca", embed_every=8,
                              embed_points=50, max_steps=10, test_size=100)
    records = list(train_classifier(seeded(CNN, 0), tiny_digits, config))
    assert [r.step for r in records] == list(range(1, 11))
    evaluated = [r.step for r in records if r.accuracy is not None]
    assert evaluated == [1, 4, 8, 10]  # first step, every 4th, and the last
    assert all((r.evaluation is None) == (r.accuracy is None) for r in records)
    embedded = [r.step for r in records if r.embedding is not None]
    assert embedded == [8, 10]  # one frame per block of 8 steps (none at step 1), plus the last
    frame = records[-1].embedding
    assert frame.coords.shape == (50, 2) and frame.labels.tolist() == tiny_digits.test_y[:50].tolist()
    evaluation = records[-1].evaluation
    assert evaluation.confusion.sum() == 100 and evaluation.confusion.shape == (10, 10)
    assert np.isclose(np.trace(evaluation.confusion) / 100, evaluation.accuracy)


def test_gallery_lists_mistakes_first(tiny_digits):
    config = ClassifierConfig(eval_every=100, embed_method="none", max_steps=1, test_size=100, gallery_size=30)
    evaluation = next(train_classifier(seeded(CNN, 0), tiny_digits, config)).evaluation
    truth = tiny_digits.test_y[evaluation.gallery_index].numpy()
    wrong = evaluation.predicted[evaluation.gallery_index] != truth
    assert len(truth) == 30 and wrong.any()
    assert not np.any(np.diff(wrong.astype(int)) > 0)  # once correct ones start, no mistake follows


def test_accuracy_floor_on_bundled_digits(digits):
    config = ClassifierConfig(eval_every=10_000, embed_method="none", max_steps=150)
    records = list(train_classifier(seeded(CNN, 1), digits, config))
    assert records[-1].accuracy > 0.85


def test_same_seed_gives_the_same_curve(tiny_digits):
    config = ClassifierConfig(embed_method="none", max_steps=6, eval_every=100)

    def run():
        return [r.loss for r in train_classifier(seeded(CNN, config.seed), tiny_digits, config)]
    assert run() == run()


def test_a_huge_learning_rate_raises_a_clear_error(tiny_digits):
    config = ClassifierConfig(lr=1.0, embed_method="none", eval_every=1000, max_steps=50)
    with pytest.raises(TrainingDiverged) as caught:
        for _ in train_classifier(seeded(CNN, 0), tiny_digits, config):
            pass
    assert caught.value.lr == 1.0 and caught.value.step < 50


def test_a_nan_loss_raises_before_it_reaches_a_chart(tiny_digits):
    model = seeded(CNN, 0)
    with torch.no_grad():
        model.out.weight.fill_(math.nan)
    records = train_classifier(model, tiny_digits, ClassifierConfig(embed_method="none", max_steps=5))
    with pytest.raises(TrainingDiverged) as caught:
        next(records)
    assert caught.value.step == 1


def test_generator_resumes_where_it_stopped(tiny_digits):
    config = ClassifierConfig(embed_method="none", eval_every=100, max_steps=8)
    records = train_classifier(seeded(CNN, 0), tiny_digits, config)
    first = [r.step for r in itertools.islice(records, 3)]
    rest = [r.step for r in records]
    assert first == [1, 2, 3] and rest == [4, 5, 6, 7, 8]


def test_total_steps_and_eval_schedule():
    assert total_steps(60_000, ClassifierConfig()) == 1200
    assert total_steps(60_000, ClassifierConfig(max_steps=7)) == 7
    assert [s for s in range(1, 121) if is_eval_step(s, 120, 50)] == [1, 50, 100, 120]


def test_frames_come_at_the_first_evaluation_of_each_later_block_and_at_the_end():
    frames, made = FrameSchedule(points=50, every=8, total=30), []
    for step in [s for s in range(1, 31) if is_eval_step(s, 30, 5)]:  # 1, 5, 10, ..., 30
        if frames.due(step):
            made.append((step, frames.previous))
            frames.made(step, f"evaluation at {step}")
    assert made == [(10, None), (20, "evaluation at 10"), (25, "evaluation at 20"), (30, "evaluation at 25")]
    assert not any(FrameSchedule(points=0, every=8, total=30).due(step) for step in range(1, 31))


def test_training_leaves_grad_mode_alone(tiny_digits):
    config = ClassifierConfig(embed_method="none", eval_every=1, max_steps=2)
    list(train_classifier(seeded(CNN, 0), tiny_digits, config))
    assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()



def test_constant_schedule_keeps_the_learning_rate(tiny_digits):
    config = ClassifierConfig(lr=0.002, embed_method="none", eval_every=100, max_steps=5)
    assert [r.lr for r in train_classifier(seeded(CNN, 0), tiny_digits, config)] == [0.002] * 5


def test_linear_schedule_lowers_the_rate_in_equal_steps_over_the_run(tiny_digits):
    config = ClassifierConfig(lr=0.002, lr_schedule="linear", embed_method="none", eval_every=100, max_steps=8)
    records = list(train_classifier(seeded(CNN, 0), tiny_digits, config))
    assert [r.lr for r in records] == pytest.approx([0.002 * (1 - k / 8) for k in range(8)])


def test_the_schedule_changes_the_updates_not_just_the_record(tiny_digits):
    def losses(schedule):
        config = ClassifierConfig(lr_schedule=schedule, embed_method="none", eval_every=100, max_steps=6)
        return [r.loss for r in train_classifier(seeded(CNN, 0), tiny_digits, config)]
    constant, linear = losses("constant"), losses("linear")
    assert constant[:2] == linear[:2]  # step 1 uses the full rate in both; its update shows at step 2
    assert constant[2:] != linear[2:]


def test_whole_test_accuracy_counts_every_test_image(digits):
    model = seeded(CNN, 0)
    list(train_classifier(model, digits, ClassifierConfig(embed_method="none", eval_every=100, max_steps=20,
                                                          test_size=10)))
    with torch.no_grad():
        predicted = model.eval()(digits.test_x.float().unsqueeze(1) / 255)[0].argmax(1)
    expected = (predicted == digits.test_y).float().mean().item()
    assert len(digits.test_y) > 10 and whole_test_accuracy(model, digits) == pytest.approx(expected)


def records_of(config, data, aside=None):
    from core.base import inline
    return list(train_classifier(seeded(CNN, 3), data, config, aside or inline))  # trained on this thread


def same_records(first, second) -> bool:
    def key(r):
        e, f = r.evaluation, r.embedding
        return (r.step, r.loss, r.lr, r.accuracy,
                None if e is None else (e.confusion.tolist(), e.predicted.tolist(), e.gallery_index.tolist()),
                None if f is None else f.coords.tolist())
    return [key(r) for r in first] == [key(r) for r in second]


def test_evaluating_on_another_thread_gives_the_same_records_in_the_same_order(tiny_digits):
    from concurrent.futures import ThreadPoolExecutor

    config = ClassifierConfig(eval_every=3, embed_method="tsne", embed_every=3, embed_points=60, test_size=100,
                              max_steps=10)
    here = records_of(config, tiny_digits)
    with ThreadPoolExecutor(1) as pool:
        elsewhere = records_of(config, tiny_digits, pool.submit)
    assert [r.step for r in elsewhere] == list(range(1, 11))
    assert sum(r.embedding is not None for r in here) >= 3 and same_records(here, elsewhere)


def test_a_lone_run_evaluates_on_an_idle_worker_and_gets_the_same_records(tiny_digits):
    import threading

    from core import threads
    from core.base import inline
    from core.models import CNNSpec
    from core.run import classifier_run
    from core.scheduler import Scheduler

    config = ClassifierConfig(eval_every=4, embed_method="pca", embed_every=4, embed_points=50, test_size=100,
                              max_steps=12, seed=3)
    scheduler = Scheduler(slots=2, threads=1)
    where = []
    original = scheduler.aside

    def watched(task):
        future = original(task)
        future.add_done_callback(lambda _: None)
        where.append(threading.current_thread().name)
        return future
    scheduler.aside = watched
    run = classifier_run(CNNSpec(), config, tiny_digits, scheduler=scheduler)
    run.start()
    assert run.job.wait(60)
    with threads.only_one():  # the scheduler's lone worker trained on one thread (threads=1)
        alone = list(train_classifier(CNNSpec(num_classes=10).build(3), tiny_digits, config, inline))
    assert same_records(run.records, alone)
    assert where and all(name.startswith("livelab-slot") for name in where)


def slow_aside(delay_s: float, started: list):
    """An `aside` that runs each evaluation on a thread of its own after `delay_s`: evaluations
    slower than training, as on a busy server."""
    from concurrent.futures import Future

    def aside(task):
        future = Future()
        started.append(future)

        def run():
            time.sleep(delay_s)
            future.set_result(task())
        threading.Thread(target=run, daemon=True).start()
        return future
    return aside


def test_a_run_that_blows_up_while_evaluations_are_pending_still_yields_every_step_before_it(tiny_digits):
    config = ClassifierConfig(lr=1.0, embed_method="none", eval_every=1, test_size=50, max_steps=50)
    steps = []
    with pytest.raises(TrainingDiverged) as caught:
        for record in train_classifier(seeded(CNN, 0), tiny_digits, config, slow_aside(0.2, [])):
            steps.append(record.step)
    assert steps == list(range(1, caught.value.step))  # the curve reaches the blow-up


def test_training_ahead_of_slow_evaluations_holds_only_a_few_copies_of_the_network(tiny_digits):
    from core.pipeline import MAX_EVALUATIONS_AHEAD

    started = []
    config = ClassifierConfig(embed_method="none", eval_every=1, test_size=50, max_steps=12)
    records = train_classifier(seeded(CNN, 0), tiny_digits, config, slow_aside(0.3, started))
    first = next(records)
    assert first.step == 1 and first.evaluation is not None
    pending = sum(not future.done() for future in started)
    assert len(started) <= MAX_EVALUATIONS_AHEAD + 1 and pending <= MAX_EVALUATIONS_AHEAD + 1
    assert [r.step for r in records] == list(range(2, 13))


def test_a_step_whose_record_waits_for_its_evaluation_yields_pending_when_asked(tiny_digits):
    from concurrent.futures import Future

    from core.base import inline
    from core.pipeline import PENDING

    held = []  # step 1's evaluation, held back until the test runs it; later ones run at once

    def held_aside(task):
        if held:
            return inline(task)
        held.append((task, Future()))
        return held[0][1]
    config = ClassifierConfig(eval_every=100, embed_method="none", test_size=50, max_steps=6)
    steps = train_classifier(CNN(), tiny_digits, config, held_aside, pending=True)
    assert [next(steps) for _ in range(4)] == [PENDING] * 4  # steps 1-4 trained, step 1's evaluation not done
    task, future = held[0]
    future.set_result(task())
    records = [item for item in steps if item is not PENDING]
    assert [record.step for record in records] == list(range(1, 7)) and records[0].accuracy is not None
