"""Shareable lessons: a link's query parameters restore a page's settings exactly."""

from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT_APP, train


def open_link(query: dict[str, str], page: str = "app_pages/cnn.py") -> AppTest:
    at = AppTest.from_file(ROOT_APP, default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    return at


def test_a_link_restores_settings_language_and_dataset(app_env):
    at = open_link({"lr": "0.003", "seed": "7", "optimizer": "sgd", "blocks": "16c3-p,32c3-bn-p", "lang": "zh",
                    "dataset": "digits"})
    assert not at.exception
    assert at.select_slider(key="widget.cnn.lr").value == 0.003
    assert at.number_input(key="widget.cnn.seed").value == 7
    assert at.selectbox(key="widget.cnn.optimizer").value == "sgd"
    assert at.selectbox(key="widget.cnn.blocks.2.kernel").value == 3
    assert at.checkbox(key="widget.cnn.blocks.2.batch_norm").value
    assert at.radio(key="lang").value == "zh" and at.selectbox(key="dataset").value == "digits"
    assert not at.toast


def test_a_malformed_link_opens_with_defaults_and_a_notice(app_env):
    at = open_link({"lr": "banana", "epochs": "10000", "seed": "-3", "blocks": "16c4-p", "nonsense": "1",
                    "fc": "0", "test_size": "1e400", "embed_points": "150.5",
                    "dataset": "cifar", "lang": "klingon"})
    assert not at.exception
    assert at.select_slider(key="widget.cnn.lr").value == 0.001
    assert at.slider(key="widget.cnn.epochs").value == 1
    assert at.number_input(key="widget.cnn.seed").value == 1
    assert at.radio(key="lang").value == "en"
    notice = at.toast[0].value
    for bad in ("lr=banana", "epochs=10000", "seed=-3", "blocks=16c4-p", "nonsense=1", "fc=0",
                "test_size=1e400", "embed_points=150.5"):
        assert bad in notice


def test_shared_link_round_trips_to_the_same_curves(app_env):
    first = open_link({"dataset": "digits"})
    first.select_slider(key="widget.cnn.lr").set_value(0.003)
    first.number_input(key="widget.cnn.blocks.1.channels").set_value(8)
    first.number_input(key="widget.cnn.seed").set_value(42)
    first.run()
    first.button(key="cnn.btn.share").click().run()
    link = first.code[0].value
    query = dict(parse_qsl(link.partition("?")[2]))
    assert query["lr"] == "0.003" and query["seed"] == "42" and query["blocks"] == "8c5-p,32c5-p"

    second = open_link(query)
    for at in (first, second):
        train(at, "cnn")
    sessions = [at.session_state["cnn.run"] for at in (first, second)]
    assert sessions[0].config == sessions[1].config
    # The same curve to the last bits torch's thread count moves: a lone run trains on both threads and gives
    # one to each evaluation while it runs (README, "Threads"), so the two runs' thread counts follow timing.
    assert [r.loss for r in sessions[0].records] == pytest.approx([r.loss for r in sessions[1].records], rel=1e-5)
