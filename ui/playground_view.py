"""The playground's pieces: the canvas or upload, the preprocessing stages, and what each
classifier (trained in this session, or uploaded as a weights file) makes of the digit
(probabilities, inside the CNN, the RNN row by row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch
from torch import nn

from core import catalog, figures
from core.data import ImageData
from core.inspect_cnn import CNNView, look_inside_cnn
from core.models import CNN, RNNClassifier, snapshot
from core.preprocess import MAX_PIXELS, MAX_UPLOAD_BYTES, ImageError, Stages, decode_upload, for_display
from core.rnn_analysis import read_rows
from core.run import Run, classifier_run
from core.weights import CLASSIFIER_NETWORKS, Weights
from ui import app_sidebar, live, page_specs, session_runs
from ui.canvas import canvas
from ui.controls import current
from ui.i18n import dataset_label, t
from ui.placement_view import show_among_test_digits
from ui.weights_view import network_label, read_upload

PAGE_KEY = "playground"
CLASSIFIERS = {page_specs.CNN.key: CNN, page_specs.RNN_CLASSIFIER.key: RNNClassifier}  # page -> what it trains
QUICK_STEPS = 200  # the quick CNN run: enough for a useful CNN in well under a minute
CANVAS_SIZE = 280
STAGE_PIXELS = 140  # small stages are enlarged to about this size, so that they show their pixels


def read_digit(stroke_width: int) -> tuple[np.ndarray | None, str]:
    """The canvas or an uploaded photo, as an image array (or None), and which of the two it was."""
    source = st.radio(t("playground.source"), ("draw", "upload"), horizontal=True, key=f"{PAGE_KEY}.source",
                      format_func=lambda name: t(f"playground.{name}"))
    if source == "draw":
        st.caption(t("playground.canvas_help"))
        return canvas(f"{PAGE_KEY}.canvas", size=CANVAS_SIZE, stroke_width=stroke_width,
                      clear_label=t("playground.clear")), source
    upload = st.file_uploader(t("playground.upload_label"), type=["png", "jpg", "jpeg"], key=f"{PAGE_KEY}.upload")
    if upload is None:
        return None, source
    try:
        return decode_upload(upload.getvalue()), source
    except ImageError as error:
        st.error(t(f"playground.{error.reason}", mb=MAX_UPLOAD_BYTES // 2**20, mp=MAX_PIXELS // 10**6), icon="🖼️")
        return None, "rejected"


def show_stages(stages: Stages) -> None:
    st.markdown(f"**{t('playground.stages_title')}**", help=t("playground.stages_help"))
    shown = ((stages.ink, "stage_input"), (stages.cropped, "stage_cropped"), (stages.scaled, "stage_scaled"),
             (stages.centred, "stage_centred"))
    for column, (image, name) in zip(st.columns(len(shown)), shown, strict=True):
        column.image(for_display(image, STAGE_PIXELS), width="stretch", caption=t(f"playground.{name}"), clamp=True)


def trained_runs() -> dict[str, Run]:
    """The classifiers of this session that have done at least one training step."""
    found = {}
    for page, network_class in CLASSIFIERS.items():
        run = session_runs.get(page)
        if run is not None and isinstance(run.model, network_class) and run.records:
            found[page] = run
    return found


@dataclass(frozen=True)
class Reader:
    """A classifier the playground shows the digit to: a network trained in this session, or one
    uploaded from a weights file."""

    key: str  # its elements' keys: the page it trains on, or "upload"
    name: str  # on screen
    model: nn.Module  # a snapshot: safe to analyse while the original trains
    classes: Sequence[str]
    dataset: str | None
    training_step: int | None = None  # while it still trains: the step it has reached


def readers(trained: dict[str, Run], uploaded: tuple[Weights, str] | None) -> list[Reader]:
    """The session's trained classifiers, then the uploaded one."""
    found = [Reader(page, t(f"playground.model_{page}"), snapshot(run.model), run.data.classes, run.data.name,
                    len(run.records) if run.job.running else None) for page, run in trained.items()]
    if uploaded is not None:
        weights, name = uploaded
        found.append(Reader("upload", t("playground.model_upload", network=network_label(weights.spec.name), name=name),
                            weights.build(), weights.classes, weights.dataset))
    return found


def read_weights() -> tuple[Weights, str] | None:
    """A classifier's weights file (CNN or RNN), uploaded to ask it too."""
    st.caption(t("playground.weights_help"))
    return read_upload(f"{PAGE_KEY}.weights", CLASSIFIER_NETWORKS)


def show_prediction(reader: Reader, probs: np.ndarray) -> None:
    model, classes = reader.name, reader.classes
    top = int(probs.argmax())
    st.markdown(t("playground.prediction", model=model, label=classes[top], conf=f"{probs[top]:.0%}"))
    st.plotly_chart(figures.probability_figure(
        probs, classes, title=t("playground.probabilities_title", model=model), x_title=t("playground.probability")),
        key=f"{PAGE_KEY}.probs.{reader.key}")
    if reader.training_step is not None:
        st.caption(t("playground.still_training", model=model, step=reader.training_step))
    dataset = catalog.BY_NAME.get(reader.dataset)  # None: no dataset named, or one this app does not have
    if dataset is not None and not dataset.digits:  # its answers are not digits: say what they are
        st.caption(t("playground.other_dataset", model=model, dataset=dataset_label(dataset.name)))


def show_cnn_inside(view: CNNView, image: np.ndarray, label: str) -> None:
    st.subheader(t("playground.cnn_inside"))
    n1, k = len(view.block_maps[0]), view.conv1_filters.shape[-1]
    charts = [  # (key, figure, help): every conv block's maps, the first block's filters, the saliency
        *((f"block{i}_maps", figures.feature_grid_figure(
            maps, title=t("playground.block_maps", i=i, n=len(maps), size=maps.shape[-1]),
            item=t("playground.feature_map")), t(f"playground.{'first' if i == 1 else 'later'}_maps_help"))
          for i, maps in enumerate(view.block_maps, 1)),
        ("conv1_filters", figures.feature_grid_figure(
            view.conv1_filters, title=t("playground.conv1_filters", n=n1, k=k), item=t("playground.filter"),
            signed=True), t("playground.conv1_filters_help")),
        ("saliency", figures.saliency_figure(image, view.saliency, title=t("playground.saliency", label=label)),
         t("playground.saliency_help")),
    ]
    columns = [column for _ in range(0, len(charts), 2) for column in st.columns(2)]
    for column, (name, figure, help_text) in zip(columns, charts, strict=False):
        column.plotly_chart(figure, key=f"{PAGE_KEY}.{name}")
        column.caption(help_text)


def show_rnn_inside(reader: Reader, rows: np.ndarray) -> None:
    st.subheader(t("playground.rnn_inside"))
    st.plotly_chart(figures.row_heatmap_figure(
        rows, title=t("playground.rnn_rows", model=reader.name), x_title=t("playground.class"),
        y_title=t("playground.row"), x_labels=reader.classes), key=f"{PAGE_KEY}.rnn_rows")
    st.caption(t("playground.rnn_rows_help"))


def offer_quick_run(data: ImageData) -> None:
    """No classifier trained yet: say so, and offer a short CNN run on the current dataset, with the
    CNN page's settings (so the CNN page shows it, and Continue / Reset work on it there)."""
    cnn = page_specs.CNN
    quick = session_runs.get(cnn.key)
    if quick is not None and quick.job.running:
        st.info(t("playground.quick_training"), icon="⏳")
        return
    spec, config = cnn.split(current(cnn.key, cnn.controls), num_classes=len(data.classes), **app_sidebar.fixed())
    config = config.replace(max_steps=min(QUICK_STEPS, config.max_steps or QUICK_STEPS))
    st.info(t("playground.no_model", steps=config.max_steps, dataset=dataset_label(data.name)), icon="🧠")
    if st.button(t("playground.quick_train", steps=config.max_steps), type="primary", key=f"{PAGE_KEY}.quick_train"):
        session_runs.begin(cnn.key, lambda: classifier_run(spec, config, data, current(cnn.key, cnn.controls)))
        st.info(t("playground.quick_training"), icon="⏳")


def show_predictions(shown: Sequence[Reader], x: np.ndarray) -> None:
    """Every reader's reading of `x` (28, 28) side by side, then inside the first CNN and the first RNN."""
    cnn = rnn = None
    st.subheader(t("playground.predictions_title"))
    for column, reader in zip(st.columns(len(shown)), shown, strict=True):
        with column:
            if isinstance(reader.model, CNN):
                view = look_inside_cnn(reader.model, x)
                show_prediction(reader, view.probabilities)
                cnn = cnn or (reader, view)
            else:
                rows = read_rows(reader.model, torch.from_numpy((x * 255).round().astype(np.uint8)))
                show_prediction(reader, rows.probabilities[-1])
                rnn = rnn or (reader, rows)
    if cnn is not None:
        reader, view = cnn
        show_cnn_inside(view, x, reader.classes[int(view.probabilities.argmax())])
        if reader.key == page_specs.CNN.key:  # a run of this session: its embedding frames to place the digit in
            show_among_test_digits(session_runs.get(reader.key), reader.model, x)
    if rnn is not None:
        reader, rows = rnn
        show_rnn_inside(reader, rows.probabilities)


def follow_training() -> None:
    """A network still training: show its progress, and redraw the page when it ends."""
    for page in CLASSIFIERS:
        run = session_runs.get(page)
        if run is not None and run.job.running:
            live.follow(run, lambda records, training: None)
            break
