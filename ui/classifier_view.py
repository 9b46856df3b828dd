"""What every classifier page shows: the network before training, and live charts of a run
(loss, test accuracy, the embedding of the last hidden layer, confusion matrix, gallery)."""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from html import escape

import numpy as np
import streamlit as st
from PIL import Image

from core import figures, series
from core.data import ImageData, as_float
from core.models import ModelSpec, count_parameters, layer_table
from core.preprocess import for_display
from core.run import Run, WholeTest
from core.runner import FINISHED, STOPPED
from core.training import whole_test_accuracy
from ui.charts import loss_chart
from ui.i18n import t
from ui.markdown_table import markdown_table
from ui.timeline import clear_selection, filter_key, generation_key, step_slider

GALLERY_COLUMNS = 12
SAMPLE_SIDE_PX = 140  # the sample image before training, its pixels square
RIGHT_COLOUR, WRONG_COLOUR = "#15803d", "#dc2626"
GALLERY_STYLE = (  # once per gallery, not on each of its images
    f".livelab-gallery{{display:grid;gap:0.5rem;grid-template-columns:repeat({GALLERY_COLUMNS},minmax(0,1fr))}}"
    ".livelab-gallery figure{margin:0;text-align:center;font-size:0.75rem;line-height:1.2}"
    ".livelab-gallery img{width:100%;image-rendering:pixelated}")


def show_before_training(data: ImageData, spec: ModelSpec, seed: int) -> None:
    """A sample training image with its label, and the network (`spec`, one output per class of
    `data`, its weights drawn from `seed`) as a table of layers."""
    model = spec.build(seed)
    first = as_float(data.train_x[:1])  # the network's input: the first training image, in [0, 1]
    sample, table = st.columns([1, 3])
    # An image and a Markdown table, not a Plotly chart and a dataframe: a newcomer's browser draws the
    # page without first loading Plotly's and Arrow's code (README, "A class on one link"); Plotly loads
    # with the first live chart.
    with sample:
        st.markdown(f"**{t('charts.sample_title')}**")
        st.image(for_display(first[0].numpy(), SAMPLE_SIDE_PX),
                 caption=t("charts.sample_caption", label=data.classes[int(data.train_y[0])]))
        st.caption(t("charts.dataset_size", train=len(data.train_y), test=len(data.test_y)))
    with table:
        st.markdown(f"**{t('charts.architecture_title')}**")
        rows = layer_table(model, first)
        st.markdown(markdown_table(
            [t("charts.col_layer"), t("charts.col_type"), t("charts.col_shape"), t("charts.col_params")],
            ([row["layer"], row["type"], " × ".join(map(str, row["output shape"])), f"{row['parameters']:,}"]
             for row in rows), right=[3]))
        st.caption(t("charts.total_params", n=f"{count_parameters(model):,}"))


class ClassifierCharts:
    """A classifier run's charts, all at one step of the timeline: the loss and accuracy up to it,
    and the embedding, confusion matrix and gallery of the last evaluation at or before it. The
    confusion matrix and the embedding are linked to the gallery: click a cell, or select points,
    and the gallery shows those test images. Figures are built once per step shown.

    While the charts follow a training run's newest step, what an evaluation drew (accuracy,
    embedding, confusion matrix, gallery) is the same figure, byte for byte, until the next
    evaluation, so Streamlit sends the browser a reference to it instead of the chart (see
    `.streamlit/config.toml`): the accuracy chart then has no step marker and its own x-axis, and the
    embedding shows its newest frame only, its points' hover boxes naming their class without the
    picture. Rewound, or once the run is over, it has every frame up to the step shown, with Play, and
    the pictures."""

    GALLERY_MAX = 60  # images a filtered gallery shows (a diagonal cell can hold hundreds)

    def __init__(self, data: ImageData, key: str, layer: str = ""):
        self.data, self.key = data, key  # key: session-state and element keys of this page's charts
        self.layer = layer  # which layer is the last hidden one, in words ("" where there is only one kind)
        self._built: dict[str, tuple[object, object]] = {}  # chart -> (what it shows, its figure or html)

    def draw(self, records: Sequence, training: bool) -> None:
        step = step_slider(f"{self.key}.timeline", len(records), records[-1].total_steps, training,
                           t("charts.timeline"))
        shown = records[:step]
        following = training and step == len(records)
        left, right = st.columns(2)
        loss_chart(shown, y_title=t("charts.loss"), key=f"{self.key}.loss", place=left, marker=step,
                   x_range=(1, len(records)))
        evaluated = series.latest_record(shown, "evaluation")
        if evaluated is None:
            return
        axis = None if following else (step, len(records))  # following: the same chart until the next evaluation
        right.plotly_chart(self._once("accuracy", (evaluated.step, axis), lambda: self._accuracy_figure(
            shown, axis)), key=f"{self.key}.accuracy")
        left, right = st.columns(2)
        frames = series.with_attribute(shown, "embedding")
        selection = st.session_state.get(self._filter_key)
        generation = st.session_state.get(generation_key(self.key), 0)  # a new key clears a selection
        if frames:
            frames = frames[-1:] if following else frames  # each new frame would re-send every earlier one
            left.plotly_chart(self._once("embedding", (frames[-1].step, following),
                                         lambda: self._embedding_figure(frames, pictures=not following)),
                              key=f"{self.key}.embedding.{generation}", on_select=self._points_selected,
                              selection_mode=("box", "lasso"))
        cell = selection[1:] if selection and selection[0] == "cell" else None
        right.plotly_chart(self._once("confusion", (evaluated.step, cell), lambda: self._confusion_figure(
            evaluated, cell)), key=f"{self.key}.confusion.{generation}", on_select=self._cell_selected,
            selection_mode="points")
        self._gallery(evaluated, selection)

    # --- linked views: a selection filters the gallery ---------------------------------------------

    @property
    def _filter_key(self) -> str:
        return filter_key(self.key)

    def _cell_selected(self) -> None:
        self._select(selection_filter("confusion", self._selected_points("confusion"), len(self.data.classes)))

    def _points_selected(self) -> None:
        self._select(selection_filter("embedding", self._selected_points("embedding"), len(self.data.classes)))

    def _select(self, selection: tuple | None) -> None:
        if selection is not None:
            st.session_state[self._filter_key] = selection

    def _selected_points(self, chart: str) -> list[dict]:
        generation = st.session_state.get(generation_key(self.key), 0)
        event = st.session_state.get(f"{self.key}.{chart}.{generation}")
        return list(event["selection"]["points"]) if event else []

    def _gallery(self, record, selection) -> None:
        """The gallery at `record`'s evaluation: mistakes first, or the images a selection chose."""
        evaluation = record.evaluation
        if selection is None:
            st.markdown(f"**{t('charts.gallery_title')}**")
            index = evaluation.gallery_index
        else:
            index = self._selected_images(evaluation, selection)
            shown = index[:self.GALLERY_MAX]
            what = (t("charts.filter_cell", true=self.data.classes[selection[1]],
                      predicted=self.data.classes[selection[2]]) if selection[0] == "cell"
                    else t("charts.filter_points"))
            text, button = st.columns([4, 1], vertical_alignment="center")
            text.markdown(t("charts.filter_title", what=what, shown=len(shown), n=len(index), step=record.step))
            button.button(t("charts.filter_clear"), key=f"{self.key}.clear_filter", on_click=clear_selection,
                          args=(self.key,), width="stretch")
            index = shown
        gallery = self._once("gallery", (record.step, selection), lambda: gallery_html(
            self.data, index, evaluation.predicted[index], evaluation.confidence[index]))
        if gallery:
            st.html(gallery)
        elif selection is not None:
            st.caption(t("charts.filter_empty"))

    def _selected_images(self, evaluation, selection) -> np.ndarray:
        if selection[0] == "cell":
            return evaluation.in_cell(self.data.test_y.numpy(), selection[1], selection[2])
        return np.asarray([i for i in selection[1:] if i < len(evaluation.predicted)], dtype=np.int64)

    # --- figures -----------------------------------------------------------------------------

    def _once(self, chart: str, shows, build):
        """The chart for `shows` (a step, a selection), built the first time it is asked for."""
        if chart not in self._built or self._built[chart][0] != shows:
            self._built[chart] = (shows, build())
        return self._built[chart][1]

    def _accuracy_figure(self, records: Sequence, axis: tuple[int, int] | None):
        """The accuracy at each evaluation; `axis` (the step shown, the newest step) marks the step on an
        axis as long as the loss chart's, None leaves both to the evaluations."""
        steps, accuracy = series.accuracy_curve(records)
        return figures.curves_figure(
            [(t("charts.accuracy"), steps, accuracy)], title=t("charts.accuracy_title", value=f"{accuracy[-1]:.1%}"),
            x_title=t("charts.step"), y_title=t("charts.accuracy"), y_range=(0, 1), markers=True,
            marker=None if axis is None else axis[0], x_range=None if axis is None else (1, axis[1]))

    def _confusion_figure(self, record, cell):
        return figures.confusion_figure(
            record.evaluation.confusion, self.data.classes, title=t("charts.confusion_title", step=record.step),
            x_title=t("charts.predicted"), y_title=t("charts.true"), selected=cell)

    def _embedding_figure(self, frames: Sequence, pictures: bool):
        """The embedding's frames; each point's hover box shows its test image as `pictures` (most of the
        chart's bytes: a live chart sent at every frame names the class only)."""
        method = t(f"charts.method_{frames[-1].embedding.method}")
        labels = frames[-1].embedding.labels
        return figures.embedding_figure(
            [(t("charts.frame_label", step=r.step), r.embedding.coords) for r in frames], labels, self.data.classes,
            title=t("charts.embedding_title_of" if self.layer else "charts.embedding_title", method=method,
                    step=frames[-1].step, layer=self.layer),
            hover=hover_art(self.data, len(labels)) if pictures else None, play=t("charts.play"),
            pause=t("charts.pause"))


def selection_filter(chart: str, points: Sequence[dict], num_classes: int) -> tuple | None:
    """A Plotly selection event's points -> the gallery's filter: ("cell", true, predicted) for a
    click on the confusion matrix (its points' customdata is true * C + predicted), ("points",
    i, j, ...) for test images selected in the embedding (customdata: the test image's index);
    None when nothing is selected."""
    if not points:
        return None
    if chart == "confusion":
        return ("cell", *divmod(int(points[0]["customdata"]), num_classes))
    return ("points", *sorted({int(point["customdata"]) for point in points}))


_hover_art: dict[tuple[int, int], tuple[ImageData, list[str]]] = {}


def hover_art(data: ImageData, n: int) -> list[str]:
    """Each of the first `n` test images as its label above a picture in Braille dots, for the
    embedding's hover box; made once per dataset (the points of a frame are always these images)."""
    key = (id(data), n)
    if key not in _hover_art:
        _hover_art[key] = (data, [f"{data.classes[int(y)]}<br>{figures.digit_art(x)}"
                                  for x, y in zip(data.test_x[:n].numpy(), data.test_y[:n].tolist(), strict=True)])
    return _hover_art[key][1]


def whole_test_set(run: Run, page: str) -> None:
    """Once a run has stopped or finished: a button that tests its network on every test image. The
    live accuracy tests a subset (the first `config.test_size` images) to stay cheap, and a subset can be
    easier or harder than the whole: this is the figure to quote. Not while training (the weights
    move) nor after a failed run (a diverged network's score means nothing)."""
    data, job = run.data, run.job
    total, step = len(data.test_y), len(job.records)
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
        cells.append(f'<figure data-index="{j}"><img src="{png_data_uri(data.test_x[j].numpy())}" '
                     f'alt="{escape(data.classes[true])}"><figcaption>{caption}</figcaption></figure>')
    return f'<style>{GALLERY_STYLE}</style><div class="livelab-gallery">{"".join(cells)}</div>'



def png_data_uri(image: np.ndarray) -> str:
    """A uint8 greyscale image as an inline PNG."""
    return _png_data_uri(image.tobytes(), image.shape)


@functools.lru_cache(maxsize=2048)  # small PNGs: the gallery shows mostly the same test images at every evaluation
def _png_data_uri(pixels: bytes, shape: tuple[int, ...]) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.frombuffer(pixels, np.uint8).reshape(shape)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

