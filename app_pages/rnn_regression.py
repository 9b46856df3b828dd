"""RNN regression: a recurrent network reads sin(t) window after window and learns cos(t), carrying
its hidden state from one window to the next. Compare carrying with resetting, look inside the
hidden layer, and test the network on a time range it never trained on."""

import streamlit as st

from core import figures, history
from core.figures import MUTED_COLOUR, SIGNAL_COLOUR, TARGET_COLOUR
from core.models import RNNRegressor
from core.regression import (
    HIDDEN_MODES,
    TARGETS,
    WINDOW,
    RegressionConfig,
    compare_modes,
    free_run,
    hidden_over_time,
    joined,
    last_loss,
    paced,
    preview,
    train_regressor,
)
from core.runner import FINISHED, STOPPED, BackgroundRun
from core.training import seeded
from ui import app_sidebar, runs
from ui.controls import Control, sidebar
from ui.i18n import t

PAGE = "rnn_regression"
COMPARE = f"{PAGE}.compare"
CONTROLS = (  # defaults are the seed's
    Control("cell", "rnn", options=("rnn", "lstm", "gru")),
    Control("hidden_size", 32, options=(4, 8, 16, 32, 64, 128)),
    Control("time_steps", 10, 2, 50),
    Control("lr", 0.02, options=(0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.3)),
    Control("steps", 100, 10, 500, 10),
    Control("hidden_mode", "carry", options=("carry", "reset")),
    Control("target", "cos", options=TARGETS),
    Control("phase", 0.25, options=(0.0, 0.25, 0.5, 0.75, 1.0, 1.5)),
    Control("noise", 0.1, 0.0, 0.5, 0.05),
    Control("pause", 0.02, options=(0.0, 0.02, 0.05, 0.1)),
    Control("seed", 1, 0, 2**31 - 1),
)
MODEL_FIELDS, PAGE_FIELDS = ("cell", "hidden_size"), ("pause",)
CURVE_POINTS = 3_000  # per drawn signal: a long run (500 windows of 50 points) is thinned to this
HEATMAP_COLUMNS = 400  # time points drawn in the hidden-state heatmap
LAST_WINDOWS = 4  # windows shown in the comparison's final predictions and in the free-running test

st.title(t("rnn_regression.title"))
st.caption(t("rnn_regression.intro"))
settings = sidebar(PAGE, CONTROLS)
config = RegressionConfig(
    **{k: v for k, v in settings.items() if k not in MODEL_FIELDS + PAGE_FIELDS},
    max_steps=app_sidebar.max_steps(), device=app_sidebar.device(),
)


def new_model() -> RNNRegressor:
    return RNNRegressor(settings["cell"], settings["hidden_size"])


def start() -> runs.TrainingSession:
    model = seeded(new_model, config.seed)
    records = paced(train_regressor(model, config), settings["pause"])
    return runs.TrainingSession(run=BackgroundRun(records, config.total_steps), config=config, model=model,
                                samples_per_step=config.time_steps, extra={"settings": settings})


def start_comparison() -> runs.TrainingSession:
    records, models = compare_modes(new_model, config)
    return runs.TrainingSession(run=BackgroundRun(paced(records, settings["pause"] / 2), 2 * config.total_steps),
                                config=config, model=models["carry"], samples_per_step=config.time_steps,
                                extra={"settings": settings})


def signals(*series, title: str, **options):
    return figures.signals_figure(series, title=title, x_title=t("rnn_regression.time"),
                                  y_title=t("rnn_regression.value"), **options)


def prediction_chart(records, title: str, highlight: bool = False):
    """Target (red) and prediction (blue) along the time axis, the newest window shaded."""
    time, _, target, prediction = joined(records)
    time, target, prediction = history.downsample(time, target, prediction, max_points=CURVE_POINTS)
    newest = float(records[-1].t[0])
    return signals((t("rnn_regression.target"), time, target, TARGET_COLOUR),
                   (t("rnn_regression.prediction"), time, prediction, SIGNAL_COLOUR), title=title,
                   highlight=(newest, newest + WINDOW) if highlight else None)


def draw_training(records, places) -> None:
    places[0].plotly_chart(prediction_chart(records, t("rnn_regression.live_title", step=records[-1].step),
                                            highlight=True))
    steps, raw, smoothed = history.loss_curve(records)
    places[1].plotly_chart(figures.loss_figure(
        steps, raw, smoothed, title=t("charts.loss_title"), x_title=t("charts.step"),
        y_title=t("rnn_regression.mse"), raw_name=t("charts.raw"), smoothed_name=t("charts.smoothed")))
    time, hidden = history.downsample(*hidden_over_time(records), max_points=HEATMAP_COLUMNS)
    places[2].plotly_chart(figures.heatmap_figure(
        hidden.T, time, title=t("rnn_regression.hidden_title"), x_title=t("rnn_regression.time"),
        y_title=t("rnn_regression.hidden_unit")))


def draw_comparison(records, places) -> None:
    by_mode = {mode: [r for r in records if r.mode == mode] for mode in HIDDEN_MODES}
    curves = []
    for mode, rs in by_mode.items():
        steps, _, smoothed = history.loss_curve(rs)
        curves.append((t(f"rnn_regression.options.hidden_mode.{mode}"), steps, smoothed))
    places[0].plotly_chart(figures.curves_figure(
        curves, title=t("rnn_regression.compare_loss_title"), x_title=t("charts.step"),
        y_title=t("rnn_regression.mse_log"), markers=True, log_y=True))
    for place, (mode, rs) in zip(places[1:], by_mode.items(), strict=True):
        if rs:
            title = t(f"rnn_regression.compare_final_{mode}", loss=f"{last_loss(rs):.4f}")
            place.plotly_chart(prediction_chart(rs[-LAST_WINDOWS:], title))


def show_free_run(session: runs.TrainingSession) -> None:
    """After training: the network on windows it never saw, state handled as it was trained."""
    trained = len(session.run.history)
    result = free_run(session.model, session.config, trained, LAST_WINDOWS)
    st.plotly_chart(signals(
        (t("rnn_regression.input"), result.t, result.x, MUTED_COLOUR),
        (t("rnn_regression.target"), result.t, result.target, TARGET_COLOUR),
        (t("rnn_regression.prediction"), result.t, result.prediction, SIGNAL_COLOUR),
        title=t("rnn_regression.test_title", start=trained, end=trained + LAST_WINDOWS, mse=f"{result.mse:.4f}")))
    st.caption(t("rnn_regression.test_caption"))


with st.expander(t("rnn_regression.notes_title")):
    st.markdown(t("rnn_regression.notes"))
with st.expander(t("rnn_regression.before_training"), expanded=runs.get(PAGE) is None):
    time, x, target = preview(config)
    st.plotly_chart(signals((t("rnn_regression.target"), time, target, TARGET_COLOUR),
                            (t("rnn_regression.input"), time, x, SIGNAL_COLOUR),
                            title=t("rnn_regression.preview_title")))

train_tab, compare_tab = st.tabs([t("rnn_regression.tab_train"), t("rnn_regression.tab_compare")])
followers = []  # (tab, session, draw): followed after both tabs are laid out, running runs last
with train_tab:
    session = runs.panel(PAGE, start, settings)
    if session is not None:
        live_places = [st.empty(), *(column.empty() for column in st.columns(2))]
        followers.append((train_tab, session, lambda records: draw_training(records, live_places)))
        if session.run.status in (FINISHED, STOPPED) and session.run.history:
            show_free_run(session)
with compare_tab:
    st.markdown(t("rnn_regression.compare_intro"))
    comparison = runs.panel(COMPARE, start_comparison, settings, hint_key="rnn_regression.press_compare")
    if comparison is not None:
        compare_places = [st.empty(), *(column.empty() for column in st.columns(2))]
        followers.append((compare_tab, comparison, lambda records: draw_comparison(records, compare_places)))
runs.follow_all(followers)
