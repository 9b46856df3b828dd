"""What every classifier page shows: the network before training, and live charts of a run
(loss, test accuracy, the embedding of the last hidden layer, confusion matrix, gallery)."""

from __future__ import annotations

import base64
import dataclasses
import functools
import io
from collections.abc import Sequence
from html import escape

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from core import figures, series
from core.data import ImageData
from core.models import ModelSpec, count_parameters, layer_table
from core.run import Run, WholeTest
from core.runner import FINISHED, STOPPED
from core.training import whole_test_accuracy
from ui.charts import loss_chart
from ui.i18n import t
from ui.runs import Follower

GALLERY_COLUMNS = 12
RIGHT_COLOUR, WRONG_COLOUR = "#15803d", "#dc2626"


def show_before_training(data: ImageData, spec: ModelSpec, seed: int) -> None:
    """A sample training image with its label, and the network (`spec` for this data, its weights
    drawn from `seed`) as a table of layers."""
    model = dataclasses.replace(spec, num_classes=len(data.classes)).build(seed)
    sample, table = st.columns([1, 3])
    with sample:
        st.markdown(f"**{t('charts.sample_title')}**")
        # A Plotly figure (not st.image): the browser loads Plotly now, so the first live chart is instant.
        st.plotly_chart(figures.image_figure(
            data.train_x[0].numpy(), title=t("charts.sample_caption", label=data.classes[int(data.train_y[0])]),
            height=200), key="before_training.sample")
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
    """A classifier run's charts, drawn by `follower()`: the loss and accuracy at every redraw; the
    embedding, confusion matrix and gallery, which change only at an evaluation, less often. Each
    chart is built once per evaluation."""

    def __init__(self, data: ImageData, key: str):
        self.data, self.key = data, key  # key: the charts' element keys (a page may show several runs)
        self._built: dict[str, tuple[int, object]] = {}  # chart -> (the step it shows, its figure or html)

    def follower(self) -> Follower:
        return Follower(self.draw_curves, self.draw_evaluation)

    def draw_curves(self, records: Sequence) -> None:
        left, right = st.columns(2)
        loss_chart(records, y_title=t("charts.loss"), key=f"{self.key}.loss", place=left)
        evaluated = _last_with(records, "evaluation")
        if evaluated is not None:
            right.plotly_chart(self._once("accuracy", evaluated.step, lambda: self._accuracy_figure(records)),
                               key=f"{self.key}.accuracy")

    def draw_evaluation(self, records: Sequence) -> None:
        left, right = st.columns(2)
        embedded = _last_with(records, "embedding")
        if embedded is not None:
            left.plotly_chart(self._once("embedding", embedded.step, lambda: self._embedding_figure(embedded)),
                              key=f"{self.key}.embedding")
        evaluated = _last_with(records, "evaluation")
        if evaluated is None:
            return
        right.plotly_chart(self._once("confusion", evaluated.step, lambda: self._confusion_figure(evaluated)),
                           key=f"{self.key}.confusion")
        evaluation = evaluated.evaluation
        gallery = self._once("gallery", evaluated.step, lambda: gallery_html(
            self.data, evaluation.gallery_index, evaluation.gallery_pred, evaluation.gallery_conf))
        if gallery:
            st.markdown(f"**{t('charts.gallery_title')}**")
            st.html(gallery)

    def _once(self, chart: str, step: int, build):
        """The chart for `step`, built the first time it is asked for."""
        if self._built.get(chart, (None,))[0] != step:
            self._built[chart] = (step, build())
        return self._built[chart][1]

    def _accuracy_figure(self, records: Sequence):
        steps, accuracy = series.accuracy_curve(records)
        return figures.curves_figure(
            [(t("charts.accuracy"), steps, accuracy)], title=t("charts.accuracy_title", value=f"{accuracy[-1]:.1%}"),
            x_title=t("charts.step"), y_title=t("charts.accuracy"), y_range=(0, 1), markers=True)

    def _confusion_figure(self, record):
        return figures.confusion_figure(
            record.evaluation.confusion, self.data.classes, title=t("charts.confusion_title", step=record.step),
            x_title=t("charts.predicted"), y_title=t("charts.true"))

    def _embedding_figure(self, record):
        frame = record.embedding
        return figures.embedding_figure(
            frame.coords, frame.labels, self.data.classes,
            title=t("charts.embedding_title", method=t(f"charts.method_{frame.method}"), step=record.step))


def whole_test_set(run: Run, page: str) -> None:
    """Once a run has stopped or finished: a button that tests its network on every test image. The
    live accuracy tests a subset (the tutorial's first 2000 images) to stay cheap, and a subset can be
    easier or harder than the whole: this is the figure to quote. Not while training (the weights
    move) nor after a failed run (a diverged network's score means nothing)."""
    data, job = run.data, run.job
    total, step = len(data.test_y), len(job.history)
    if job.status not in (STOPPED, FINISHED) or not step or run.config.test_size >= total:
        return
    tested = run.whole_test if run.whole_test is not None and run.whole_test.step == step else None
    if tested is None and st.button(t("charts.whole_test_button", n=f"{total:,}"), key=f"{page}.btn.whole_test"):
        with st.spinner(t("charts.whole_test_running", n=f"{total:,}")):
            tested = run.whole_test = WholeTest(step, whole_test_accuracy(run.model, data))
    if tested is not None:
        st.success(t("charts.whole_test_result", n=f"{total:,}", step=step, accuracy=f"{tested.accuracy:.2%}",
                     subset=run.config.test_size), icon="🎯")


def gallery_html(data: ImageData, index, predicted, confidence) -> str:
    """Test images with predicted and true class; wrong ones (listed first) in red, marked ✗.
    One HTML grid with the images inline: a page redraws it at every evaluation while training,
    and an st.image per picture cost three times as much, on the cores training needs."""
    if len(index) == 0:
        return ""
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
    return (f'<div class="livelab-gallery" style="display:grid;gap:0.5rem;'
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
