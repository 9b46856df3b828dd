"""AppTest: the home page and the CNN page, including a short training run."""

import dataclasses
import json

import numpy as np

from tests.conftest import markdown_tables, open_page, train
from ui.classifier_view import selection_filter


def chart_titles(at):
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]


def gallery_marks(at) -> list[bool]:
    """For each picture of the prediction gallery, in order: is it marked as a mistake?"""
    import re
    (gallery,) = [html.proto.body for html in at.get("html") if "livelab-gallery" in html.proto.body]
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", gallery)
    assert gallery.count("<img src=\"data:image/png;base64,") == len(captions)
    return ["✗" in caption for caption in captions]


def test_home_page_renders(app_env):
    at = open_page()
    assert not at.exception
    assert "Live Lab" in at.title[0].value


def test_cnn_page_before_training_shows_data_and_network(app_env):
    at = open_page("app_pages/cnn.py")
    assert not at.exception
    (layers,) = markdown_tables(at.main)
    assert len(layers) == 1 + 7 and layers[1][:2] == ["conv1.0", "Conv2d"]  # a header and seven layers
    assert at.button(key="cnn.btn.stop").disabled and at.button(key="cnn.btn.continue").disabled
    assert not chart_titles(at)  # the sample is an image, and no training charts yet: Plotly is not loaded
    (sample,) = at.main.get("image")  # the sidebar has the network's diagram
    assert sample.proto.imgs[0].caption.startswith("label: ")


def test_cnn_page_trains_and_draws_every_chart(app_env):
    at = open_page("app_pages/cnn.py")
    train(at, "cnn")
    assert not at.exception
    titles = chart_titles(at)
    assert any(title.startswith("Training loss") for title in titles)
    assert any(title.startswith("Test accuracy") for title in titles)
    assert any("t-SNE" in title for title in titles)
    assert any(title.startswith("Confusion matrix") for title in titles)
    assert [s.value for s in at.success] == ["Training finished."]
    session = at.session_state["cnn.run"]
    assert len(session.records) == 12  # LIVELAB_MAX_STEPS
    marks = gallery_marks(at)
    assert len(marks) == session.config.gallery_size
    assert marks == sorted(marks, reverse=True)  # mistakes (✗) first
    evaluation = session.records[-1].evaluation
    shown = evaluation.gallery_index
    assert marks.count(True) == sum(evaluation.predicted[shown] != session.data.test_y[shown].numpy())
    assert not at.button(key="cnn.btn.reset").disabled


def test_reset_clears_the_run(app_env):
    at = open_page("app_pages/cnn.py")
    train(at, "cnn")
    at.button(key="cnn.btn.reset").click().run()
    assert not at.exception and "cnn.run" not in at.session_state
    assert not any(title.startswith("Training loss") for title in chart_titles(at))


def test_changing_a_setting_then_training_uses_it(app_env):
    at = open_page("app_pages/cnn.py")
    at.select_slider(key="widget.cnn.lr").set_value(0.003)
    at.selectbox(key="widget.cnn.embed_method").set_value("pca")
    train(at, "cnn")
    assert not at.exception
    config = at.session_state["cnn.run"].config
    assert config.lr == 0.003 and config.embed_method == "pca"
    assert any("PCA" in title for title in chart_titles(at))


def test_too_high_a_learning_rate_explains_itself(app_env, monkeypatch):
    monkeypatch.setenv("LIVELAB_MAX_STEPS", "60")
    at = open_page("app_pages/cnn.py")
    at.select_slider(key="widget.cnn.lr").set_value(1.0)
    train(at, "cnn")
    assert not at.exception
    assert at.error and "learning rate" in at.error[0].value


def test_settings_survive_a_trip_to_another_page(app_env):
    at = open_page("app_pages/cnn.py")
    at.slider(key="widget.cnn.eval_every").set_value(30).run()
    at.switch_page("app_pages/home.py").run()
    at.switch_page("app_pages/cnn.py").run()
    assert at.slider(key="widget.cnn.eval_every").value == 30


def test_whole_test_set_button_appears_once_the_run_is_over_and_tests_every_image(app_env):
    at = open_page("app_pages/cnn.py")
    at.slider(key="widget.cnn.test_size").set_value(100).run()  # the live accuracy on 100 of the 360
    train(at, "cnn")
    at.button(key="cnn.btn.whole_test").click().run()
    assert not at.exception
    step, accuracy = dataclasses.astuple(at.session_state["cnn.run"].whole_test)
    (result,) = [s.value for s in at.success if "test images" in s.value]
    assert step == 12 and f"On all 360 test images the network at step 12 is right **{accuracy:.2%}**" in result
    assert "tests the first 100" in result

    train(at, "cnn")  # a new run: the old figure no longer applies
    assert at.session_state["cnn.run"].whole_test is None
    assert not [s for s in at.success if "test images" in s.value]
    assert at.button(key="cnn.btn.whole_test").value is False  # offered again, for the new network


def test_a_diverged_run_offers_no_whole_test_set_figure(app_env, monkeypatch):
    monkeypatch.setenv("LIVELAB_MAX_STEPS", "60")
    at = open_page("app_pages/cnn.py")
    at.slider(key="widget.cnn.test_size").set_value(100)  # a subset, so a finished run would get the button
    at.select_slider(key="widget.cnn.lr").set_value(1.0)
    train(at, "cnn")
    assert at.error and "learning rate" in at.error[0].value
    assert "cnn.btn.whole_test" not in [button.key for button in at.button]  # a diverged network's score means nothing


def gallery_indices(at) -> list[int]:
    import re
    (gallery,) = [html.proto.body for html in at.get("html") if "livelab-gallery" in html.proto.body]
    return [int(i) for i in re.findall(r'data-index="(\d+)"', gallery)]


def test_the_timeline_shows_every_chart_at_the_step_chosen(app_env):
    at = open_page("app_pages/cnn.py")
    at.slider(key="widget.cnn.eval_every").set_value(10)
    at.slider(key="widget.cnn.embed_every").set_value(10)
    run = train(at, "cnn")  # 12 steps: evaluations at 1, 10 and 12, embedding frames at 10 and 12
    assert at.slider(key="cnn.timeline.step").value == 12  # follows the newest step
    at.slider(key="cnn.timeline.step").set_value(11).run()
    assert not at.exception
    titles = chart_titles(at)
    assert "Confusion matrix (step 10)" in titles and "Last hidden layer (block 2), t-SNE (step 10)" in titles
    evaluation = run.records[9].evaluation  # the last evaluation at or before step 11
    assert f"Test accuracy: {evaluation.accuracy:.1%}" in titles
    assert gallery_indices(at) == evaluation.gallery_index.tolist()
    specs = {json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)
             for c in at.get("plotly_chart")}
    loss = specs["Training loss"]
    assert loss["layout"]["shapes"][0]["x0"] == 11  # the step marked on the curve
    at.slider(key="cnn.timeline.step").set_value(5).run()
    assert "Confusion matrix (step 1)" in chart_titles(at)
    assert not any("t-SNE" in title for title in chart_titles(at))  # no frame yet at step 5


def test_a_confusion_cell_filters_the_gallery_to_that_cells_images(app_env):
    at = open_page("app_pages/cnn.py")
    run = train(at, "cnn")
    evaluation, true = run.records[-1].evaluation, run.data.test_y[:1000].numpy()
    t, p = divmod(int(np.argmax(evaluation.confusion)), len(run.data.classes))  # the fullest cell
    at.session_state["cnn.gallery_filter"] = selection_filter(
        "confusion", [{"customdata": t * 10 + p}], 10)  # what a click on that cell sets
    at.run()
    expected = [i for i in range(len(evaluation.predicted)) if true[i] == t and evaluation.predicted[i] == p]
    assert gallery_indices(at) == expected[:60] and len(expected) == evaluation.confusion[t, p]
    assert any(f"Test images: true {t}, predicted {p}" in md.value for md in at.markdown)
    at.button(key="cnn.clear_filter").click().run()
    assert gallery_indices(at) == evaluation.gallery_index.tolist()


def test_selection_events_become_gallery_filters():
    assert selection_filter("confusion", [{"customdata": 23}], 10) == ("cell", 2, 3)
    assert selection_filter("embedding", [{"customdata": 7}, {"customdata": 3}, {"customdata": 7}], 10) == (
        "points", 3, 7)
    assert selection_filter("embedding", [], 10) is None
