"""AppTest: the playground with no trained model, after a quick run, with a drawing on the
canvas, with an uploaded photo (and with files that are not usable photos)."""

import base64
import io
import json

import numpy as np
from PIL import Image, ImageDraw

from core.models import RNNClassifierSpec
from core.run import classifier_run
from core.training import ClassifierConfig
from tests.conftest import finish, open_page, train

PAGE = "app_pages/playground.py"
CANVAS = "playground.canvas"  # the canvas's key (Clear happens in the browser; the key never changes)


def a_zero(size=280, ink=255, paper=0) -> Image.Image:
    """A ring drawn large and off-centre, like a student's 0."""
    image = Image.new("L", (size, size), paper)
    ImageDraw.Draw(image).ellipse((size // 2, size // 10, size - 10, size - 20), outline=ink, width=size // 12)
    return image


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def draw_on_canvas(at, image: Image.Image | None, seq: int = 1) -> None:
    """What the canvas component (ui/canvas.js) sends after its `seq`-th stroke or Clear: its
    picture as a PNG data URL, or None once cleared."""
    url = None if image is None else "data:image/png;base64," + base64.b64encode(png(image.convert("RGBA"))).decode()
    at.session_state[CANVAS] = {"drawing": {"png": url, "seq": seq}}
    at.run()


def canvas_data(at) -> dict:
    """What the page handed to the canvas component in its last run."""
    return json.loads(at.get("bidi_component")[0].proto.json)


def chart_titles(at):
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]


def captions(at):
    return [caption for image in at.image for caption in image.captions]


def quick_train(at):
    at.button(key="playground.quick_train").click().run()
    assert not at.exception
    assert len(finish(at, "cnn").records) == 12  # LIVELAB_MAX_STEPS


def test_without_a_model_the_page_prompts_and_offers_a_quick_run(app_env):
    at = open_page(PAGE)
    assert not at.exception
    infos = [info.value for info in at.info]
    assert any("Draw a digit" in text for text in infos)
    assert any("No network has been trained" in text for text in infos)
    assert not at.get("plotly_chart")


def test_quick_run_trains_a_cnn_that_the_cnn_page_shows(app_env):
    at = open_page(PAGE)
    quick_train(at)
    assert at.session_state["cnn.run"].job.status == "finished"
    assert not any("No network has been trained" in info.value for info in at.info)
    at.switch_page("app_pages/cnn.py").run()
    assert not at.exception
    assert any(title.startswith("Training loss") for title in chart_titles(at))


def test_a_drawing_is_prepared_and_read_by_the_trained_cnn(app_env):
    at = open_page(PAGE)
    quick_train(at)
    draw_on_canvas(at, a_zero())
    assert not at.exception
    assert "28 × 28: what the networks see" in captions(at)
    assert any(markdown.value.startswith("CNN: **") for markdown in at.markdown)
    titles = chart_titles(at)
    assert "CNN: class probabilities" in titles
    assert "Conv 1: 16 feature maps (28 × 28)" in titles and "Conv 2: 32 feature maps (14 × 14)" in titles
    assert "The 16 conv 1 filters (5 × 5)" in titles
    assert any(title.startswith("Saliency: what made it") for title in titles)


def test_a_cnn_trained_on_the_cnn_page_reads_the_drawing(app_env):
    at = open_page("app_pages/cnn.py")
    train(at, "cnn")
    at.switch_page(PAGE).run()
    draw_on_canvas(at, a_zero())
    assert not at.exception
    assert any(markdown.value.startswith("CNN: **") for markdown in at.markdown)
    assert not any("No network has been trained" in info.value for info in at.info)


def test_a_students_cnn_reads_the_drawing_and_shows_every_blocks_feature_maps(app_env):
    at = open_page("app_pages/cnn.py")
    at.selectbox(key="widget.cnn.embed_method").set_value("none")
    at.button(key="widget.cnn.blocks.add").click().run()  # a third block: 32 channels, 5 x 5, max-pool
    train(at, "cnn")
    at.switch_page(PAGE).run()
    draw_on_canvas(at, a_zero())
    assert not at.exception
    titles = chart_titles(at)
    assert [title for title in titles if "feature maps" in title] == [
        "Conv 1: 16 feature maps (28 × 28)", "Conv 2: 32 feature maps (14 × 14)", "Conv 3: 32 feature maps (7 × 7)"]
    assert "CNN: class probabilities" in titles


def test_a_cleared_canvas_asks_for_a_drawing(app_env):
    at = open_page(PAGE)
    draw_on_canvas(at, a_zero())
    assert "28 × 28: what the networks see" in captions(at)
    draw_on_canvas(at, None, seq=2)  # the canvas's own Clear button
    assert not at.exception and not captions(at)
    assert any("Draw a digit" in info.value for info in at.info)


def test_the_page_tells_the_canvas_which_drawing_it_analysed(app_env):
    """The canvas sends again any drawing the page has not acknowledged (ui/canvas.js)."""
    at = open_page(PAGE)
    assert canvas_data(at)["seen"] == 0
    draw_on_canvas(at, a_zero(), seq=3)
    assert canvas_data(at)["seen"] == 3
    assert canvas_data(at)["strokeWidth"] == 22 and canvas_data(at)["clearLabel"] == "Clear"


def test_a_canvas_value_that_is_not_its_picture_is_ignored(app_env):
    at = open_page(PAGE)
    draw_on_canvas(at, a_zero(size=600))  # not the 280 x 280 canvas
    assert not at.exception and not captions(at)
    for value in ({"png": "data:image/png;base64,not base64!", "seq": 2}, {"png": 7, "seq": "2"}, "a drawing"):
        at.session_state[CANVAS] = {"drawing": value}
        at.run()
        assert not at.exception and not captions(at)


def test_an_uploaded_photo_is_read_like_a_drawing(app_env):
    at = open_page(PAGE)
    quick_train(at)
    at.radio(key="playground.source").set_value("upload").run()
    at.file_uploader(key="playground.upload").set_value(("zero.png", png(a_zero(600, ink=30, paper=230)),
                                                        "image/png")).run()
    assert not at.exception
    assert "28 × 28: what the networks see" in captions(at)
    assert any(markdown.value.startswith("CNN: **") for markdown in at.markdown)


def test_a_file_that_is_not_an_image_gets_a_message(app_env):
    at = open_page(PAGE)
    at.radio(key="playground.source").set_value("upload").run()
    at.file_uploader(key="playground.upload").set_value(("digit.png", b"not a picture at all", "image/png")).run()
    assert not at.exception
    assert at.error and "could not be read" in at.error[0].value
    at.file_uploader(key="playground.upload").set_value(("big.png", b"\x89PNG" + bytes(3 * 2**20), "image/png"))
    at.run()
    assert not at.exception
    assert at.error and "too large" in at.error[0].value


def test_a_blank_photo_is_not_a_digit(app_env):
    at = open_page(PAGE)
    at.radio(key="playground.source").set_value("upload").run()
    at.file_uploader(key="playground.upload").set_value(("blank.png", png(Image.new("L", (90, 90), 200)),
                                                        "image/png")).run()
    assert not at.exception
    assert any("No digit found" in info.value for info in at.info)


def test_the_rnn_classifier_reads_the_drawing_row_by_row(app_env, tiny_digits):
    run = classifier_run(RNNClassifierSpec(), ClassifierConfig(max_steps=3, embed_method="none"), tiny_digits)
    list(run.train())
    at = open_page(PAGE)
    at.session_state["rnn_classifier.run"] = run
    draw_on_canvas(at, a_zero())
    assert not at.exception
    assert any(markdown.value.startswith("RNN classifier: **") for markdown in at.markdown)
    assert "RNN classifier: class probabilities after each row it has read" in chart_titles(at)
    assert not any("No network has been trained" in info.value for info in at.info)


def test_the_page_speaks_chinese(app_env):
    at = open_page(PAGE, lang="zh")
    assert not at.exception
    assert at.title[0].value.startswith("✏️ 试验场")
    assert canvas_data(at)["clearLabel"] == "清空"
    assert not any(text.value.startswith("[") for text in [*at.info, *at.markdown, *at.caption])



def test_the_drawing_is_placed_among_the_cnn_runs_test_digits(app_env):
    from core.inspect_cnn import place_among
    from core.models import snapshot
    from core.preprocess import to_mnist

    at = open_page(PAGE)
    quick_train(at)
    draw_on_canvas(at, a_zero())
    assert not at.exception
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["layout"]["title"]["text"].endswith("and your digit"))
    star = spec["data"][-1]
    assert star["name"] == "your digit" and star["marker"]["symbol"] == "star"
    run = at.session_state["cnn.run"]
    frame = run.records[-1].embedding  # 12 steps: the run's only frame, at its last step
    canvas = np.asarray(a_zero().convert("RGBA"))
    expected = place_among(snapshot(run.model), to_mnist(canvas), run.data.test_x[:len(frame.labels)], frame.coords)
    assert np.allclose([star["x"][0], star["y"][0]], expected, atol=1e-5)
    draw_on_canvas(at, a_zero())  # the same drawing again: the same place
    again = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if json.loads(c.proto.spec)["layout"]["title"]["text"].endswith("and your digit"))["data"][-1]
    assert (again["x"], again["y"]) == (star["x"], star["y"])
