"""Plotly figure builders: arrays in, go.Figure out. No Streamlit, no translation:
the caller passes every user-facing word, so one builder serves every language."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

CLASS_COLOURS = (  # ten distinct, colour-blind-friendly hues (Tableau 10)
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        title=title, height=height, margin=dict(l=10, r=10, t=40, b=10),
        xaxis_title=x_title, yaxis_title=y_title,
        uirevision="keep",  # keep the student's zoom while the chart updates in place
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
    )
    return fig


def loss_figure(steps: np.ndarray, raw: np.ndarray, smoothed: np.ndarray, *, title: str, x_title: str,
                y_title: str, raw_name: str, smoothed_name: str) -> go.Figure:
    fig = go.Figure([
        go.Scatter(x=steps, y=raw, name=raw_name, mode="lines", line=dict(width=1, color="#9ecae1")),
        go.Scatter(x=steps, y=smoothed, name=smoothed_name, mode="lines", line=dict(width=2, color="#08519c")),
    ])
    return _layout(fig, title, x_title, y_title)


def curves_figure(series: Sequence[tuple[str, np.ndarray, np.ndarray]], *, title: str, x_title: str,
                  y_title: str, y_range: tuple[float, float] | None = None, markers: bool = False) -> go.Figure:
    """Several named (x, y) lines on one chart: accuracy, or one curve per model to compare."""
    mode = "lines+markers" if markers else "lines"
    fig = go.Figure([go.Scatter(x=x, y=y, name=name, mode=mode) for name, x, y in series])
    if y_range is not None:
        fig.update_yaxes(range=y_range)
    return _layout(fig, title, x_title, y_title)


def embedding_figure(coords: np.ndarray, labels: np.ndarray, classes: Sequence[str], *, title: str,
                     height: int = 420) -> go.Figure:
    """Each point drawn as its class's digit/initial, coloured by class (the seed's plot)."""
    fig = go.Figure()
    for c, name in enumerate(classes):
        mask = labels == c
        if not mask.any():
            continue
        fig.add_trace(go.Scatter(
            x=coords[mask, 0], y=coords[mask, 1], mode="text", name=name,
            text=[name[:1] if len(classes) == 10 and name.isdigit() else str(c)] * int(mask.sum()),
            textfont=dict(color=CLASS_COLOURS[c % len(CLASS_COLOURS)], size=12),
            hovertext=[name] * int(mask.sum()), hoverinfo="text",
        ))
    fig = _layout(fig, title, "", "", height=height)
    fig.update_xaxes(showticklabels=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, zeroline=False)
    return fig


def confusion_figure(matrix: np.ndarray, classes: Sequence[str], *, title: str, x_title: str,
                     y_title: str, height: int = 420) -> go.Figure:
    """Rows are true classes, columns predictions; each cell shows its count."""
    labels = list(classes)
    fig = go.Figure(go.Heatmap(
        z=matrix, x=labels, y=labels, colorscale="Blues", showscale=False,
        texttemplate="%{z}", hovertemplate=f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>%{{z}}<extra></extra>",
    ))
    fig = _layout(fig, title, x_title, y_title, height=height)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="bottom")
    return fig


def image_figure(image: np.ndarray, *, title: str = "", height: int = 240) -> go.Figure:
    """A greyscale image (H, W) as a heatmap with square pixels."""
    fig = go.Figure(go.Heatmap(z=image, colorscale="gray", showscale=False, hoverinfo="skip"))
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False, constrain="domain")
    return fig
