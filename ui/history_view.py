"""A page's runs side by side, the way W&B's run comparer and TensorBoard's run selector show them:
the chosen runs' loss (and accuracy) curves overlaid, their results, and their settings with the
ones that differ highlighted ("Diff only" keeps just those). One run at a time can be re-opened as
a link, put back into the sidebar, or taken home (weights file, metrics CSV); and a weights file
can start a new run (ui/weights_view.py).

The page's kept runs come from ui.session_runs.history (core/run_history.py); the current run is compared
as it is now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from core import figures, series
from core.data import ImageData
from core.metrics import metrics_csv
from core.run import REGRESSION, Run
from core.run_history import Summary, summarize
from core.runner import FAILED, RUNNING
from ui import app_sidebar, controls, session_runs, weights_view
from ui.i18n import dataset_label, t
from ui.page_specs import PageSpec

DIFFERS = "background-color: #fef3c7"  # a setting that differs between the compared runs


def show(page: PageSpec, run: Run | None, start: Callable[..., Run], data: ImageData | None = None) -> None:
    """An expander under the page's run: its runs compared, one run's link, settings and downloads,
    and training from a weights file (`start(weights=..., weights_from=...)` builds that run). Its
    content is drawn only while it is open: a page reruns at every click, and a closed expander
    should cost nothing."""
    key = f"{page.key}.history"
    with st.expander(t("history.title"), icon="🗂️", key=f"{key}.open", on_change="rerun"):
        if not st.session_state.get(f"{key}.open"):
            return
        history = session_runs.history(page.key)
        summaries = [kept.summary for kept in history.runs]
        if run is not None and run.records:
            summaries.append(summarize(run, history.next_number))
        if summaries:
            current = summaries[-1].number if run is not None and run.records else None
            label = _labeller(current)
            compare(page, summaries, label)
            st.divider()
            one_run(page, summaries, label, run if current is not None else None)
        else:
            st.caption(t("history.empty", limit=history.limit))
        st.divider()
        weights_view.continue_from_file(page, start, data)


def _labeller(current: int | None) -> Callable[[Summary | int], str]:
    def label(item: Summary | int) -> str:
        number = item if isinstance(item, int) else item.number
        return t("history.run_now" if number == current else "history.run", n=number)
    return label


def compare(page: PageSpec, summaries: Sequence[Summary], label: Callable) -> None:
    """The runs to compare (all, at first), their curves, results and settings."""
    key = f"{page.key}.history"
    numbers = [summary.number for summary in summaries]
    chosen_numbers = st.pills(t("history.pick"), numbers, selection_mode="multi", default=numbers,
                              format_func=label, key=f"{key}.pick.{'-'.join(map(str, numbers))}")  # new runs: all again
    chosen = [summary for summary in summaries if summary.number in chosen_numbers]
    if not chosen:
        st.caption(t("history.pick_some"))
        return
    _curves(page, chosen, label)
    st.dataframe(_results(chosen, label), hide_index=True, width="stretch", key=f"{key}.results")
    diff_only = st.toggle(t("history.diff_only"), key=f"{key}.diff_only", help=t("history.diff_only_help"))
    table, differs = _settings_table(page, chosen, label)
    if diff_only:
        table = table[differs]
        if table.empty:
            st.caption(t("history.no_difference"))
            return
    st.dataframe(table.style.apply(lambda row: [DIFFERS if differs[row.name] else ""] * len(row), axis=1),
                 width="stretch", height="content", key=f"{key}.settings")


def _curves(page: PageSpec, chosen: Sequence[Summary], label: Callable) -> None:
    key = f"{page.key}.history"
    regression = chosen[0].kind == REGRESSION
    colours = [figures.CLASS_COLOURS[(s.number - 1) % len(figures.CLASS_COLOURS)] for s in chosen]  # a run's own
    loss = [(label(s), *series.downsample(s.metrics.step, s.metrics.smoothed)) for s in chosen]
    loss_figure = figures.curves_figure(
        loss, title=t("history.loss_title"), x_title=t("charts.step"),
        y_title=t("rnn_regression.mse_log") if regression else t("charts.loss"), log_y=regression, colours=colours)
    if regression:
        st.plotly_chart(loss_figure, key=f"{key}.loss")
        return
    left, right = st.columns(2)
    left.plotly_chart(loss_figure, key=f"{key}.loss")
    accuracy = [(label(s), *s.metrics.accuracy_curve()) for s in chosen]
    right.plotly_chart(figures.curves_figure(
        accuracy, title=t("history.accuracy_title"), x_title=t("charts.step"), y_title=t("charts.accuracy"),
        y_range=(0, 1), markers=True, colours=colours), key=f"{key}.accuracy")


def _results(chosen: Sequence[Summary], label: Callable) -> pd.DataFrame:
    rows = []
    for s in chosen:
        row = {t("history.col_run"): label(s), t("history.col_status"): t(f"history.status.{s.status}"),
               t("history.col_steps"): f"{s.steps:,} / {s.total:,}",
               t("history.col_loss"): f"{s.final_loss:.4f}" if s.final_loss is not None else "–"}
        if s.kind != REGRESSION:
            row[t("history.col_accuracy")] = f"{s.accuracy:.1%}" if s.accuracy is not None else "–"
            row[t("history.col_whole_test")] = f"{s.whole_test:.2%}" if s.whole_test is not None else "–"
        rows.append(row)
    return pd.DataFrame(rows)


def _settings_table(page: PageSpec, chosen: Sequence[Summary], label: Callable) -> tuple[pd.DataFrame, pd.Series]:
    """One row per setting, one column per run (all as text: a column mixes numbers and words), and
    for each row whether the runs differ in it."""
    rows = {t(f"{page.key}.controls.{control.name}"): [
        controls.shown(page.key, control, s.settings[control.name]) if control.name in s.settings else "–"
        for s in chosen] for control in page.all_controls}
    if chosen[0].kind != REGRESSION:
        rows[t("common.dataset")] = [dataset_label(s.dataset) for s in chosen]
    rows[t("history.start")] = [s.weights_from or t("history.start_seed") for s in chosen]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=[label(s) for s in chosen])
    return table, table.nunique(axis=1) > 1


def one_run(page: PageSpec, summaries: Sequence[Summary], label: Callable, run: Run | None) -> None:
    """One run's settings as a link and back in the sidebar, and its downloads. `run`: the page's
    current run, when it is the last of `summaries`."""
    key = f"{page.key}.history"
    numbers = [summary.number for summary in summaries]
    number = st.selectbox(t("history.pick_one"), numbers, index=len(numbers) - 1, format_func=label,
                          key=f"{key}.one.{'-'.join(map(str, numbers))}")
    chosen = next(summary for summary in summaries if summary.number == number)
    kept = session_runs.history(page.key).get(number)
    if kept is not None:
        weights, csv = kept.weights, chosen.metrics.csv()
    else:  # the current run: its weights unless they still move (or diverged), every step in its CSV
        weights = None if run.job.running or run.job.status == FAILED else run.trained_weights()
        csv = metrics_csv(run.records[:len(run.records)])  # a copy: the run may still append
    no_weights = t("history.stop_first") if chosen.status == RUNNING else t("history.diverged_weights")
    weights_view.downloads(f"{key}.download", f"livelab-{page.key}-run{number}", weights, csv, no_weights)
    st.button(t("history.restore"), icon="↩️", key=f"{key}.restore", on_click=_restore, args=(page, chosen))
    if st.session_state.pop(f"{key}.restored", None) == number:
        st.success(t("history.restored", run=label(number)), icon="↩️")
    st.caption(t("history.link_from_file", run=label(number), name=chosen.weights_from) if chosen.weights_from
               else t("history.link_help", run=label(number)))
    st.code(controls.share_link(chosen.settings, chosen.dataset), language=None, wrap_lines=True)


def _restore(page: PageSpec, summary: Summary) -> None:
    """Callback: the run's settings (and dataset) back in the sidebar."""
    controls.restore(page.key, page.all_controls, summary.settings)
    if summary.dataset is not None:
        st.session_state[app_sidebar.DATASET_KEY] = summary.dataset
    st.session_state[f"{page.key}.history.restored"] = summary.number
