"""AppTest: the RNN regression page before training, a training run, and the carry-vs-reset run."""

import json

from tests.conftest import open_page, train

PAGE = "app_pages/rnn_regression.py"


def charts(at) -> dict[str, dict]:
    """{title: spec} of every Plotly chart on the page."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def trace_names(spec: dict) -> list[str]:
    return [trace["name"] for trace in spec["data"]]


def test_page_shows_input_and_target_before_training(app_env):
    at = open_page(PAGE)
    assert not at.exception
    assert list(charts(at)) == ["Input sin(t) and target over [0, 2π]"]
    assert trace_names(charts(at)["Input sin(t) and target over [0, 2π]"]) == ["target", "input sin(t)"]
    assert at.button(key="rnn_regression.btn.stop").disabled
    assert at.button(key="rnn_regression.compare.btn.continue").disabled


def test_training_draws_prediction_loss_hidden_state_and_free_run(app_env):
    at = open_page(PAGE)
    train(at, "rnn_regression")
    assert not at.exception
    titles = charts(at)
    live = titles["Prediction (blue) and target (red), window after window · step 12"]
    assert trace_names(live) == ["target", "prediction"] and len(live["layout"]["shapes"]) == 1  # newest window
    order = list(titles)
    assert order.index(live["layout"]["title"]["text"]) < order.index("Training loss") < order.index(
        "Hidden units over time")  # the seed's animation on top, loss and hidden state below
    assert any(title.startswith("Free-running test on t from 12π to 16π") for title in titles)
    session = at.session_state["rnn_regression.run"]
    assert len(session.records) == 12  # LIVELAB_MAX_STEPS
    assert session.config.lr == 0.02 and session.config.hidden_mode == "carry"
    assert [s.value for s in at.success] == ["Training finished."]


def test_comparison_trains_carry_and_reset_side_by_side(app_env):
    at = open_page(PAGE)
    train(at, "rnn_regression.compare")
    assert not at.exception
    titles = charts(at)
    assert trace_names(titles["Loss per step: carry vs reset"]) == ["carry (detached)", "reset to zeros"]
    assert any(title.startswith("Carried state · last 10 steps' loss") for title in titles)
    assert any(title.startswith("Reset state · last 10 steps' loss") for title in titles)
    history = at.session_state["rnn_regression.compare.run"].records
    assert [r.mode for r in history].count("reset") == 12 and len(history) == 24
    assert "rnn_regression.run" not in at.session_state  # the comparison is a run of its own


def test_settings_reach_the_run(app_env):
    at = open_page(PAGE)
    at.selectbox(key="widget.rnn_regression.cell").set_value("gru")
    at.selectbox(key="widget.rnn_regression.hidden_mode").set_value("reset")
    at.selectbox(key="widget.rnn_regression.target").set_value("half")
    train(at, "rnn_regression")
    assert not at.exception
    session = at.session_state["rnn_regression.run"]
    assert session.model.cell == "gru" and session.config.hidden_mode == "reset" and session.config.target == "half"
    at.button(key="rnn_regression.btn.reset").click().run()
    assert not at.exception and "rnn_regression.run" not in at.session_state


def test_chinese_page_has_every_text(app_env):
    at = open_page(PAGE, lang="zh")
    train(at, "rnn_regression")
    assert not at.exception
    texts = [*charts(at), *(e.value for e in at.markdown), *(e.value for e in at.caption), at.title[0].value]
    assert not [text for text in texts if "[rnn_regression." in text]
    assert "输入 sin(t) 和目标，区间 [0, 2π]" in charts(at)


def test_the_comparison_draws_while_carry_and_reset_are_still_identical(app_env):
    """Before the two networks part ways their charts are identical; each has its own key, so Streamlit
    does not refuse the second as a duplicate element (StreamlitDuplicateElementId)."""
    from streamlit.testing.v1 import AppTest

    def page():
        import itertools

        from core.models import RegressorSpec
        from core.regression import RegressionConfig
        from core.run import mode_comparison_run
        from ui.regression_view import draw_comparison

        records = list(itertools.islice(mode_comparison_run(RegressorSpec(), RegressionConfig()).train(), 2))
        carry, reset = records
        assert (carry.prediction == reset.prediction).all() and carry.loss == reset.loss  # identical so far
        draw_comparison(records, training=False)

    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    assert not at.exception
    ids = [chart.proto.id for chart in at.get("plotly_chart")]
    assert [i.rsplit("-", 1)[1] for i in ids] == ["rnn_regression.compare.loss", "rnn_regression.compare.carry",
                                                  "rnn_regression.compare.reset"]  # each chart's own key
