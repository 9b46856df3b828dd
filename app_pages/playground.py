"""The playground: draw a digit (or upload a photo) and see what the networks trained in this
session (or uploaded as weights files) make of it: the MNIST-style preprocessing step by step,
every classifier's probabilities side by side, and inside the CNN and the RNN classifier."""

import streamlit as st

from core.preprocess import preprocess
from ui import app_sidebar
from ui.controls import sidebar
from ui.i18n import t
from ui.page_specs import PLAYGROUND_CONTROLS
from ui.playground_view import (
    PAGE_KEY,
    follow_training,
    offer_quick_run,
    read_digit,
    read_weights,
    readers,
    show_predictions,
    show_stages,
    trained_runs,
)

st.title(t("playground.title"))
st.caption(t("playground.intro"))
data = app_sidebar.dataset()
settings = sidebar(PAGE_KEY, PLAYGROUND_CONTROLS, heading_key="playground.drawing")

left, right = st.columns([2, 3], gap="large")
with left:
    image, source = read_digit(settings["stroke_width"])
    with st.expander(t("playground.weights_title"), icon="📦"):
        uploaded = read_weights()  # a network from a weights file reads the digit too
stages = preprocess(image) if image is not None else None
with right:
    if stages is not None:
        show_stages(stages)
    elif source != "rejected":
        st.info(t("playground.no_ink" if image is not None and source == "upload" else "playground.empty"), icon="✏️")

trained = trained_runs()
if not trained:
    offer_quick_run(data)
if stages is not None and (trained or uploaded):
    show_predictions(readers(trained, uploaded), stages.centred)  # (28, 28) float32 in [0, 1]

follow_training()
