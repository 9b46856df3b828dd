"""Charts that every training page draws the same way."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core import figures, series
from ui.i18n import t


def loss_chart(records: Sequence, *, y_title: str, key: str, place=st, marker: int | None = None,
               x_range: tuple[int, int] | None = None) -> None:
    """Each step's loss and its smoothed curve, downsampled for drawing; `marker` marks the
    timeline's step, `x_range` keeps the axis of the whole run while it rewinds."""
    steps, raw, smoothed = series.loss_curve(records)
    place.plotly_chart(figures.loss_figure(
        steps, raw, smoothed, title=t("charts.loss_title"), x_title=t("charts.step"), y_title=y_title,
        raw_name=t("charts.raw"), smoothed_name=t("charts.smoothed"), marker=marker, x_range=x_range), key=key)
