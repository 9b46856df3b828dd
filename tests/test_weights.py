"""core.weights: a downloaded weights file loads back into the same network (same logits), and every
kind of bad file is refused with its reason, without running anything in it."""

import dataclasses
import io
import os
import pickle
import tomllib
import zipfile
from pathlib import Path

import pytest
import torch

from core.base import MAX_UPLOAD_BYTES
from core.models import CNNSpec, RegressorSpec, RNNClassifierSpec
from core.regression import RegressionConfig
from core.run import classifier_run, regression_run
from core.training import ClassifierConfig
from core.weights import REASONS, Weights, WeightsError, load, to_bytes
from ui.i18n import LANGUAGES, table

QUICK = ClassifierConfig(max_steps=5, eval_every=100, embed_method="none", test_size=50, gallery_size=0)


def trained(spec, data, steps: int = 5):
    run = classifier_run(spec, QUICK.replace(max_steps=steps), data)
    list(run.train())
    return run


def logits(model, images: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return model.eval()(images.float() / 255)[0]


@pytest.fixture(scope="module")
def cnn_run(tiny_digits):
    return trained(CNNSpec(), tiny_digits)


@pytest.mark.parametrize("spec", [CNNSpec(blocks="8c3-p,32c3-p"), RNNClassifierSpec(hidden_size=32),
                                  CNNSpec(blocks="8c3-bn-p,8c5-gelu-ap-d0.2,12c3", fc="32-tanh-d0.3"),
                                  RNNClassifierSpec(cell="gru", hidden_size=8, bidirectional=True)],
                         ids=["cnn", "lstm", "students-cnn", "bidirectional-gru"])
def test_uploading_what_was_downloaded_gives_the_same_predictions(spec, tiny_digits):
    run = trained(spec, tiny_digits)
    weights = load(to_bytes(run.trained_weights()), networks=(spec.name,), num_classes=10)
    images = tiny_digits.test_x[:64]
    assert torch.equal(logits(weights.build(), images), logits(run.model, images))
    assert not torch.equal(logits(spec.build(QUICK.seed), images), logits(run.model, images))  # training moved them
    assert weights.spec == run.spec and weights.steps == 5
    assert weights.dataset == "digits" and weights.classes == tuple(tiny_digits.classes)
    assert weights.config["lr"] == QUICK.lr and weights.config["seed"] == QUICK.seed


def test_a_regressor_round_trips_too():
    run = regression_run(RegressorSpec(cell="gru", hidden_size=8), RegressionConfig(steps=10))
    list(run.train())
    weights = load(to_bytes(run.trained_weights()), networks=("rnn-regression",))
    x = torch.linspace(0, 1, 20).view(1, 20, 1)
    with torch.inference_mode():
        assert torch.equal(weights.build()(x)[0], run.model.eval()(x)[0])
    assert weights.dataset is None and weights.classes == ()


def test_a_run_built_from_uploaded_weights_starts_where_the_file_left_off(cnn_run, tiny_digits):
    weights = load(to_bytes(cnn_run.trained_weights()), networks=("cnn",))
    other_seed = QUICK.replace(seed=7)  # the seed still orders the batches, but no longer draws the weights
    run = classifier_run(weights.spec, other_seed, tiny_digits, weights=weights.state_dict, weights_from="a.pt")
    images = tiny_digits.test_x[:32]
    assert torch.equal(logits(run.model, images), logits(cnn_run.model, images))
    assert run.weights_from == "a.pt"
    assert run.model.conv1[0].weight.data_ptr() != weights.state_dict["conv1.0.weight"].data_ptr()  # a copy


def test_a_downloaded_snapshot_stays_as_it_was_while_the_run_trains_on(tiny_digits):
    # The snapshot is taken before the first step: how far training has run ahead of the first
    # record depends on how fast that step's evaluation finishes on another core.
    run = classifier_run(CNNSpec(), QUICK.replace(max_steps=4), tiny_digits)
    snapshot = run.trained_weights()
    before = snapshot.state_dict["out.weight"].clone()
    list(run.train())
    assert torch.equal(snapshot.state_dict["out.weight"], before)
    assert not torch.equal(run.model.out.weight.detach(), before)
    assert snapshot.state_dict["out.weight"].data_ptr() != run.model.out.weight.data_ptr()


def test_a_file_holds_the_format_and_what_rebuilds_the_network(cnn_run):
    payload = torch.load(io.BytesIO(to_bytes(cnn_run.trained_weights())), weights_only=True)
    assert payload["format"] == "livelab-weights" and payload["version"] == 3 and payload["network"] == "cnn"
    assert payload["spec"] == dataclasses.asdict(cnn_run.spec)
    assert payload["dataset"] == "digits" and len(payload["classes"]) == 10 and payload["steps"] == 5
    assert set(payload["state_dict"]) == set(cnn_run.model.state_dict())


# --- bad files --------------------------------------------------------------------------------------


class CodePayload:
    """Unpickling this runs os.makedirs(path): what a malicious "weights" file would do."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return os.makedirs, (self.path,)


def reason(data: bytes, networks=("cnn",), num_classes=None) -> WeightsError:
    with pytest.raises(WeightsError) as caught:
        load(data, networks, num_classes)
    return caught.value


def rewritten(weights: Weights, **changes) -> bytes:
    """A weights file with some of its payload's fields changed."""
    payload = torch.load(io.BytesIO(to_bytes(weights)), weights_only=True)
    payload.update(changes)
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("container", ["torch.save", "pickle-2", "pickle-5"])
def test_a_file_that_would_run_code_is_refused_and_the_code_never_runs(container, cnn_run, tmp_path):
    target = tmp_path / "ran"
    payload = {"format": "livelab-weights", "version": 1, "kind": "cnn", "evil": CodePayload(str(target))}
    buffer = io.BytesIO()
    if container == "torch.save":
        torch.save(payload, buffer)
    else:
        pickle.dump(payload, buffer, protocol=int(container[-1]))
    assert reason(buffer.getvalue()).reason == "unsafe"
    assert not target.exists()
    unchecked = (lambda data: torch.load(io.BytesIO(data), weights_only=False)) if container == "torch.save" \
        else pickle.loads
    unchecked(buffer.getvalue())  # the payload is real: read without weights_only, it runs
    assert target.exists()


def test_a_truncated_file_is_unreadable(cnn_run):
    data = to_bytes(cnn_run.trained_weights())
    for cut in (data[: len(data) // 2], data[:-20], data[:100]):
        assert reason(cut).reason == "unreadable"
    assert reason(b"not a weights file at all").reason == "unreadable"
    assert reason(pickle.dumps({"state_dict": {}})[:-5]).reason == "unreadable"  # a pickle cut short, naming no code


def test_an_archive_that_unpacks_to_more_than_the_limit_is_refused_before_it_is_unpacked(cnn_run):
    """A zip bomb: a small upload that torch.load would unpack in full. Checked without unpacking."""
    stored = zipfile.ZipFile(io.BytesIO(to_bytes(cnn_run.trained_weights())))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in stored.infolist():
            big = entry.filename.endswith("/data/0")
            archive.writestr(entry.filename, bytes(64 * 2**20) if big else stored.read(entry.filename))
    assert len(bomb.getvalue()) < MAX_UPLOAD_BYTES
    error = reason(bomb.getvalue())
    assert error.reason == "unpacks_too_large" and error.detail["size"] > 64 * 2**20


def test_a_file_of_the_old_non_zip_torch_format_is_not_read(cnn_run):
    """Its reader allocates whatever storage sizes the file declares: never handed to torch.load."""
    buffer = io.BytesIO()
    torch.save(cnn_run.trained_weights().state_dict, buffer, _use_new_zipfile_serialization=False)
    assert reason(buffer.getvalue()).reason == "unreadable"


def test_an_empty_file_is_refused():
    assert reason(b"").reason == "empty"


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(tiny_digits):
    big = classifier_run(RNNClassifierSpec(hidden_size=256, num_layers=3), QUICK, tiny_digits)  # a real 5 MB file
    data = to_bytes(big.trained_weights())
    assert len(data) > MAX_UPLOAD_BYTES
    error = reason(data, networks=("rnn-classifier",))
    assert error.reason == "too_large" and error.detail == {"size": len(data), "limit": MAX_UPLOAD_BYTES}
    assert reason(b"\0" * (MAX_UPLOAD_BYTES + 1)).reason == "too_large"


def test_weights_of_another_network_are_refused(cnn_run):
    error = reason(to_bytes(cnn_run.trained_weights()), networks=("rnn-classifier",))  # CNN weights, RNN page
    assert error.reason == "wrong_network" and error.detail == {"found": "cnn"}
    lstm = dataclasses.replace(cnn_run.trained_weights(), spec=RNNClassifierSpec())  # says LSTM, holds a CNN
    error = reason(to_bytes(lstm), networks=("rnn-classifier",))
    assert error.reason == "mismatch_keys" and error.detail["layer"] in cnn_run.model.state_dict()


def test_weights_of_another_size_are_refused(tiny_digits):
    eight = trained(CNNSpec(blocks="8c5-p,32c5-p"), tiny_digits, steps=1).trained_weights()
    sixteen = dataclasses.replace(eight, spec=CNNSpec())  # the spec says 16 channels, 8 came
    error = reason(to_bytes(sixteen))
    assert error.reason == "mismatch"
    assert error.detail == {"layer": "conv1.0.weight", "found": "8 × 1 × 5 × 5", "expected": "16 × 1 × 5 × 5"}


def test_a_file_of_the_first_version_is_still_read(cnn_run):
    """Version 1 named the network under "kind": a file a student took home then still loads."""
    old = rewritten(cnn_run.trained_weights(), version=1, kind="cnn")
    payload = torch.load(io.BytesIO(old), weights_only=True)
    del payload["network"]
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    assert load(buffer.getvalue(), ("cnn",)).spec == cnn_run.spec
    assert reason(buffer.getvalue(), networks=("rnn-classifier",)).reason == "wrong_network"


def test_a_file_of_version_two_describes_its_cnn_by_channels_and_kernel_and_still_loads(tiny_digits):
    """Before version 3 a CNN was the tutorial's two blocks, named by their channels and one kernel size."""
    run = trained(CNNSpec(blocks="8c3-p,12c3-p"), tiny_digits, steps=1)
    old = rewritten(run.trained_weights(), version=2,
                    spec={"conv1_channels": 8, "conv2_channels": 12, "kernel_size": 3, "num_classes": 10})
    weights = load(old, ("cnn",))
    assert weights.spec == run.spec and torch.equal(logits(weights.build(), tiny_digits.test_x[:8]),
                                                    logits(run.model, tiny_digits.test_x[:8]))
    other = rewritten(run.trained_weights(), version=2,
                      spec={"conv1_channels": 8, "conv2_channels": 12, "kernel_size": 5, "num_classes": 10})
    assert reason(other).reason == "mismatch"  # the file's own spec must fit its tensors, as ever


def test_a_file_whose_layers_are_not_its_tensors_is_refused(tiny_digits):
    three = trained(CNNSpec(blocks="8c3-p,8c3-bn-p,8c3"), tiny_digits, steps=1).trained_weights()
    two = dataclasses.replace(three, spec=CNNSpec(blocks="8c3-p,8c3-bn-p"))  # the spec has lost a block
    assert reason(to_bytes(two)).reason == "mismatch_keys"
    no_norm = dataclasses.replace(three, spec=CNNSpec(blocks="8c3-p,8c3-p,8c3"))  # batch norm's tensors are extra
    assert reason(to_bytes(no_norm)).reason == "mismatch_keys"


def test_a_bare_state_dict_is_not_a_weights_file(cnn_run):
    buffer = io.BytesIO()
    torch.save(cnn_run.model.state_dict(), buffer)
    assert reason(buffer.getvalue()).reason == "not_weights"


@pytest.mark.parametrize(("changes", "expected"), [
    ({"version": 4}, "newer_version"),
    ({"spec": {"conv1_channels": 16, "conv2_channels": 32, "kernel_size": 4, "num_classes": 10}}, "bad_spec"),
    ({"spec": {"filters": 16}}, "bad_spec"),
    ({"classes": ["0", "1"]}, "bad_spec"),
    ({"network": "transformer"}, "not_weights"),
    ({"state_dict": "weights"}, "not_weights"),
], ids=["newer", "out-of-bounds", "unknown-field", "classes", "network", "state_dict"])
def test_a_file_that_describes_its_network_wrongly_is_refused(changes, expected, cnn_run):
    assert reason(rewritten(cnn_run.trained_weights(), **changes)).reason == expected


def test_weights_that_are_not_finite_are_refused(cnn_run):
    weights = cnn_run.trained_weights()
    broken = {**weights.state_dict, "out.bias": torch.full_like(weights.state_dict["out.bias"], float("nan"))}
    error = reason(to_bytes(dataclasses.replace(weights, state_dict=broken)))
    assert error.reason == "not_finite" and error.detail == {"layer": "out.bias"}


def test_a_network_for_another_number_of_classes_is_refused_where_the_page_needs_ten(cnn_run):
    data = to_bytes(cnn_run.trained_weights())
    assert load(data, ("cnn",), num_classes=10).spec.num_classes == 10
    error = reason(data, num_classes=5)
    assert error.reason == "wrong_classes" and error.detail == {"found": 10, "expected": 5}


def test_every_reason_has_a_message_in_every_language():
    for lang in LANGUAGES:
        assert [reason for reason in REASONS if f"history.errors.{reason}" not in table(lang)] == []


def test_the_limit_checked_here_is_the_one_the_server_sets():
    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_UPLOAD_BYTES
