"""bench/server_profile.py sorts py-spy's stacks by the kind of work, the most specific kind first: an evaluation
inside a training step's generator is an evaluation, a t-SNE frame inside an evaluation is t-SNE."""

from bench.server_profile import OTHER, ServerProfile, kind_of

EVALUATE = "evaluate (/app/core/training.py:276)"
TRAIN = "_bootstrap (threading.py:1002);_work (/app/core/scheduler.py:200);train_classifier (/app/core/training.py:180)"


def test_each_stack_is_the_most_specific_kind_it_names():
    assert kind_of(f"{TRAIN};backward (torch/_tensor.py:625)") == "training steps"
    assert kind_of(f"{TRAIN};{EVALUATE};forward (torch/nn/modules/conv.py:1)") == "evaluations"
    assert kind_of(f"{TRAIN};{EVALUATE};project (/app/core/embedding.py:14)") == "t-SNE frames"
    assert kind_of("_run_script (streamlit/runtime/scriptrunner/script_runner.py:1);<module> (/app/app.py:3)") \
        == "pages (scripts, charts, messages)"
    assert kind_of("_bootstrap (threading.py:1002);_turns (/app/core/scheduler.py:150)") == OTHER


def test_samples_are_counted_by_kind_from_pyspys_raw_lines(tmp_path):
    output = tmp_path / "stacks.txt"
    output.write_text(f"{TRAIN};step (torch/optim/adam.py:1) 30\n{TRAIN};{EVALUATE} 10\n")
    profile = ServerProfile(None, output)
    assert profile.shares() == {"training steps": 30, "evaluations": 10}
    assert profile.summary().startswith("t-SNE frames 0 %, evaluations 25 %, training steps 75 %")


def test_without_samples_it_says_why(tmp_path):
    assert ServerProfile(None, tmp_path / "none.txt", "py-spy is not installed").summary() == \
        "not measured: py-spy is not installed"
