"""core.export: the script behind a page compiles, runs outside the app with torch, torchvision and numpy
alone, and reproduces core's run for the same seed and settings, step by step (the reference is core
itself, as micrograd checks itself against torch). A template that drifts from core fails here."""

import ast
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from core import export, presets
from core.base import seeded
from core.data import load_images
from core.models import RNN_CELLS
from core.regression import HIDDEN_MODES, TARGETS, last_loss
from core.regression import window as core_window
from core.run import classifier_run, regression_run
from core.training import LR_SCHEDULES, OPTIMIZERS, whole_test_accuracy
from tests.conftest import write_idx

ROOT = Path(__file__).resolve().parent.parent
STANDALONE = {"argparse", "math", "numpy", "torch", "torchvision"}  # all a script may import
LOSS = re.compile(r"step (\d+) loss (\S+)")  # --print-losses
TESTED = re.compile(r"epoch \d+ \| step (\d+)/\d+ \| train loss \S+ \| accuracy on \d+ test images (\S+)")


# Scripts and core's runs train on one thread here: on a busy 2-core machine a team of two OpenMP threads
# waits on other processes and a 20-step run took several times as long.
ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1"}


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def exported(kind: str, dataset: str = "mnist", **settings) -> tuple:
    """(spec, config, script) for page `kind` at its preset changed by `settings`, on the CPU."""
    spec, config = presets.BY_NAME[kind].split(settings, device="cpu")
    return spec, config, export.script(spec, config, dataset)


def run_script(text: str, folder: Path, *args: str) -> list[str]:
    """Run `text` as a file of its own in `folder`, away from this repository, on one thread; its output lines."""
    path = folder / "exported.py"
    path.write_text(text)
    done = subprocess.run([sys.executable, str(path), *args], cwd=folder, capture_output=True, text=True, timeout=300,
                          env=ONE_THREAD)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def losses_of(lines: list[str]) -> list[float]:
    found = [LOSS.fullmatch(line) for line in lines]
    assert [int(m[1]) for m in found if m] == list(range(1, sum(1 for m in found if m) + 1))
    return [float(m[2]) for m in found if m]


def assert_same_losses(script_losses: list[float], core_losses: list[float]) -> None:
    assert len(script_losses) == len(core_losses)
    assert max(abs(a - b) for a, b in zip(script_losses, core_losses, strict=True)) < 1e-4


# a network a student built: every kind of layer the editor offers (batch norm and dropout draw and keep state)
STUDENTS_BLOCKS, STUDENTS_FC = "8c3-bn-p,12c5-gelu-ap-d0.2,12c3-tanh-p-np", "24-sigmoid-d0.3,16"
CLASSIFIERS = [("cnn", dict(optimizer=o, lr_schedule=s, blocks=f"16c{k}-p,32c{k}-p"))
               for o, s, k in itertools.product(OPTIMIZERS, LR_SCHEDULES, (3, 5, 7))]
CLASSIFIERS += [("rnn-classifier", dict(cell=c, num_layers=n, optimizer=o, lr_schedule=s))
                for c, n, o, s in itertools.product(RNN_CELLS, (1, 2), OPTIMIZERS, LR_SCHEDULES)]
REGRESSIONS = [("rnn-regression", dict(cell=c, hidden_mode=m, target=t))
               for c, m, t in itertools.product(RNN_CELLS, HIDDEN_MODES, TARGETS)]


@pytest.mark.parametrize("kind,settings", CLASSIFIERS + REGRESSIONS, ids=str)
def test_every_script_compiles_and_imports_only_torch_torchvision_and_numpy(kind, settings):
    _, _, text = exported(kind, **settings)
    tree = ast.parse(compile(text, "exported.py", "exec", ast.PyCF_ONLY_AST))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= STANDALONE
    assert ast.get_docstring(tree).startswith(("CNN on MNIST", "RNN on", "LSTM on", "GRU on", "RNN regression",
                                               "LSTM regression", "GRU regression"))


def test_a_script_holds_only_the_code_its_settings_use():
    _, _, sgd = exported("cnn", optimizer="sgd", lr_schedule="constant")
    assert "SGD(" in sgd and "Adam(" not in sgd and "LambdaLR" not in sgd
    _, _, adam = exported("rnn-classifier", cell="gru", optimizer="adam", lr_schedule="linear")
    assert "Adam(" in adam and "SGD(" not in adam and "LambdaLR" in adam and "nn.GRU(" in adam and "LSTM" not in adam
    _, _, cos = exported("rnn-regression", target="cos", hidden_mode="reset")
    assert "np.cos(t)" in cos and "default_rng" not in cos and "PHASE" not in cos and "detach" not in cos
    _, _, noisy = exported("rnn-regression", target="noisy", cell="lstm", noise=0.3)
    assert "NOISE = 0.3" in noisy and "default_rng([SEED, index])" in noisy and "h[1].detach()" in noisy


def test_scripts_pass_the_house_linter(tmp_path):
    for number, (kind, settings) in enumerate([CLASSIFIERS[0], CLASSIFIERS[-1], REGRESSIONS[0], REGRESSIONS[-1]]):
        (tmp_path / f"script{number}.py").write_text(exported(kind, **settings)[2])
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"),
                           str(tmp_path)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout


def definitions(text: str) -> dict:
    """What a script defines (its main() runs only as __main__)."""
    namespace = {"__name__": "exported"}
    exec(compile(text, "exported.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("kind,settings", [
    ("cnn", dict(blocks="4c3-p,12c3-p", seed=9)), ("cnn", dict(blocks="16c7-p,32c7-p")),
    ("cnn", dict(blocks=STUDENTS_BLOCKS, fc=STUDENTS_FC)),
    ("rnn-classifier", dict(cell="rnn", num_layers=3, hidden_size=20)), ("rnn-classifier", dict(cell="gru")),
    ("rnn-classifier", dict(cell="gru", num_layers=2, bidirectional=True)),
    ("rnn-classifier", dict()), ("rnn-regression", dict(cell="lstm", hidden_size=5, seed=11)),
    ("rnn-regression", dict()), ("rnn-regression", dict(cell="gru")),
], ids=str)
def test_a_scripts_network_is_cores_weight_for_weight(kind, settings):
    spec, config, text = exported(kind, **settings)
    network = definitions(text)["CNN" if kind == "cnn" else "RNN"]
    ours, cores = seeded(network, config.seed).state_dict(), spec.build(config.seed).state_dict()
    assert list(ours) == list(cores)
    assert all(ours[name].shape == cores[name].shape and torch.equal(ours[name], cores[name]) for name in cores)


def test_a_bidirectional_scripts_network_classifies_as_cores():
    spec, config, text = exported("rnn-classifier", cell="lstm", bidirectional=True, hidden_size=16)
    ours, cores = seeded(definitions(text)["RNN"], config.seed).eval(), spec.build(config.seed).eval()
    x = torch.rand(3, 28, 28)
    with torch.inference_mode():
        assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(ours(x), cores(x), strict=True))


@pytest.mark.parametrize("target", TARGETS)
def test_a_scripts_windows_are_cores(target):
    _, config, text = exported("rnn-regression", target=target, time_steps=7, phase=0.5, noise=0.3, seed=4)
    window = definitions(text)["window"]
    for index in (0, 1, 6, 250):
        _, x, y = core_window(config, index)
        ours_x, ours_y = window(index)
        assert np.array_equal(ours_x, x) and np.array_equal(ours_y.astype(np.float32), y)


@pytest.fixture(scope="module")
def idx_root(tmp_path_factory) -> Path:
    return write_idx(tmp_path_factory.mktemp("idx"), "MNIST", n_train=400, n_test=100)


@pytest.mark.parametrize("kind,settings", [
    # batches of 32 from 400 images: step 14 starts the second epoch, a new batch order
    ("cnn", dict(blocks="8c3-p,16c3-p", optimizer="sgd", lr=0.01, lr_schedule="linear",
                 epochs=2, batch_size=32, eval_every=10, test_size=50, seed=3)),
    ("rnn-classifier", dict(cell="gru", num_layers=2, hidden_size=16, optimizer="adam", lr_schedule="constant",
                            epochs=3, batch_size=64, eval_every=10, test_size=50, seed=5)),
    ("cnn", dict(blocks=STUDENTS_BLOCKS, fc=STUDENTS_FC, batch_size=32, eval_every=10, test_size=50, seed=4)),
], ids=["cnn-k3-sgd-linear", "gru-2-layers-adam", "cnn-students-network"])
def test_a_classifier_script_reproduces_cores_run(kind, settings, idx_root, tmp_path):
    spec, config, text = exported(kind, **settings)
    lines = run_script(text, tmp_path, "--data", str(idx_root), "--max-steps", "20", "--print-losses")

    data = load_images("mnist", root=idx_root, download=False)
    assert not data.note
    run = classifier_run(spec, config.replace(max_steps=20, embed_method="none"), data)
    records = list(run.train())
    assert_same_losses(losses_of(lines), [r.loss for r in records])
    tested = [(int(m[1]), float(m[2])) for m in map(TESTED.fullmatch, lines) if m]
    assert tested == [(r.step, pytest.approx(r.accuracy, abs=1e-3)) for r in records if r.accuracy is not None]
    assert re.fullmatch(r"test accuracy \d\.\d{4}", lines[-1])
    assert float(lines[-1].split()[-1]) == pytest.approx(whole_test_accuracy(run.model, data), abs=1e-3)

    other = classifier_run(spec, config.replace(max_steps=1, seed=config.seed + 1, embed_method="none"), data)
    assert abs(next(other.train()).loss - records[0].loss) > 1e-4  # the first loss tells another seed's weights apart


@pytest.mark.parametrize("settings", [
    dict(),  # the tutorial's: a plain RNN carrying its state, cos
    dict(cell="lstm", target="shifted", phase=0.5, time_steps=7),  # an LSTM carries a pair of states
    dict(cell="gru", hidden_mode="reset", target="noisy", noise=0.2, hidden_size=8, lr=0.01, seed=4),
], ids=["tutorial", "lstm-shifted", "gru-reset-noisy"])
def test_a_regression_script_reproduces_cores_run(settings, tmp_path):
    spec, config, text = exported("rnn-regression", steps=20, **settings)
    lines = run_script(text, tmp_path, "--print-losses")

    records = list(regression_run(spec, config).train())
    assert_same_losses(losses_of(lines), [r.loss for r in records])
    assert re.fullmatch(r"last-10 loss \S+", lines[-1])
    assert float(lines[-1].split()[-1]) == pytest.approx(last_loss(records), rel=1e-3)

    other = regression_run(spec, config.replace(steps=1, seed=config.seed + 1))
    assert abs(next(other.train()).loss - records[0].loss) > 1e-4  # the first loss tells another seed's weights apart


def test_the_default_output_is_a_readable_progress_report(idx_root, tmp_path):
    _, _, text = exported("cnn", epochs=2, eval_every=5, test_size=50)
    lines = run_script(text, tmp_path, "--data", str(idx_root), "--max-steps", "12")
    assert lines[0] == "CNN on MNIST: 400 training and 100 test images, cpu, " + lines[0].split(", ")[-1]
    assert [int(m[1]) for m in map(TESTED.fullmatch, lines[1:-1]) if m] == [1, 5, 10, 12]
    assert len(lines) == 6 and not any(map(LOSS.fullmatch, lines))


def test_a_script_names_the_dataset_it_expects():
    _, _, fashion = exported("cnn", dataset="fashion-mnist")
    assert "datasets.FashionMNIST(" in fashion and "FashionMNIST/raw" in fashion and "dataset=fashion-mnist" in fashion
    assert "datasets.MNIST(" in exported("cnn")[2]
    spec, config = presets.CNN.split({})
    with pytest.raises(ValueError, match="digits"):
        export.script(spec, config, "digits")  # the bundled digits come from scikit-learn, not torchvision
    with pytest.raises(ValueError):
        export.script(spec, presets.RNN_REGRESSION.config)


def test_file_names():
    spec, config = presets.RNN_CLASSIFIER.split({"seed": 7})
    assert export.file_name(spec, config, "fashion-mnist") == "rnn_classifier_fashion_mnist_seed7.py"
    assert export.file_name(*presets.RNN_REGRESSION.split({})) == "rnn_regression_seed1.py"


def test_the_command_line_writes_the_pages_script():
    done = subprocess.run([sys.executable, "-m", "core.export", "cnn", "lr=0.003", "seed=7"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "LR = 0.003" in done.stdout and "SEED = 7" in done.stdout
    assert done.stdout == export.script(*presets.CNN.split({"lr": 0.003, "seed": 7}))


@pytest.mark.parametrize("argv", [
    ["cnn", "momentum=0.9"], ["cnn", "lr=100"], ["cnn", "lr=fast"], ["cnn", "seed=1.5"], ["cnn", "lr"],
    ["cnn", "blocks=16c4-p"], ["rnn-regression", "target=sawtooth"], ["rnn-regression", "dataset=mnist"],
    ["cnn", "dataset=digits"], ["lstm"], [],
], ids=str)
def test_a_bad_command_line_says_why_in_one_line_and_exits_2(argv, capsys):
    assert export.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
