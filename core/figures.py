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
    fig.update_layout(showlegend=False)  # each point is its own label
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


TARGET_COLOUR, SIGNAL_COLOUR = "#d62728", "#1f77b4"  # the seed's red target and blue input / prediction
MUTED_COLOUR = "#9ca3af"  # a grey for context lines


def signals_figure(series: Sequence[tuple[str, np.ndarray, np.ndarray, str]], *, title: str, x_title: str,
                   y_title: str, highlight: tuple[float, float] | None = None, height: int = 320) -> go.Figure:
    """Named (x, y, colour) lines, e.g. a target and a prediction along the time axis;
    `highlight` shades one span of x (the newest window while training)."""
    fig = go.Figure([go.Scatter(x=x, y=y, name=name, mode="lines", line=dict(color=colour, width=2))
                     for name, x, y, colour in series])
    if highlight is not None:
        fig.add_vrect(x0=highlight[0], x1=highlight[1], fillcolor="#fde68a", opacity=0.4, line_width=0, layer="below")
    return _layout(fig, title, x_title, y_title, height)


def heatmap_figure(z: np.ndarray, x: np.ndarray, *, title: str, x_title: str, y_title: str,
                   height: int = 320) -> go.Figure:
    """Rows of values over x (e.g. each hidden unit over time), blue below zero and red above."""
    fig = go.Figure(go.Heatmap(z=z, x=x, colorscale="RdBu", reversescale=True, zmid=0,
                               colorbar=dict(thickness=10)))
    return _layout(fig, title, x_title, y_title, height)


def row_heatmap_figure(z: np.ndarray, *, title: str, x_title: str, y_title: str, row: int | None = None,
                       x_labels: Sequence[str] | None = None, colorscale: str = "Blues",
                       zmid: float | None = None, height: int = 420) -> go.Figure:
    """A (T, K) matrix with one line per time step, top to bottom; `row` (0-based) is outlined."""
    steps = np.arange(1, len(z) + 1)
    fig = go.Figure(go.Heatmap(
        z=z, x=list(x_labels) if x_labels is not None else None, y=steps, colorscale=colorscale, zmid=zmid,
        hovertemplate=f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>%{{z:.3f}}<extra></extra>",
    ))
    fig = _layout(fig, title, x_title, y_title, height=height)
    fig.update_yaxes(autorange="reversed")
    if x_labels is not None:
        fig.update_xaxes(type="category")
    if row is not None:
        fig.add_shape(type="rect", xref="x domain", x0=0, x1=1, y0=row + 0.5, y1=row + 1.5,
                      line=dict(color="#e15759", width=2))
    return fig


def image_row_figure(image: np.ndarray, row: int, *, title: str = "", height: int = 320) -> go.Figure:
    """A greyscale image with row `row` (0-based) outlined and the rows not read yet veiled."""
    fig = image_figure(image, title=title, height=height)
    width = image.shape[1]
    fig.add_shape(type="rect", x0=-0.5, x1=width - 0.5, y0=row - 0.5, y1=row + 0.5,
                  line=dict(color="#e15759", width=2))
    if row + 1 < image.shape[0]:  # rows not read yet are dimmed
        fig.add_shape(type="rect", x0=-0.5, x1=width - 0.5, y0=row + 0.5, y1=image.shape[0] - 0.5,
                      fillcolor="rgba(255,255,255,0.35)", line=dict(width=0))
    return fig


def log_curves_figure(series: Sequence[tuple[str, np.ndarray, np.ndarray]], *, title: str, x_title: str,
                      y_title: str) -> go.Figure:
    """`curves_figure` on a log-scale y axis, for quantities spanning orders of magnitude."""
    fig = curves_figure(series, title=title, x_title=x_title, y_title=y_title, markers=True)
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


def probability_figure(probs: np.ndarray, classes: Sequence[str], *, title: str, x_title: str,
                       height: int = 300) -> go.Figure:
    """One horizontal bar per class, first class on top; the most likely one in colour."""
    top = int(np.argmax(probs))
    colours = [CLASS_COLOURS[0] if c == top else "#cbd5e1" for c in range(len(classes))]
    fig = go.Figure(go.Bar(
        x=probs, y=list(classes), orientation="h", marker_color=colours,
        text=[f"{p:.0%}" for p in probs], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.1%}<extra></extra>",
    ))
    fig = _layout(fig, title, x_title, "", height=height)
    fig.update_xaxes(range=(0, 1.15), tickformat=".0%")
    fig.update_yaxes(type="category", autorange="reversed")
    return fig


def _tile(maps: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """(N, H, W) -> one (rows*(H+gap)-gap, columns*(W+gap)-gap) array, NaN between the tiles."""
    n, h, w = maps.shape
    rows = -(-n // columns)
    grid = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan, np.float32)
    for i, tile in enumerate(maps):
        r, c = divmod(i, columns)
        grid[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tile
    return grid


def feature_grid_figure(maps: np.ndarray, *, title: str, item: str, columns: int = 8,
                        signed: bool = False, height: int | None = None) -> go.Figure:
    """Small images (N, H, W) side by side, each scaled on its own so weak ones still show:
    [0, max] in greys (feature maps) or, `signed`, [-max, max] blue to red (filters).
    Hovering a tile names it "`item` i" (from 1)."""
    n, h, w = maps.shape
    peak = np.abs(maps).reshape(n, -1).max(1).reshape(n, 1, 1)
    scaled = np.divide(maps, peak, out=np.zeros_like(maps, dtype=np.float32), where=peak > 0)
    grid = _tile(scaled, columns)
    index = _tile(np.broadcast_to(np.arange(1, n + 1, dtype=np.float32).reshape(n, 1, 1), maps.shape), columns)
    fig = go.Figure(go.Heatmap(
        z=grid, customdata=index, showscale=False, colorscale="RdBu_r" if signed else "gray",
        zmin=-1 if signed else 0, zmax=1, hovertemplate=f"{item} %{{customdata:.0f}}<extra></extra>",
    ))
    rows = -(-n // columns)
    fig.update_layout(title=title, height=height or 60 + 60 * rows * max(1, round(h / w)),
                      margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="rgba(0,0,0,0)")
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    return fig


def saliency_figure(image: np.ndarray, saliency: np.ndarray, *, title: str, height: int = 300) -> go.Figure:
    """The image in dim greys with the saliency (H, W) in [0, 1] laid over it in red."""
    grey = 0.35 * np.clip(image, 0, 1)
    rgb = np.stack([np.maximum(grey, saliency), grey * (1 - saliency), grey * (1 - saliency)], axis=-1)
    fig = go.Figure(go.Image(z=(rgb * 255).round().astype(np.uint8), hoverinfo="skip"))
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(showticklabels=False, showgrid=False)
    fig.update_yaxes(showticklabels=False, showgrid=False)
    return fig
