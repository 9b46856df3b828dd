"""CNN on MNIST: the tutorial's two conv blocks, trained live; watch the loss fall, accuracy rise
and the last hidden layer's t-SNE sort itself into clusters."""

from functools import partial

import streamlit as st

from core.run import classifier_run
from ui import app_sidebar, history_view, live, network_editor, run_buttons
from ui.classifier_view import ClassifierCharts, show_before_training, whole_test_set
from ui.controls import sidebar
from ui.export_view import script_download
from ui.i18n import t
from ui.page_specs import CNN

st.title(t("cnn.title"))
st.caption(t("cnn.intro"))
data = app_sidebar.dataset()
settings = sidebar(CNN.key, CNN.all_controls)
if refused := network_editor.refusal(settings["blocks"], settings["fc"]):  # instead of Train, the reason
    st.error(refused, icon="🚫")
    st.stop()
script_download(CNN, settings, data.name)
spec, config = CNN.split(settings, num_classes=len(data.classes), **app_sidebar.fixed())

start = partial(classifier_run, spec, config, data, settings)  # start(weights=...): from a weights file
run = run_buttons.panel(CNN.key, start, settings, data)
# Before training the data and the network are the show; once a run exists they fold away
# (a new label, so Streamlit draws a new, closed expander) and the charts take their place.
before = run is None
with st.expander(t("cnn.before_training") if before else t("cnn.data_and_network"), expanded=before):
    show_before_training(data, spec, config.seed)
with st.expander(t("cnn.notes_title")):
    st.markdown(t("cnn.notes"))

if run is not None:
    st.caption(t("common.running_on", device=str(next(run.model.parameters()).device)))
    whole_test_set(run, CNN.key)
    live.follow(run, ClassifierCharts(run.data, CNN.key, network_editor.features_name(run.spec)).draw)
history_view.show(CNN, run, start, data)  # the runs compared, downloads, training from a file
