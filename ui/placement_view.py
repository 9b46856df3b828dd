"""The playground's drawing among the test digits: the CNN run's latest embedding frame, with the
drawing placed where the network's last hidden layer puts it (core.inspect_cnn.place_among)."""

from __future__ import annotations

import numpy as np
import streamlit as st
from torch import nn

from core import figures, series
from core.inspect_cnn import place_among
from core.run import Run
from ui.classifier_view import hover_art
from ui.i18n import t

KEY = "playground.among_test_digits"


def show_among_test_digits(run: Run, model: nn.Module, image: np.ndarray) -> None:
    """`image` (28, 28) in [0, 1], drawn as a star in `run`'s newest embedding frame, placed by
    `model` (the snapshot of `run`'s network that also gave the prediction above)."""
    st.subheader(t("playground.among_title"))
    record = series.latest_record(run.records, "embedding")
    if record is None:
        st.info(t("playground.among_no_frame"))
        return
    frame, data = record.embedding, run.data
    n = len(frame.labels)
    xy = place_among(model, image, data.test_x[:n], frame.coords)
    method = t(f"charts.method_{frame.method}")
    st.plotly_chart(figures.embedding_figure(
        [(t("charts.frame_label", step=record.step), frame.coords)], frame.labels, data.classes,
        title=t("playground.among_chart", method=method, step=record.step), hover=hover_art(data, n),
        drawing=(xy, t("playground.among_you"))), key=KEY)
    st.caption(t("playground.among_help", n=n))
