"""RNN regression: a recurrent network reads sin(t) window after window and learns cos(t), carrying
its hidden state from one window to the next. Compare carrying with resetting, look inside the
hidden layer, and test the network on a time range it never trained on."""

from functools import partial

import streamlit as st

from core.run import mode_comparison_run, regression_run
from core.runner import FINISHED, STOPPED
from ui import app_sidebar, history_view, live, run_buttons, session_runs
from ui.controls import sidebar
from ui.export_view import script_download
from ui.i18n import t
from ui.page_specs import RNN_REGRESSION as PAGE
from ui.regression_view import draw_comparison, draw_training, preview, show_free_run

COMPARE = f"{PAGE.key}.compare"

st.title(t("rnn_regression.title"))
st.caption(t("rnn_regression.intro"))
settings = sidebar(PAGE.key, PAGE.all_controls)
script_download(PAGE, settings)
spec, config = PAGE.split(settings, **app_sidebar.fixed())
step_delay = settings["step_delay"]
with st.expander(t("rnn_regression.notes_title")):
    st.markdown(t("rnn_regression.notes"))
with st.expander(t("rnn_regression.before_training"), expanded=session_runs.get(PAGE.key) is None):
    preview(config)

train_tab, compare_tab = st.tabs([t("rnn_regression.tab_train"), t("rnn_regression.tab_compare")])
with train_tab:
    start = partial(regression_run, spec, config, settings, step_delay)
    run = run_buttons.panel(PAGE.key, start, settings)
    if run is not None:
        live.follow(run, draw_training)
        if run.job.status in (FINISHED, STOPPED) and run.records:
            show_free_run(run)
    history_view.show(PAGE, run, start)
with compare_tab:
    st.markdown(t("rnn_regression.compare_intro"))
    comparison = run_buttons.panel(COMPARE, lambda: mode_comparison_run(spec, config, settings, step_delay), settings,
                            hint_key="rnn_regression.press_compare")
    if comparison is not None:
        live.follow(comparison, draw_comparison)
