"""AppTest: the RNN classifier page: training, comparing cells, the reading view, gradient flow."""

import json

from core.training import whole_test_accuracy
from tests.conftest import markdown_tables, open_page, train, write_idx
from tests.test_app_share import open_link

PAGE = "app_pages/rnn_classifier.py"


def chart_titles(at):
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]


def chart(at, title_start):
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"]["title"]["text"].startswith(title_start):
            return spec
    raise AssertionError(f"no chart titled {title_start!r} in {chart_titles(at)}")


def test_page_renders_before_training(app_env):
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value.startswith("RNN")
    (layers,) = markdown_tables(at.main)
    assert [row[1] for row in layers[1:]] == ["LSTM", "Linear"]
    assert at.button(key="rnn_classifier.btn.stop").disabled
    assert at.selectbox(key="widget.rnn_classifier.cell").value == "lstm"
    assert at.select_slider(key="widget.rnn_classifier.lr").value == 0.01  # the seed's
    assert at.selectbox(key="widget.rnn_classifier.lr_schedule").value == "linear"  # the page's one change
    # No training charts yet, but the gradient flow of freshly initialised networks is there.
    assert not any(title.startswith(("Training loss", "Row ")) for title in chart_titles(at))
    assert len(chart(at, "Gradient of the loss")["data"]) == 3


def test_short_training_run_draws_the_charts_and_the_reading_view(app_env):
    at = open_page(PAGE)
    train(at, "rnn_classifier")
    assert not at.exception
    assert [s.value for s in at.success] == ["Training finished."]
    assert len(at.session_state["rnn_classifier.run"].records) == 12  # LIVELAB_MAX_STEPS
    titles = chart_titles(at)
    for start in ("Training loss", "Test accuracy", "Last hidden layer, t-SNE", "Confusion matrix",
                  "Row 28 being read", "Class probabilities after each row", "Hidden state after each row"):
        assert any(title.startswith(start) for title in titles), (start, titles)
    assert chart(at, "Class probabilities")["data"][0]["z"]["shape"] == "28, 10"
    assert chart(at, "Hidden state")["data"][0]["z"]["shape"] == "28, 64"  # the page's default hidden size (the seed's)

    at.slider(key="rnn_classifier.reading.row").set_value(5).run()
    assert not at.exception
    assert any(title == "Row 5 being read" for title in chart_titles(at))
    assert any("After row 5 of 28" in md.value for md in at.markdown)


def test_next_misclassified_jumps_to_a_wrong_prediction(app_env):
    at = open_page(PAGE)
    train(at, "rnn_classifier")
    at.button(key="rnn_classifier.reading.next").click().run()
    assert not at.exception
    index = at.number_input(key="rnn_classifier.reading.index").value
    assert index > 0  # after 12 steps most digits are still wrong, but the jump goes past image 0
    verdict = next(md.value for md in at.markdown if "After row" in md.value)
    final, true = verdict.split("it says **")[1][0], verdict.split("true class is **")[1][0]
    assert final != true


def test_short_comparison_run_trains_all_three_cells(app_env):
    at = open_page(PAGE)
    train(at, "rnn_classifier.compare")
    assert not at.exception
    session = at.session_state["rnn_classifier.compare.run"]
    cells = [tagged.cell for tagged in session.records]
    assert len(cells) == 36 and cells[:3] == ["rnn", "lstm", "gru"]
    loss = chart(at, "Training loss (smoothed)")
    assert [trace["name"] for trace in loss["data"]] == ["RNN (plain)", "LSTM", "GRU"]
    accuracy = chart(at, "Test accuracy")
    assert len(accuracy["data"]) == 3
    assert any("step 12 of 12" in bar.proto.text for bar in at.get("progress"))
    assert "comparison run (step 12)" in " ".join(c.value for c in at.caption)


def test_reading_view_asks_for_a_trained_network(app_env):
    at = open_page(PAGE)
    assert any("Train a network" in info.value for info in at.info)


def test_page_in_chinese(app_env):
    at = open_page(PAGE, lang="zh")
    assert not at.exception
    assert at.title[0].value.startswith("RNN：")
    assert "损失对输入每一行的梯度" in chart_titles(at)


def test_the_learning_rate_schedule_reaches_the_run(app_env):
    at = open_page(PAGE)
    train(at, "rnn_classifier")
    rates = [record.lr for record in at.session_state["rnn_classifier.run"].records]
    assert rates[0] == 0.01 and rates == sorted(rates, reverse=True) and rates[-1] < rates[0]

    at.selectbox(key="widget.rnn_classifier.lr_schedule").set_value("constant").run()
    train(at, "rnn_classifier")
    assert not at.exception
    assert {record.lr for record in at.session_state["rnn_classifier.run"].records} == {0.01}


def test_a_finished_run_can_be_tested_on_every_test_image(app_env):
    write_idx(app_env / "data", "MNIST", n_train=800, n_test=2100)  # more test images than the live 2000
    at = open_page(PAGE, dataset="mnist")
    train(at, "rnn_classifier")
    at.button(key="rnn_classifier.btn.whole_test").click().run()
    assert not at.exception
    session = at.session_state["rnn_classifier.run"]
    step, accuracy = session.whole_test.step, session.whole_test.accuracy
    assert step == 12 and accuracy == whole_test_accuracy(session.model, session.data)
    assert any("On all 2,100 test images" in s.value and f"**{accuracy:.2%}**" in s.value for s in at.success)


def test_a_link_to_a_bidirectional_network_trains_one_and_its_reading_view_says_it_has_read_every_row(app_env):
    at = open_link({"bidirectional": "True", "hidden_size": "16", "dataset": "digits"}, page=PAGE)
    assert at.toggle(key="widget.rnn_classifier.bidirectional").value and not at.toast
    run = train(at, "rnn_classifier")
    assert not at.exception and run.spec.bidirectional
    assert chart(at, "Hidden state")["data"][0]["z"]["shape"] == "28, 32"  # both directions' 16 units
    at.slider(key="rnn_classifier.reading.row").set_value(1).run()
    assert any("rows 1 to 28, so it has already read every row" in caption.value for caption in at.caption)
