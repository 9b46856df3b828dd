"""The CNN page's network editor, in the sidebar with the other settings: a few controls per conv block
and per hidden layer, buttons to add and remove them and to go back to the tutorial's network, and, as
the student edits, the network's shape table (each layer's output and parameters, the total), a diagram
of its blocks, or the reason it cannot be trained, naming the layer.

The network is two text settings in the link grammar of core/network_spec.py (`blocks` and `fc`), so a
share link, a kept run, a weights file and another tab carry it like any other setting. Each is kept, as
text, under its control's widget key; a layer's controls are drawn from that text whenever it changed
elsewhere, and write it back as the student changes them."""

from __future__ import annotations

from dataclasses import fields, replace

import streamlit as st

from core.models import CNNSpec
from core.network_spec import (
    ACTIVATIONS,
    BLOCK_COUNT,
    BLOCK_KERNELS,
    HIDDEN_COUNT,
    POOLINGS,
    TUTORIAL,
    ConvBlock,
    Hidden,
    Network,
    NetworkError,
    Problem,
    check,
    format_blocks,
    format_hidden,
    parse_blocks,
    parse_hidden,
    shape_table,
)
from ui.chain_diagram import chain_svg
from ui.controls import widget_of
from ui.i18n import labeller, t
from ui.markdown_table import markdown_table

KINDS = {"blocks": (ConvBlock, parse_blocks, format_blocks, BLOCK_COUNT[1], ConvBlock(32, 5, pool="max")),
         "fc": (Hidden, parse_hidden, format_hidden, HIDDEN_COUNT[1], Hidden(64))}  # setting -> its layers' facts


def read_blocks(text: str) -> str:
    """A link's `blocks`, checked on its own (its values and shapes: the size and cost limits depend on `fc` too,
    and the page checks them on the whole network) and written the grammar's one way; NetworkError otherwise."""
    blocks = parse_blocks(text)
    _refuse(check(Network(blocks)))
    return format_blocks(blocks)


def read_hidden(text: str) -> str:
    """A link's `fc`, checked on its own (each width and rate in range, at most two layers), as `read_blocks`."""
    hidden = parse_hidden(text)
    _refuse(check(Network(TUTORIAL.blocks, hidden)))
    return format_hidden(hidden)


def _refuse(problem: Problem | None) -> None:
    if problem is not None and problem.reason not in ("parameters", "cost"):  # those depend on the whole network
        raise NetworkError(problem)


def draw_blocks(page: str, widget: str) -> None:
    """Control.draw of the `blocks` setting: the conv blocks' controls."""
    st.sidebar.markdown(f"**{t('network.title')}**")
    _layers(page, widget, "blocks")


def draw_hidden(page: str, widget: str) -> None:
    """Control.draw of the `fc` setting: the hidden layers' controls, then the whole network as it stands."""
    _layers(page, widget, "fc")
    blocks_widget = widget_of(f"{page}.setting.blocks")
    st.sidebar.button(t("network.tutorial"), key=f"{widget}.tutorial", icon="🔄", width="stretch",
                      on_click=_set, args=({blocks_widget: TUTORIAL.links[0], widget: TUTORIAL.links[1]},))
    show_network(st.session_state[blocks_widget], st.session_state[widget], st.sidebar)


def show_network(blocks: str, fc: str, where) -> None:
    """The network's shape table and diagram in `where`, or why it cannot be trained."""
    problem = refusal(blocks, fc)
    if problem is not None:
        where.error(problem, icon="🚫")
        return
    network = Network(parse_blocks(blocks), parse_hidden(fc))
    rows = shape_table(network)
    where.markdown(markdown_table(  # a small static table: it reads on a phone without scrolling sideways
        [t("network.col_layer"), t("network.col_output"), t("network.col_parameters")],
        ([_row_name(row.layer, row.index), _dims(row.shape), f"{row.parameters:,}"] for row in rows), right=[2]))
    where.caption(t("network.total", n=f"{sum(row.parameters for row in rows):,}"))
    where.image(chain_svg(diagram(network, rows)), alt=t("network.diagram_alt"))


def refusal(blocks: str, fc: str) -> str | None:
    """Why the network cannot be trained, in the page's language, or None."""
    try:
        network = Network(parse_blocks(blocks), parse_hidden(fc))
        problem = check(network)
    except NetworkError as error:
        problem = error.problem
    return None if problem is None else message(problem)


def message(problem: Problem) -> str:
    values = {name: f"{value:,}" if isinstance(value, int) else value for name, value in problem.values.items()}
    layer = t(f"network.layer.{problem.layer}", n=problem.index) if problem.layer else ""
    return t(f"network.problems.{problem.reason}", layer=layer, **values)


def features_name(spec: CNNSpec) -> str:
    """Which layer the t-SNE / PCA draws, in words: 'hidden layer 2' or 'block 3'."""
    return _row_name(*spec.network.features_layer())


def diagram(network: Network, rows) -> list[tuple[str, str]]:
    """The blocks and layers, top to bottom, each as what it does and the shape of what comes out."""
    boxes = [(t("network.layer.input"), _dims(rows[0].shape))]
    for row, block in zip(rows[1:], network.blocks, strict=False):
        parts = [t("network.diagram_conv", n=block.channels, k=block.kernel),
                 *([t("network.batch_norm")] if block.batch_norm else []),
                 labeller("network.options.activation")(block.activation),
                 *([labeller("network.options.pool")(block.pool)] if block.pool != "none" else []),
                 *([_dropout(block.dropout)] if block.dropout else [])]
        boxes.append((f"{_row_name('block', row.index)}: {', '.join(parts)}", _dims(row.shape)))
    for row, layer in zip(rows[1 + len(network.blocks):], network.hidden, strict=False):
        parts = [labeller("network.options.activation")(layer.activation),
                 *([_dropout(layer.dropout)] if layer.dropout else [])]
        boxes.append((f"{_row_name('hidden', row.index)}: {', '.join(parts)}", _dims(row.shape)))
    boxes.append((t("network.layer.classifier"), _dims(rows[-1].shape)))
    return boxes


def _dropout(rate: float) -> str:
    return f"{t('network.dropout')} {rate:g}"


def _row_name(layer: str, index: int) -> str:
    return t(f"network.layer.{layer}", n=index)


def _dims(shape: tuple[int, ...]) -> str:
    return " × ".join(map(str, shape))


def _layers(page: str, widget: str, setting: str) -> None:
    """The controls of one list of layers; their values, written in the grammar, go back under `widget`."""
    kind, parse, write, most, added = KINDS[setting]
    text, drawn = st.session_state[widget], f"{widget}.drawn"
    try:
        layers = parse(text)
    except NetworkError:  # cannot happen for a value that came through Control.parse; the tutorial's then
        layers = parse(TUTORIAL.links[setting == "fc"])
    # drawn anew when the text changed elsewhere (a link, a kept run, another tab, a button), or when Streamlit
    # dropped the controls' values (they were not drawn: the student was on another page)
    if st.session_state.get(drawn) != text or (layers and f"{widget}.1.activation" not in st.session_state):
        for index, layer in enumerate(layers, 1):
            for field in fields(kind):
                st.session_state[f"{widget}.{index}.{field.name}"] = getattr(layer, field.name)
    fewest = BLOCK_COUNT[0] if setting == "blocks" else HIDDEN_COUNT[0]
    edited = [_layer(widget, setting, index, layer, removable=len(layers) > fewest)
              for index, layer in enumerate(layers, 1)]
    label = "network.add_block" if setting == "blocks" else "network.add_hidden"
    st.sidebar.button(t(label), key=f"{widget}.add", icon="➕", disabled=len(layers) >= most, width="stretch",
                      on_click=_set, args=({widget: write((*edited, added))},))
    st.session_state[widget] = st.session_state[drawn] = write(tuple(edited))


def _layer(widget: str, setting: str, index: int, layer: ConvBlock | Hidden, removable: bool) -> ConvBlock | Hidden:
    """One layer's controls, folded under its name (a phone stacks them: a list of names reads better, and the
    shape table and diagram below show the whole network), with a remove button; the layer they describe."""
    block = isinstance(layer, ConvBlock)
    name = _row_name("block" if block else "hidden", index)
    box = st.sidebar.expander(name[:1].upper() + name[1:])  # a label that stays: an edit leaves it open
    key = f"{widget}.{index}"
    left, right = box.columns(2)
    if block:
        left.number_input(t("network.channels"), 0, 256, step=4, key=f"{key}.channels")
        right.selectbox(t("network.kernel"), BLOCK_KERNELS, key=f"{key}.kernel", format_func=lambda k: f"{k}×{k}")
        left.selectbox(t("network.activation"), ACTIVATIONS, key=f"{key}.activation",
                       format_func=labeller("network.options.activation"))
        right.selectbox(t("network.pool"), POOLINGS, key=f"{key}.pool", format_func=labeller("network.options.pool"))
        left.checkbox(t("network.batch_norm"), key=f"{key}.batch_norm")
        right.checkbox(t("network.pad"), key=f"{key}.pad", help=t("network.pad_help"))
    else:
        left.number_input(t("network.width"), 0, 2048, step=16, key=f"{key}.width")
        right.selectbox(t("network.activation"), ACTIVATIONS, key=f"{key}.activation",
                        format_func=labeller("network.options.activation"))
    box.slider(t("network.dropout"), 0.0, 0.9, step=0.05, key=f"{key}.dropout")
    box.button(t("network.remove"), key=f"{key}.remove", icon="🗑️", on_click=_remove, args=(widget, setting, index),
               disabled=not removable, width="stretch")
    values = {field.name: st.session_state[f"{key}.{field.name}"] for field in fields(type(layer))}
    return replace(layer, **values)


def _remove(widget: str, setting: str, index: int) -> None:
    """Callback: the layer at `index` (1-based) leaves the list kept under `widget`."""
    _, parse, write, _, _ = KINDS[setting]
    layers = list(parse(st.session_state[widget]))
    del layers[index - 1]
    st.session_state[widget] = write(tuple(layers))


def _set(values: dict[str, str]) -> None:
    """Callback: settings' texts under their widget keys (the editor redraws its controls from them)."""
    for widget, text in values.items():
        st.session_state[widget] = text
