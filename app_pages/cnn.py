"""CNN on MNIST: the seed's two conv blocks, trained live; watch the loss fall, accuracy rise
and the last hidden layer's t-SNE sort itself into clusters."""

import streamlit as st

from ui import app_sidebar, runs
from ui.classifier_view import ClassifierCharts, show_before_training, whole_test_set
from ui.cnn_session import CONTROLS, PAGE, make_config, new_model, new_session
from ui.controls import sidebar
from ui.i18n import t

st.title(t("cnn.title"))
st.caption(t("cnn.intro"))
data = app_sidebar.dataset()
settings = sidebar(PAGE, CONTROLS)
config = make_config(settings, max_steps=app_sidebar.max_steps(), device=app_sidebar.device())


def start() -> runs.TrainingSession:
    return new_session(settings, data, config)


session = runs.panel(PAGE, start, settings, data)
# Before training the data and the network are the show; once a run exists they fold away
# (a new label, so Streamlit draws a new, closed expander) and the charts take their place.
before = session is None
with st.expander(t("cnn.before_training") if before else t("cnn.data_and_network"), expanded=before):
    show_before_training(data, new_model(settings, len(data.classes)))
with st.expander(t("cnn.notes_title")):
    st.markdown(t("cnn.notes"))

if session is not None:
    st.caption(t("common.running_on", device=config.device if config.device != "auto" else
                 str(next(session.model.parameters()).device)))
    whole_test_set(session, PAGE)
    charts = ClassifierCharts(session.extra["data"])
    runs.follow(session, charts.draw)
