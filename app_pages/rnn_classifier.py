"""RNN on MNIST: an LSTM (or GRU, or plain RNN) reads each image as 28 rows of 28 pixels and
classifies it from the last row's output. Train it live, race the three cells, watch one image
being read row by row, and see how far back each cell's gradient reaches."""

from functools import partial

import streamlit as st

from core.run import cell_comparison_run, classifier_run
from ui import app_sidebar, history_view, live, run_buttons, session_runs
from ui.classifier_view import ClassifierCharts, show_before_training, whole_test_set
from ui.controls import sidebar
from ui.export_view import script_download
from ui.i18n import t
from ui.page_specs import RNN_CLASSIFIER as PAGE
from ui.rnn_classifier_view import draw_cell_comparison, gradient_view, reading_view

COMPARE = f"{PAGE.key}.compare"

st.title(t("rnn_classifier.title"))
st.caption(t("rnn_classifier.intro"))
data = app_sidebar.dataset()
settings = sidebar(PAGE.key, PAGE.all_controls)
script_download(PAGE, settings, data.name)
spec, config = PAGE.split(settings, num_classes=len(data.classes), **app_sidebar.fixed())
with st.expander(t("rnn_classifier.notes_title")):
    st.markdown(t("rnn_classifier.notes"))

train_tab, compare_tab, reading_tab, gradient_tab = st.tabs([
    t("rnn_classifier.tab_train"), t("rnn_classifier.tab_compare"),
    t("rnn_classifier.tab_reading"), t("rnn_classifier.tab_gradients")])
with train_tab:
    with st.expander(t("rnn_classifier.before_training"), expanded=session_runs.get(PAGE.key) is None):
        st.caption(t("rnn_classifier.tutorial_defaults"))
        show_before_training(data, spec, config.seed)
    start = partial(classifier_run, spec, config, data, settings)
    run = run_buttons.panel(PAGE.key, start, settings, data)
    if run is not None:
        whole_test_set(run, PAGE.key)
        live.follow(run, ClassifierCharts(run.data, PAGE.key).draw)
    history_view.show(PAGE, run, start, data)
with compare_tab:
    st.caption(t("rnn_classifier.compare.intro"))
    compare = run_buttons.panel(COMPARE, lambda: cell_comparison_run(spec, config, data, settings), settings, data,
                         hint_key="rnn_classifier.compare.press_train")
    if compare is not None:
        live.follow(compare, draw_cell_comparison)
with reading_tab:
    reading_view(run)
with gradient_tab:
    gradient_view(compare, spec, config.seed, data)
