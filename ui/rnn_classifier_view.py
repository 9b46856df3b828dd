"""What the RNN classifier page shows besides the usual classifier charts: three cells trained
side by side, one test image read row by row, and how far back each cell's gradient reaches."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from core import figures, rnn_analysis, series
from core.data import ImageData
from core.models import RNNClassifierSpec, snapshot
from core.run import Run
from ui import page_specs
from ui.i18n import t

PAGE_KEY = page_specs.RNN_CLASSIFIER.key
GRADIENT_BATCH = 64  # test images behind the gradient-flow chart


def cell_name(cell: str) -> str:
    return t(f"rnn_classifier.options.cell.{cell}")


def draw_cell_comparison(tagged: Sequence, training: bool) -> None:
    """One progress bar per cell, and every cell's loss and accuracy on shared charts."""
    by_cell = {cell: [r.record for r in tagged if r.cell == cell] for cell in rnn_analysis.CELLS}
    for column, (cell, records) in zip(st.columns(len(by_cell)), by_cell.items(), strict=True):
        if records:
            column.progress(records[-1].step / records[-1].total_steps, text=_cell_progress(cell, records))
    left, right = st.columns(2)
    losses = [(cell_name(c), steps, smoothed) for c, r in by_cell.items() if r
              for steps, _, smoothed in [series.loss_curve(r)]]
    left.plotly_chart(figures.curves_figure(
        losses, title=t("rnn_classifier.compare.loss_title"), x_title=t("charts.step"), y_title=t("charts.loss")),
        key=f"{PAGE_KEY}.compare.loss")
    accuracies = [(cell_name(c), *series.accuracy_curve(r)) for c, r in by_cell.items() if r]
    right.plotly_chart(figures.curves_figure(
        accuracies, title=t("rnn_classifier.compare.accuracy_title"), x_title=t("charts.step"),
        y_title=t("charts.accuracy"), y_range=(0, 1), markers=True), key=f"{PAGE_KEY}.compare.accuracy")


def _cell_progress(cell: str, records: Sequence) -> str:
    last, accuracy = records[-1], series.latest(records, "accuracy")
    if accuracy is None:
        return t("rnn_classifier.compare.cell_progress", cell=cell_name(cell), done=last.step, total=last.total_steps)
    return t("rnn_classifier.compare.cell_progress_accuracy", cell=cell_name(cell), done=last.step,
             total=last.total_steps, accuracy=f"{accuracy:.1%}")


def _show_next_mistake(model, images, labels, index_key: str) -> None:
    """Button callback: jump to the next test image the network gets wrong."""
    found = rnn_analysis.next_mistake(rnn_analysis.mistakes(model, images, labels), st.session_state[index_key])
    st.session_state[f"{PAGE_KEY}.reading.none_wrong"] = found is None
    if found is not None:
        st.session_state[index_key] = found


def reading_view(run: Run | None) -> None:
    """One test image read by the run's network (as it is now), row by row."""
    if run is None or not run.records:
        st.info(t("rnn_classifier.reading.need_model"))
        return
    data, model = run.data, snapshot(run.model)
    st.caption(t("rnn_classifier.reading.snapshot", step=len(run.records)))
    index_key, n = f"{PAGE_KEY}.reading.index", len(data.test_y)
    if st.session_state.get(index_key, 0) >= n:
        st.session_state[index_key] = 0
    pick, jump = st.columns([3, 1], vertical_alignment="bottom")
    index = pick.number_input(t("rnn_classifier.reading.index"), 0, n - 1, key=index_key)
    tested = slice(0, run.config.test_size)
    jump.button(t("rnn_classifier.reading.next_mistake"), key=f"{PAGE_KEY}.reading.next", width="stretch",
                on_click=_show_next_mistake, args=(model, data.test_x[tested], data.test_y[tested], index_key))
    if st.session_state.get(f"{PAGE_KEY}.reading.none_wrong"):
        st.info(t("rnn_classifier.reading.no_mistakes"))
    row = st.slider(t("rnn_classifier.reading.row"), 1, 28, 28, key=f"{PAGE_KEY}.reading.row") - 1
    image = data.test_x[index]
    reading, classes = rnn_analysis.read_rows(model, image), data.classes
    guess = int(reading.probabilities[row].argmax())
    st.markdown(t("rnn_classifier.reading.verdict", row=row + 1, pred=classes[guess],
                  p=f"{reading.probabilities[row, guess]:.0%}", true=classes[int(data.test_y[index])],
                  final=classes[reading.prediction]))
    if reading.every_row_read:
        st.caption(t("rnn_classifier.reading.both_ways", row=row + 1))
    left, middle, right = st.columns([2, 3, 4])
    title = t("rnn_classifier.reading.image_title", row=row + 1)
    left.plotly_chart(figures.image_row_figure(image.numpy(), row, title=title), key=f"{PAGE_KEY}.reading.image")
    middle.plotly_chart(figures.row_heatmap_figure(
        reading.probabilities, row=row, x_labels=classes, title=t("rnn_classifier.reading.probs_title"),
        x_title=t("rnn_classifier.reading.class_axis"), y_title=t("rnn_classifier.reading.row_axis")),
        key=f"{PAGE_KEY}.reading.probabilities")
    right.plotly_chart(figures.row_heatmap_figure(
        reading.hidden, row=row, colorscale="RdBu", zmid=0.0, title=t("rnn_classifier.reading.hidden_title"),
        x_title=t("rnn_classifier.reading.unit_axis"), y_title=t("rnn_classifier.reading.row_axis")),
        key=f"{PAGE_KEY}.reading.hidden")


def gradient_view(compare: Run | None, spec: RNNClassifierSpec, seed: int, data: ImageData) -> None:
    """How strongly each row of the input still moves the loss, for each cell: the comparison run's
    networks once it has trained, else fresh ones of the sidebar's size."""
    st.caption(t("rnn_classifier.gradients.intro"))
    if compare is not None and compare.records:
        models, data = compare.models, compare.data
        st.caption(t("rnn_classifier.gradients.trained", step=compare.records[-1].record.step))
    else:
        models = rnn_analysis.cell_models(spec, seed)
        st.caption(t("rnn_classifier.gradients.untrained"))
    x, y = data.test_x[:GRADIENT_BATCH], data.test_y[:GRADIENT_BATCH]
    rows = np.arange(1, 29)
    curves = [(cell_name(cell), rows, rnn_analysis.step_gradients(snapshot(model), x, y))
              for cell, model in models.items()]
    st.plotly_chart(figures.curves_figure(curves, title=t("rnn_classifier.gradients.title"),
                                          x_title=t("rnn_classifier.gradients.x_title"),
                                          y_title=t("rnn_classifier.gradients.y_title"), markers=True, log_y=True),
                    key=f"{PAGE_KEY}.gradients")
