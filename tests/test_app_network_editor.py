"""AppTest: the CNN page's network editor. Blocks and layers added in the sidebar change the shape table
at once and are the network that trains; an impossible network is refused naming its layer instead of
training; a link carries the network, and a bad one falls back to the tutorial's with the usual notice."""

import base64

from tests.conftest import markdown_tables, open_page, train
from tests.test_app_cnn import chart_titles
from tests.test_app_share import open_link
from tests.test_chain_diagram import texts

CNN_PAGE = "app_pages/cnn.py"


def shape_table(at) -> list[list[str]]:
    """The sidebar's shape table: its rows (layer, output, parameters), the header left out."""
    (table,) = markdown_tables(at.sidebar)
    return table[1:]


def layers_shown(at) -> list[str]:
    """The sidebar's shape table: its rows' names."""
    return [row[0] for row in shape_table(at)]


def diagram_lines(at) -> list[str]:
    """The sidebar's network diagram (an SVG image): its lines of text, top to bottom."""
    (diagram,) = at.sidebar.get("image")
    url = diagram.proto.imgs[0].url
    assert url.startswith("data:image/svg+xml;base64,")
    return texts(base64.b64decode(url.split(",", 1)[1]).decode())


def test_an_added_block_shows_in_the_shape_table_trains_and_differs_from_the_tutorials(app_env):
    at = open_page(CNN_PAGE)
    at.selectbox(key="widget.cnn.embed_method").set_value("pca").run()
    assert layers_shown(at) == ["input", "block 1", "block 2", "classifier"]
    train(at, "cnn")
    at.button(key="widget.cnn.blocks.add").click().run()
    at.checkbox(key="widget.cnn.blocks.3.batch_norm").check().run()
    assert not at.exception
    assert layers_shown(at) == ["input", "block 1", "block 2", "block 3", "classifier"]
    assert shape_table(at)[3] == ["block 3", "32 × 3 × 3", "25,696"]  # 32·32·5·5 + 32, and 2·32 for the norm
    assert diagram_lines(at)[-6:] == ["block 3: 32 filters 5×5,", "Batch norm, ReLU,", "max-pool 2×2", "32 × 3 × 3",
                                      "classifier", "10"]  # the diagram follows, each title wrapped at its commas
    run = train(at, "cnn")
    assert not at.exception and len(run.records) == 12
    assert run.spec.blocks == "16c5-p,32c5-p,32c5-bn-p"
    assert "conv3" in dict(run.model.named_children())
    assert any(title.startswith("Last hidden layer (block 3), PCA") for title in chart_titles(at))

    at.session_state["cnn.history.open"] = True  # the kept tutorial's run beside this one
    at.run()
    at.toggle(key="cnn.history.diff_only").set_value(True).run()
    differences = at.dataframe[-1].value
    assert list(differences.index) == ["Conv blocks"]
    assert list(differences.loc["Conv blocks"]) == ["16c5-p,32c5-p", "16c5-p,32c5-p,32c5-bn-p"]


def test_an_impossible_network_is_refused_naming_its_layer_until_the_tutorials_comes_back(app_env):
    at = open_page(CNN_PAGE)
    at.button(key="widget.cnn.fc.add").click().run()
    at.number_input(key="widget.cnn.fc.1.width").set_value(0).run()
    assert not at.exception
    assert [error.value for error in at.main.error] == ["hidden layer 1: a width of 0; choose 1 to 2,048."]
    assert "cnn.btn.train" not in [button.key for button in at.button]
    at.button(key="widget.cnn.fc.tutorial").click().run()
    assert not at.error and "cnn.btn.train" in [button.key for button in at.button]
    assert at.session_state["cnn.setting.blocks"] == "16c5-p,32c5-p" and at.session_state["cnn.setting.fc"] == ""


def test_a_link_carries_the_network_and_a_bad_one_falls_back_with_a_notice(app_env):
    at = open_link({"blocks": "8c3-bn-p,16c3-ap", "fc": "64d0.3", "dataset": "digits"})
    assert not at.exception and not at.toast
    assert at.number_input(key="widget.cnn.blocks.1.channels").value == 8
    assert at.selectbox(key="widget.cnn.blocks.2.pool").value == "avg"
    assert at.number_input(key="widget.cnn.fc.1.width").value == 64
    assert at.slider(key="widget.cnn.fc.1.dropout").value == 0.3
    at.button(key="cnn.btn.share").click().run()
    assert "blocks=8c3-bn-p,16c3-ap&fc=64-d0.3" in at.code[0].value  # readable: commas and dashes as written

    bad = open_link({"blocks": "16c5-p,banana", "fc": "0", "dataset": "digits"})
    assert not bad.exception
    assert "blocks=16c5-p,banana" in bad.toast[0].value and "fc=0" in bad.toast[0].value
    assert layers_shown(bad) == ["input", "block 1", "block 2", "classifier"]  # the tutorial's
