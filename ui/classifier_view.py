"""What every classifier page shows: the network before training, and live charts of a run
(loss, test accuracy, the embedding of the last hidden layer, confusion matrix, gallery)."""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from html import escape

import numpy as np
import pandas as pd
import streamlit as st
import torch
from PIL import Image

from core import figures, history
from core.data import ImageData
from core.models import count_parameters, layer_table
from core.runner import FINISHED, STOPPED
from core.training import whole_test_accuracy
from ui.i18n import t

GALLERY_COLUMNS = 12
RIGHT_COLOUR, WRONG_COLOUR = "#15803d", "#dc2626"


def show_before_training(data: ImageData, model: torch.nn.Module) -> None:
    """A sample training image with its label, and the network as a table of layers."""
    sample, table = st.columns([1, 3])
    with sample:
        st.markdown(f"**{t('charts.sample_title')}**")
        # A Plotly figure (not st.image): the browser loads Plotly now, so the first live chart is instant.
        st.plotly_chart(figures.image_figure(
            data.train_x[0].numpy(), title=t("charts.sample_caption", label=data.classes[int(data.train_y[0])]),
            height=200))
        st.caption(t("charts.dataset_size", train=len(data.train_y), test=len(data.test_y)))
    with table:
        st.markdown(f"**{t('charts.architecture_title')}**")
        rows = layer_table(model, data.train_x[:1].float() / 255)
        frame = pd.DataFrame([{
            t("charts.col_layer"): row["layer"], t("charts.col_type"): row["type"],
            t("charts.col_shape"): " × ".join(map(str, row["output shape"])),
            t("charts.col_params"): row["parameters"],
        } for row in rows])
        st.dataframe(frame, hide_index=True, width="stretch")
        st.caption(t("charts.total_params", n=f"{count_parameters(model):,}"))


class ClassifierCharts:
    """Placeholders laid out once; `draw(records)` refreshes only what changed."""

    def __init__(self, data: ImageData):
        self.data = data
        left, right = st.columns(2)
        self._loss, self._accuracy = left.empty(), right.empty()
        left, right = st.columns(2)
        self._embedding, self._confusion = left.empty(), right.empty()
        st.markdown(f"**{t('charts.gallery_title')}**")
        self._gallery = st.empty()
        self._drawn_eval_step = self._drawn_embed_step = None

    def draw(self, records: Sequence) -> None:
        steps, raw, smoothed = history.loss_curve(records)
        self._loss.plotly_chart(figures.loss_figure(
            steps, raw, smoothed, title=t("charts.loss_title"), x_title=t("charts.step"),
            y_title=t("charts.loss"), raw_name=t("charts.raw"), smoothed_name=t("charts.smoothed")))
        evaluated = _last_with(records, "evaluation")
        if evaluated is not None and evaluated.step != self._drawn_eval_step:
            self._drawn_eval_step = evaluated.step
            self._draw_evaluation(records, evaluated)
        embedded = _last_with(records, "embedding")
        if embedded is not None and embedded.step != self._drawn_embed_step:
            self._drawn_embed_step = embedded.step
            frame = embedded.embedding
            self._embedding.plotly_chart(figures.embedding_figure(
                frame.coords, frame.labels, self.data.classes,
                title=t("charts.embedding_title", method=t(f"charts.method_{frame.method}"), step=embedded.step)))

    def _draw_evaluation(self, records: Sequence, record) -> None:
        steps, accuracy = history.accuracy_curve(records)
        self._accuracy.plotly_chart(figures.curves_figure(
            [(t("charts.accuracy"), steps, accuracy)], title=t("charts.accuracy_title", value=f"{accuracy[-1]:.1%}"),
            x_title=t("charts.step"), y_title=t("charts.accuracy"), y_range=(0, 1), markers=True))
        evaluation = record.evaluation
        self._confusion.plotly_chart(figures.confusion_figure(
            evaluation.confusion, self.data.classes, title=t("charts.confusion_title", step=record.step),
            x_title=t("charts.predicted"), y_title=t("charts.true")))
        with self._gallery.container():
            show_gallery(self.data, evaluation.gallery_index, evaluation.gallery_pred, evaluation.gallery_conf)


def whole_test_set(session, page: str) -> None:
    """Once a run has stopped or finished: a button that tests its network on every test image. The
    live accuracy tests a subset (the seed's first 2000 images) to stay cheap, and a subset can be
    easier or harder than the whole: this is the figure to quote. Not while training (the weights
    move) nor after a failed run (a diverged network's score means nothing)."""
    data, run = session.extra["data"], session.run
    total, step = len(data.test_y), len(run.history)
    if run.status not in (STOPPED, FINISHED) or not step or session.config.test_size >= total:
        return
    tested = session.extra.get("whole_test")  # (step, accuracy): a result holds for the network at that step
    if (tested is None or tested[0] != step) and st.button(
            t("charts.whole_test_button", n=f"{total:,}"), key=f"{page}.btn.whole_test"):
        with st.spinner(t("charts.whole_test_running", n=f"{total:,}")):
            tested = session.extra["whole_test"] = (step, whole_test_accuracy(session.model, data))
    if tested is not None and tested[0] == step:
        st.success(t("charts.whole_test_result", n=f"{total:,}", step=step, accuracy=f"{tested[1]:.2%}",
                     subset=session.config.test_size), icon="🎯")


def show_gallery(data: ImageData, index, predicted, confidence) -> None:
    """Test images with predicted and true class; wrong ones (listed first) in red, marked ✗.
    One HTML grid with the images inline: a page redraws it at every evaluation while training,
    and an st.image per picture cost three times as much, on the cores training needs."""
    if len(index) == 0:
        return
    cells = []
    for j, pred, conf in zip(index, predicted, confidence, strict=True):
        true = int(data.test_y[j])
        right = pred == true
        label = f'<b style="color:{RIGHT_COLOUR if right else WRONG_COLOUR}">{"" if right else "✗ "}' \
                f'{escape(data.classes[pred])}</b>'
        caption = t("charts.gallery_caption", pred=label, true=escape(data.classes[true]), conf=f"{conf:.0%}")
        cells.append(f'<figure style="margin:0;text-align:center;font-size:0.75rem;line-height:1.2">'
                     f'<img src="{png_data_uri(data.test_x[j].numpy())}" alt="{escape(data.classes[true])}" '
                     f'style="width:100%;image-rendering:pixelated"><figcaption>{caption}</figcaption></figure>')
    st.html(f'<div class="livelab-gallery" style="display:grid;gap:0.5rem;'
            f'grid-template-columns:repeat({GALLERY_COLUMNS},minmax(0,1fr))">{"".join(cells)}</div>')


def png_data_uri(image: np.ndarray) -> str:
    """A uint8 greyscale image as an inline PNG."""
    return _png_data_uri(image.tobytes(), image.shape)


@functools.lru_cache(maxsize=2048)  # ~1 MB: the gallery shows mostly the same test images at every evaluation
def _png_data_uri(pixels: bytes, shape: tuple[int, ...]) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.frombuffer(pixels, np.uint8).reshape(shape)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _last_with(records: Sequence, attribute: str):
    for record in reversed(records):
        if getattr(record, attribute) is not None:
            return record
    return None
