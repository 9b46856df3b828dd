"""AppTest: a page keeps its runs and compares them, re-opens one's settings as a link or in the
sidebar, hands out its weights and metrics, and takes weights back (the playground reads with them,
a page trains from them); a bad file gets its message and changes nothing."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pytest
import torch
import torch.nn.functional as F
from streamlit.runtime.media_file_manager import MediaFileManager

from core.base import MAX_UPLOAD_BYTES
from core.data import as_float
from core.run_history import RunHistory
from core.weights import load, to_bytes
from tests.conftest import finish, open_page, train, wait_until
from tests.test_app_languages import english_only_sentences, visible_texts
from tests.test_app_playground import a_zero, draw_on_canvas
from tests.test_app_share import open_link
from tests.test_weights import CodePayload

CNN_PAGE = "app_pages/cnn.py"


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """file name -> the bytes its download button hands the browser. Every file is handed over with
    its button: a file Streamlit made only when clicked could be swept away by other sessions' reruns
    before the browser fetched it (ui/weights_view.py), so no button may defer it."""
    made = {}
    add = MediaFileManager.add

    def record(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if is_for_static_download:
            made[file_name] = path_or_data
        return add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    def deferred(self, data_callable, mimetype, coordinates, file_name=None, **options):
        raise AssertionError(f"{file_name}: made only when clicked")

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", deferred)
    return made


def open_history(at, page: str):
    at.session_state[f"{page}.history.open"] = True  # what a click on the expander does
    at.run()
    assert not at.exception
    return at


def charts(at) -> dict[str, list[str]]:
    """Chart title -> the names of its lines."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: [trace.get("name") for trace in spec["data"]] for spec in specs}


def highlighted_rows(table_element) -> list[str]:
    """The settings table's highlighted rows, by their labels (the Styler's CSS names cells by row)."""
    styles = table_element.proto.arrow_data.styler.styles
    rows = sorted({int(row) for row in re.findall(r"_row(\d+)_col\d+", styles)})
    return [table_element.value.index[row] for row in rows]


def quick_cnn_page():
    """The CNN page without t-SNE frames (the slowest part of a short run, and not what is tested here)."""
    at = open_page(CNN_PAGE)
    at.selectbox(key="widget.cnn.embed_method").set_value("none")
    return at


def two_cnn_runs(lr_second: float = 0.003):
    at = quick_cnn_page()
    train(at, "cnn")
    at.select_slider(key="widget.cnn.lr").set_value(lr_second)
    train(at, "cnn")
    return open_history(at, "cnn")


def test_two_runs_are_compared_and_the_setting_that_differs_is_highlighted(app_env):
    at = two_cnn_runs()
    assert at.get("pills")[0].proto.options and len(at.get("pills")[0].proto.options) == 2
    drawn = charts(at)
    assert drawn["Loss of the runs (smoothed)"] == ["#1", "#2 (now)"]
    assert drawn["Test accuracy of the runs"] == ["#1", "#2 (now)"]
    results, settings = at.dataframe[-2].value, at.dataframe[-1].value
    assert list(results["Run"]) == ["#1", "#2 (now)"] and list(results["Steps"]) == ["12 / 12", "12 / 12"]
    assert list(settings.columns) == ["#1", "#2 (now)"]
    assert list(settings.loc["Learning rate"]) == ["0.001", "0.003"]
    assert highlighted_rows(at.dataframe[-1]) == ["Learning rate"]

    at.toggle(key="cnn.history.diff_only").set_value(True).run()
    only = at.dataframe[-1].value
    assert list(only.index) == ["Learning rate"] and list(only.loc["Learning rate"]) == ["0.001", "0.003"]


def test_a_kept_run_reopens_as_a_link_and_goes_back_into_the_sidebar(app_env):
    at = two_cnn_runs()
    assert "lr=0.003" in at.code[-1].value  # the current run is chosen first
    at.selectbox(key="cnn.history.one.1-2").set_value(1).run()
    link = at.code[-1].value
    assert "lr=0.001" in link and "dataset=digits" in link and "seed=1" in link

    at.button(key="cnn.history.restore").click().run()
    assert not at.exception
    assert at.select_slider(key="widget.cnn.lr").value == 0.001
    assert any("Run #1's settings are in the sidebar" in s.value for s in at.success)

    query = dict(pair.split("=", 1) for pair in link.partition("?")[2].split("&"))
    opened = open_link(query)
    assert not opened.exception and opened.select_slider(key="widget.cnn.lr").value == 0.001


def test_the_downloads_give_a_weights_file_that_loads_and_the_metrics(app_env, downloads):
    at = two_cnn_runs()
    current = at.session_state["cnn.run"]
    weights = load(downloads["livelab-cnn-run2.pt"], networks=("cnn",))
    images = current.data.test_x[:32].float() / 255
    with torch.inference_mode():
        assert torch.equal(weights.build()(images)[0], current.model.eval()(images)[0])
    table = list(csv.DictReader(io.StringIO(downloads["livelab-cnn-run2-metrics.csv"].decode())))
    assert len(table) == 12 and [row["step"] for row in table][-1] == "12"
    assert float(table[0]["loss"]) == pytest.approx(current.records[0].loss, rel=1e-5)

    at.selectbox(key="cnn.history.one.1-2").set_value(1).run()  # a kept run: its weights were kept
    kept = load(downloads["livelab-cnn-run1.pt"], networks=("cnn",))
    assert kept.config["lr"] == 0.001 and kept.steps == 12


def test_no_weights_download_while_the_run_still_trains(app_env, monkeypatch):
    monkeypatch.setenv("LIVELAB_MAX_STEPS", "100000")
    at = open_page(CNN_PAGE)
    at.slider(key="widget.cnn.epochs").set_value(10)  # thousands of steps: still training when checked
    at.button(key="cnn.btn.train").click().run()
    wait_until(lambda: at.session_state["cnn.run"].records)
    open_history(at, "cnn")
    buttons = {button.proto.label: button.proto for button in at.get("download_button")}
    assert buttons["Download weights (.pt)"].disabled and not buttons["Download metrics (.csv)"].disabled
    at.button(key="cnn.btn.stop").click().run()
    assert not {b.proto.label: b.proto for b in at.get("download_button")}["Download weights (.pt)"].disabled


def test_the_playground_reads_a_digit_with_uploaded_weights(app_env, downloads):
    two_cnn_runs()
    data = downloads["livelab-cnn-run2.pt"]
    at = open_page("app_pages/playground.py")  # another session: nothing trained in it
    at.file_uploader(key="playground.weights").set_value(("mine.pt", data, "application/octet-stream")).run()
    assert not at.exception and any("mine.pt" in s.value for s in at.success)
    draw_on_canvas(at, a_zero())
    assert not at.exception
    assert any(markdown.value.startswith("CNN from mine.pt: **") for markdown in at.markdown)
    assert "CNN from mine.pt: class probabilities" in charts(at)
    assert "Conv 1: 16 feature maps (28 × 28)" in charts(at)  # inside the uploaded CNN


def bad_files(good: bytes, tmp_path) -> dict[str, tuple[bytes, str]]:
    """name -> (file, what the message says)."""
    payload, bare = io.BytesIO(), io.BytesIO()
    torch.save({"format": "livelab-weights", "weights": CodePayload(str(tmp_path / "ran"))}, payload)
    torch.save({"conv1.0.weight": torch.zeros(16, 1, 5, 5)}, bare)  # a state_dict alone
    return {
        "code.pt": (payload.getvalue(), "never runs code"),
        "cut.pt": (good[: len(good) // 2], "cut short"),
        "empty.pt": (b"", "empty"),
        "huge.pt": (b"\0" * (MAX_UPLOAD_BYTES + 1), "upload limit"),
        "bare.pt": (bare.getvalue(), "not a Live Lab weights file"),
    }


def test_a_bad_file_gets_its_message_and_changes_nothing(app_env, downloads, tmp_path):
    at = two_cnn_runs()
    good = downloads["livelab-cnn-run2.pt"]
    run, kept = at.session_state["cnn.run"], at.session_state["cnn.history"].runs
    files = bad_files(good, tmp_path)
    with_eight = quick_cnn_page()  # a 16-channel file whose tensors have 8 channels
    with_eight.number_input(key="widget.cnn.blocks.1.channels").set_value(8)
    train(with_eight, "cnn")
    eight = with_eight.session_state["cnn.run"].trained_weights()
    sixteen = load(good, ("cnn",))
    files["resized.pt"] = (to_bytes(dataclasses.replace(eight, spec=sixteen.spec)), "8 × 1 × 5 × 5 in the file")
    for name, (data, message) in files.items():
        at.file_uploader(key="cnn.weights_upload").set_value((name, data, "application/octet-stream")).run()
        assert not at.exception, name
        assert any(message in error.value for error in at.error), (name, [e.value for e in at.error])
        assert "cnn.btn.train_from_file" not in [button.key for button in at.button], name
        assert at.session_state["cnn.run"] is run, name
        assert [id(k) for k in at.session_state["cnn.history"].runs] == [id(k) for k in kept], name
        assert at.number_input(key="widget.cnn.blocks.1.channels").value == 16, name
    assert not (tmp_path / "ran").exists()

    playground = open_page("app_pages/playground.py")
    playground.file_uploader(key="playground.weights").set_value(("code.pt", files["code.pt"][0], "")).run()
    draw_on_canvas(playground, a_zero())
    assert not playground.exception and any("never runs code" in error.value for error in playground.error)
    assert not any("from code.pt" in markdown.value for markdown in playground.markdown)


def test_cnn_weights_are_refused_on_the_rnn_page(app_env, downloads):
    two_cnn_runs()
    at = open_history(open_page("app_pages/rnn_classifier.py"), "rnn_classifier")
    at.file_uploader(key="rnn_classifier.weights_upload").set_value(
        ("cnn.pt", downloads["livelab-cnn-run2.pt"], "")).run()
    assert not at.exception
    assert [error.value for error in at.error] == ["This file holds CNN weights; this page takes RNN classifier "
                                                   "weights."]
    assert "rnn_classifier.run" not in at.session_state


def test_a_page_trains_a_new_run_from_an_uploaded_file(app_env, downloads):
    at = quick_cnn_page()
    at.number_input(key="widget.cnn.blocks.1.channels").set_value(8)
    train(at, "cnn")
    open_history(at, "cnn")
    file = load(downloads["livelab-cnn-run1.pt"], ("cnn",))

    fresh = open_history(open_page(CNN_PAGE), "cnn")  # another session, its sidebar at 16 channels
    fresh.select_slider(key="widget.cnn.lr").set_value(0.003)
    fresh.file_uploader(key="cnn.weights_upload").set_value(("eight.pt", downloads["livelab-cnn-run1.pt"], ""))
    fresh.run()
    assert any("eight.pt" in s.value and "Conv blocks 8c5-p,32c5-p" in s.value for s in fresh.success)
    fresh.button(key="cnn.btn.train_from_file").click().run()
    run = finish(fresh, "cnn")
    assert not fresh.exception
    assert fresh.number_input(key="widget.cnn.blocks.1.channels").value == 8  # the file's shape, now in the sidebar
    assert run.spec.blocks == "8c5-p,32c5-p" and run.config.lr == 0.003  # the sidebar's training settings
    assert run.weights_from == "eight.pt"
    assert any("started from the weights in **eight.pt**" in caption.value for caption in fresh.caption)
    assert list(fresh.dataframe[-1].value.loc["Starting weights"]) == ["eight.pt"]
    assert any("the link starts from the seed instead" in caption.value for caption in fresh.caption)
    # its first step's loss is the file's network's loss on the first batch: it started from those weights
    data, config = run.data, run.config
    first = torch.randperm(len(data.train_y), generator=torch.Generator().manual_seed(config.seed))[:config.batch_size]

    def first_loss(model) -> float:
        with torch.inference_mode():
            logits = model.eval()(as_float(data.train_x[first], torch.device("cpu")))[0]
            return F.cross_entropy(logits, data.train_y[first]).item()

    assert run.records[0].loss == pytest.approx(first_loss(file.build()), rel=1e-5)
    assert run.records[0].loss != pytest.approx(first_loss(run.spec.build(config.seed)), rel=1e-3)


def test_the_oldest_run_goes_with_a_notice(app_env):
    at = quick_cnn_page()
    at.session_state["cnn.history"] = RunHistory(limit=2)
    toasts = []
    for _ in range(4):  # the 4th replaces the 3rd: three kept would be one too many
        at.button(key="cnn.btn.train").click().run()
        toasts.append([toast.value for toast in at.toast])
        finish(at, "cnn")
    assert toasts == [[], [], [], [
        "Run #1 was dropped: this page keeps the last 2 runs. Download a run's weights to keep it for good."]]
    assert [kept.number for kept in at.session_state["cnn.history"].runs] == [2, 3]


@pytest.mark.parametrize(("page", "key", "value", "chart", "label"), [
    ("app_pages/rnn_classifier.py", "rnn_classifier", 32, "Test accuracy of the runs", "Hidden size"),
    ("app_pages/rnn_regression.py", "rnn_regression", 16, "Loss of the runs (smoothed)", "Hidden units"),
], ids=["rnn_classifier", "rnn_regression"])
def test_the_rnn_pages_keep_and_compare_their_runs(app_env, page, key, value, chart, label):
    at = open_page(page)
    train(at, key)
    widget = at.slider if key == "rnn_classifier" else at.select_slider
    widget(key=f"widget.{key}.hidden_size").set_value(value)
    train(at, key)
    open_history(at, key)
    assert charts(at)[chart] == ["#1", "#2 (now)"]
    assert highlighted_rows(at.dataframe[-1]) == [label]


def test_the_runs_section_speaks_chinese(app_env):
    at = open_page(CNN_PAGE, lang="zh")
    train(at, "cnn")
    open_history(at, "cnn")
    texts = visible_texts(at) + [str(column) for table in at.dataframe for column in table.value.columns]
    assert any("训练记录" in text for text in texts)
    assert [text for text in texts if re.search(r"\[[a-z_]+\.[a-z_.\-]+\]", text)] == []
    assert [sentence for sentence in english_only_sentences() if any(sentence in text for text in texts)] == []
