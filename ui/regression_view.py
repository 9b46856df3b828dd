"""What the RNN regression page draws: the input and target before training, the prediction
against the target window after window, the loss and the hidden state, the carry-vs-reset
comparison, and the trained network running on time it never saw."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core import figures, series
from core.figures import MUTED_COLOUR, SIGNAL_COLOUR, TARGET_COLOUR
from core.regression import HIDDEN_MODES, WINDOW, RegressionConfig, free_run, hidden_over_time, joined, last_loss
from core.regression import preview as preview_signals
from core.run import Run
from ui import page_specs
from ui.charts import loss_chart
from ui.i18n import t
from ui.timeline import step_slider

PAGE_KEY = page_specs.RNN_REGRESSION.key
CURVE_POINTS = 3_000  # per drawn signal: a long run (500 windows of 50 points) is thinned to this
HEATMAP_COLUMNS = 240  # time points drawn in the hidden-state heatmap: about one per 2 px of its chart
LAST_WINDOWS = 4  # windows shown in the comparison's final predictions and in the free-running test


def signals(*lines, title: str, **options):
    return figures.signals_figure(lines, title=title, x_title=t("rnn_regression.time"),
                                  y_title=t("rnn_regression.value"), **options)


def preview(config: RegressionConfig) -> None:
    """The tutorial's first plot: the input sin(t) and the target over [0, 2π]."""
    time, x, target = preview_signals(config)
    st.plotly_chart(signals((t("rnn_regression.target"), time, target, TARGET_COLOUR),
                            (t("rnn_regression.input"), time, x, SIGNAL_COLOUR),
                            title=t("rnn_regression.preview_title")), key=f"{PAGE_KEY}.preview")


def prediction_chart(records: Sequence, title: str, highlight: bool = False):
    """Target (red) and prediction (blue) along the time axis, the newest window shaded."""
    time, _, target, prediction = joined(records)
    time, target, prediction = series.downsample(time, target, prediction, max_points=CURVE_POINTS)
    newest = float(records[-1].t[0])
    return signals((t("rnn_regression.target"), time, target, TARGET_COLOUR),
                   (t("rnn_regression.prediction"), time, prediction, SIGNAL_COLOUR), title=title,
                   highlight=(newest, newest + WINDOW) if highlight else None)


def draw_training(records: Sequence, training: bool) -> None:
    """The prediction against the target window after window, the loss and the hidden units, all
    up to the window the timeline shows (the newest while training, unless rewound)."""
    window = step_slider(f"{PAGE_KEY}.timeline", len(records), records[-1].total_steps, training,
                         t("rnn_regression.timeline"))
    shown = records[:window]
    st.plotly_chart(prediction_chart(shown, t("rnn_regression.live_title", step=window), highlight=True),
                    key=f"{PAGE_KEY}.live")
    loss, hidden = st.columns(2)
    loss_chart(shown, y_title=t("rnn_regression.mse"), key=f"{PAGE_KEY}.loss", place=loss, marker=window,
               x_range=(1, len(records)))
    time, units = series.downsample(*hidden_over_time(shown), max_points=HEATMAP_COLUMNS)
    hidden.plotly_chart(figures.heatmap_figure(
        units.T, time, title=t("rnn_regression.hidden_title"), x_title=t("rnn_regression.time"),
        y_title=t("rnn_regression.hidden_unit")), key=f"{PAGE_KEY}.hidden")


def draw_comparison(records: Sequence, training: bool) -> None:
    """Both modes' loss on one chart, and each mode's last windows side by side."""
    by_mode = {mode: [r for r in records if r.mode == mode] for mode in HIDDEN_MODES}
    curves = []
    for mode, rs in by_mode.items():
        steps, _, smoothed = series.loss_curve(rs)
        curves.append((t(f"rnn_regression.options.hidden_mode.{mode}"), steps, smoothed))
    st.plotly_chart(figures.curves_figure(
        curves, title=t("rnn_regression.compare_loss_title"), x_title=t("charts.step"),
        y_title=t("rnn_regression.mse_log"), markers=True, log_y=True), key=f"{PAGE_KEY}.compare.loss")
    for place, (mode, rs) in zip(st.columns(2), by_mode.items(), strict=True):
        if rs:
            title = t(f"rnn_regression.compare_final_{mode}", loss=f"{last_loss(rs):.4f}")
            place.plotly_chart(prediction_chart(rs[-LAST_WINDOWS:], title), key=f"{PAGE_KEY}.compare.{mode}")


def show_free_run(run: Run) -> None:
    """After training: the network on windows it never saw, state handled as it was trained."""
    trained = len(run.records)
    result = free_run(run.model, run.config, trained, LAST_WINDOWS)
    st.plotly_chart(signals(
        (t("rnn_regression.input"), result.t, result.x, MUTED_COLOUR),
        (t("rnn_regression.target"), result.t, result.target, TARGET_COLOUR),
        (t("rnn_regression.prediction"), result.t, result.prediction, SIGNAL_COLOUR),
        title=t("rnn_regression.test_title", start=trained, end=trained + LAST_WINDOWS, mse=f"{result.mse:.4f}")),
        key=f"{PAGE_KEY}.free_run")
    st.caption(t("rnn_regression.test_caption"))
