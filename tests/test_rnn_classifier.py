"""The RNN classifier (core/models.py) and what the RNN page computes from it (core/rnn_analysis.py)."""

import itertools

import numpy as np
import pytest
import torch

from core import presets
from core.base import seeded
from core.models import RNNClassifier, RNNClassifierSpec, snapshot
from core.presets import settings_of
from core.rnn_analysis import (
    CELLS,
    TUTORIAL_CONFIG,
    cell_models,
    compare_cells,
    mistakes,
    next_mistake,
    read_rows,
    step_gradients,
)
from core.training import train_classifier


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers", [1, 2])
def test_shapes_for_every_cell(cell, num_layers):
    model = RNNClassifier(cell, hidden_size=20, num_layers=num_layers)
    x = torch.rand(5, 28, 28)
    logits, features = model(x)
    assert logits.shape == (5, 10) and features.shape == (5, 20)
    scores, hidden = model(x, every_row=True)
    assert scores.shape == (5, 28, 10) and hidden.shape == (5, 28, 20)
    assert model(x.unsqueeze(1))[0].shape == (5, 10)  # (B, 1, 28, 28) works too


def test_unknown_cell_is_refused():
    with pytest.raises(ValueError):
        RNNClassifier("transformer")


@pytest.mark.parametrize("cell", CELLS)
def test_per_row_scores_end_with_forward(cell):
    model = seeded(lambda: RNNClassifier(cell, 16), 0).eval()
    x = torch.rand(3, 28, 28)
    with torch.no_grad():
        logits, features = model(x)
        scores, hidden = model(x, every_row=True)
    assert torch.allclose(scores[:, -1], logits, atol=1e-6)
    assert torch.allclose(hidden[:, -1], features, atol=1e-6)
    # The scores after row t depend only on rows 1..t: changing the last rows leaves them alone.
    y = x.clone()
    y[:, 20:] = 0
    with torch.no_grad():
        early, _ = model(y, every_row=True)
    assert torch.allclose(early[:, :20], scores[:, :20], atol=1e-6)
    assert not torch.allclose(early[:, -1], scores[:, -1])


def test_read_rows_matches_forward(tiny_digits):
    model = seeded(lambda: RNNClassifier("gru", 16), 0)
    image = tiny_digits.test_x[0]
    reading = read_rows(model, image)
    assert reading.probabilities.shape == (28, 10) and reading.hidden.shape == (28, 16)
    assert np.allclose(reading.probabilities.sum(1), 1, atol=1e-5)
    with torch.no_grad():
        logits, _ = model(image[None].float() / 255)
    assert reading.prediction == int(logits.argmax())


def test_a_short_run_lowers_the_loss(tiny_digits):
    config = TUTORIAL_CONFIG.replace(epochs=7, embed_method="none", eval_every=1000, max_steps=60)
    losses = [r.loss for r in train_classifier(seeded(RNNClassifier, 0), tiny_digits, config)]
    assert len(losses) == 60
    assert np.mean(losses[-5:]) < 0.8 * np.mean(losses[:5])  # from chance (2.30) to about 1.65


def test_the_page_starts_from_the_tutorials_settings_with_the_documented_changes():
    tutorial = settings_of(RNNClassifierSpec(), TUTORIAL_CONFIG)
    assert (tutorial["epochs"], tutorial["batch_size"], tutorial["lr"], tutorial["optimizer"]) == (1, 64, 0.01, "adam")
    assert (tutorial["eval_every"], tutorial["test_size"], tutorial["hidden_size"], tutorial["cell"]) == (50, 2000, 64,
                                                                                                        "lstm")
    page = presets.RNN_CLASSIFIER.settings()
    changed = {name for name in page if page[name] != tutorial[name]}
    assert changed == {"lr_schedule", "embed_every", "embed_points"}  # what core/presets.py says, and no more


def test_step_gradients_are_28_finite_values(tiny_digits):
    model = seeded(RNNClassifier, 0)
    grads = step_gradients(model, tiny_digits.test_x[:16], tiny_digits.test_y[:16])
    assert grads.shape == (28,) and np.isfinite(grads).all() and (grads >= 0).all() and grads.max() > 0
    assert all(p.grad is None for p in model.parameters())  # the model's own gradients are untouched


def test_plain_rnn_gradients_vanish_towards_the_first_rows(tiny_digits):
    model = seeded(lambda: RNNClassifier("rnn", 64), 1)
    grads = step_gradients(model, tiny_digits.test_x[:64], tiny_digits.test_y[:64])
    assert grads[:5].mean() < 0.1 * grads[-5:].mean()


def test_comparison_interleaves_cells_on_the_same_batches(tiny_digits):
    config = TUTORIAL_CONFIG.replace(embed_method="none", eval_every=2, test_size=50, max_steps=3)
    models = cell_models(RNNClassifierSpec(hidden_size=8), seed=3)
    records = list(compare_cells(models, tiny_digits, config))
    assert [r.cell for r in records[:3]] == list(CELLS)
    assert len(records) == 9 and all(r.record.step == i // 3 + 1 for i, r in enumerate(records))
    assert all(r.record.accuracy is not None for r in records if r.record.step in (1, 2, 3))
    # Same seed, same batches: a fresh LSTM trained alone follows the LSTM in the comparison.
    lstm = cell_models(RNNClassifierSpec(hidden_size=8), seed=3, cells=("lstm",))["lstm"]
    alone = train_classifier(lstm, tiny_digits, config)
    assert [r.loss for r in alone] == [r.record.loss for r in records if r.cell == "lstm"]


def test_comparison_can_be_paused_and_resumed(tiny_digits):
    config = TUTORIAL_CONFIG.replace(embed_method="none", eval_every=100, test_size=50, max_steps=2)
    records = compare_cells(cell_models(RNNClassifierSpec(hidden_size=8), seed=1), tiny_digits, config)
    first = list(itertools.islice(records, 4))
    rest = list(records)
    assert len(first) + len(rest) == 6 and rest[-1].record.step == 2


def test_mistakes_and_next_mistake(tiny_digits):
    model = seeded(lambda: RNNClassifier("lstm", 8), 0)
    x, y = tiny_digits.test_x[:100], tiny_digits.test_y[:100]
    wrong = mistakes(model, x, y, batch=30)
    with torch.no_grad():
        pred = model(x.float() / 255)[0].argmax(1)
    assert wrong.tolist() == torch.nonzero(pred != y).flatten().tolist()
    assert next_mistake(np.array([3, 7, 9]), 3) == 7
    assert next_mistake(np.array([3, 7, 9]), 9) == 3  # wraps round
    assert next_mistake(np.array([], dtype=np.int64), 0) is None


def test_snapshot_is_an_independent_cpu_copy():
    model = seeded(RNNClassifier, 0)
    copy = snapshot(model)
    with torch.no_grad():
        model.out.weight.add_(1.0)
    assert not torch.equal(copy.out.weight, model.out.weight) and not copy.training


@pytest.mark.parametrize("cell", CELLS)
def test_a_bidirectional_network_classifies_each_directions_whole_reading(cell):
    """The reference is torch's own final states: the downward reading's after row 28, the upward one's after row 1."""
    model = seeded(lambda: RNNClassifier(cell, hidden_size=12, num_layers=2, bidirectional=True), 3).eval()
    x = torch.rand(4, 28, 28)
    logits, features = model(x)
    with torch.inference_mode():
        _, state = model.rnn(x)
    final = state[0] if cell == "lstm" else state  # (layers * 2, B, 12): h_n, the top layer's two directions last
    assert logits.shape == (4, 10) and torch.allclose(features, torch.cat([final[-2], final[-1]], dim=1), atol=1e-6)


def test_a_bidirectional_network_has_read_every_row_at_each_row(tiny_digits):
    image = tiny_digits.test_x[0].clone()
    changed = image.clone()
    changed[27] = 255  # only the last row differs
    for bidirectional in (False, True):
        model = RNNClassifierSpec(hidden_size=16, bidirectional=bidirectional).build(seed=1)
        before, after = read_rows(model, image), read_rows(model, changed)
        assert before.every_row_read == bidirectional
        assert (before.probabilities[0] != after.probabilities[0]).any() == bidirectional  # row 28 read by row 1?
        with torch.inference_mode():
            assert before.prediction == int(model(image[None].float() / 255)[0].argmax())
