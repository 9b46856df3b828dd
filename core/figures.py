"""Plotly figure builders: arrays in, go.Figure out. No Streamlit, no translation:
the caller passes every user-facing word, so one builder serves every language."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

CLASS_COLOURS = (  # ten distinct, colour-blind-friendly hues (Tableau 10)
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)


MARGIN = dict(l=10, r=10, t=40, b=10)
LEGEND = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0)
HIDDEN_AXIS = dict(showticklabels=False, showgrid=False, zeroline=False)


def _figure(traces: Sequence[dict], *, title: str, x_title: str = "", y_title: str = "", height: int = 320,
            xaxis: dict | None = None, yaxis: dict | None = None, frames: Sequence[dict] = (), **layout) -> go.Figure:
    """One figure, built and validated in a single call. Pages rebuild their charts several times a
    second while a model trains (on the same cores); Plotly validates a whole layout given at once
    faster than through successive update_layout / update_axes calls."""
    return go.Figure(data=list(traces), frames=list(frames) or None, layout=dict(
        template=_template(pio.templates.default, frozenset(trace["type"] for trace in traces)),
        title=dict(text=title), height=height, margin=MARGIN, legend=LEGEND,
        uirevision="keep",  # keep the student's zoom while the chart updates in place
        xaxis=dict(title=dict(text=x_title), **(xaxis or {})),
        yaxis=dict(title=dict(text=y_title), **(yaxis or {})),
        **layout))


@functools.cache
def _template(name: str | None, types: frozenset[str]) -> dict | None:
    """The default template (Streamlit's, in the app) with the trace defaults of `types` only: every
    figure sends its template along, and the defaults of the kinds of chart it does not draw were a
    third of a live chart's bytes. Plotly applies them to traces of their own kind only."""
    if not name or name not in pio.templates:
        return None
    template = pio.templates[name].to_plotly_json()
    return {**template, "data": {kind: value for kind, value in template.get("data", {}).items() if kind in types}}


def _line(x, y, name: str, mode: str = "lines", **style) -> dict:
    return dict(type="scatter", x=x, y=y, name=name, mode=mode, **style)


MARKER_COLOUR = "#e15759"  # the timeline's step, marked on every curve


def _step_marker(x: float | None) -> list[dict]:
    """A dashed vertical line at step `x` (the step the timeline shows), or nothing."""
    return [] if x is None else [dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
                                      line=dict(color=MARKER_COLOUR, width=1.5, dash="dash"))]


def loss_figure(steps: np.ndarray, raw: np.ndarray, smoothed: np.ndarray, *, title: str, x_title: str,
                y_title: str, raw_name: str, smoothed_name: str, marker: float | None = None,
                x_range: tuple[float, float] | None = None) -> go.Figure:
    """Each step's loss and its smoothed curve; `marker` marks a step, `x_range` keeps the axis put
    while the timeline rewinds. Values go out as 32-bit floats: their 7 digits are more than an axis
    shows, and a live page sends this chart several times a second."""
    raw, smoothed = np.asarray(raw, np.float32), np.asarray(smoothed, np.float32)
    return _figure([_line(steps, raw, raw_name, line=dict(width=1, color="#9ecae1")),
                    _line(steps, smoothed, smoothed_name, line=dict(width=2, color="#08519c"))],
                   title=title, x_title=x_title, y_title=y_title, shapes=_step_marker(marker),
                   xaxis=dict(range=x_range) if x_range else None)


def curves_figure(series: Sequence[tuple[str, np.ndarray, np.ndarray]], *, title: str, x_title: str,
                  y_title: str, y_range: tuple[float, float] | None = None, markers: bool = False,
                  log_y: bool = False, marker: float | None = None, x_range: tuple[float, float] | None = None,
                  colours: Sequence[str] | None = None) -> go.Figure:
    """Several named (x, y) lines on one chart: accuracy, or one curve per model to compare;
    `log_y` for quantities spanning orders of magnitude; `marker` marks a step; `colours`, one per
    line, to keep a line's colour the same from chart to chart (the theme's own are shades of one hue)."""
    mode = "lines+markers" if markers else "lines"
    yaxis = dict(type="log", exponentformat="power") if log_y else {}
    if y_range is not None:
        yaxis["range"] = y_range
    styles = [{} for _ in series] if colours is None else \
        [dict(line=dict(color=colour), marker=dict(color=colour)) for colour in colours]
    return _figure([_line(x, y, name, mode=mode, **style) for (name, x, y), style in zip(series, styles, strict=True)],
                   title=title, x_title=x_title, y_title=y_title, yaxis=yaxis, shapes=_step_marker(marker),
                   xaxis=dict(range=x_range) if x_range else None)


def embedding_figure(frames: Sequence[tuple[str, np.ndarray]], labels: np.ndarray, classes: Sequence[str], *,
                     title: str, hover: Sequence[str] | None = None, drawing: tuple[np.ndarray, str] | None = None,
                     play: str = "▶", pause: str = "❚❚", height: int = 480) -> go.Figure:
    """Each point drawn as its class's digit/initial, coloured by class (the tutorial's plot).

    `frames` are (label, coords (N, 2)) in order, the last one shown; with more than one, a Play
    button and a slider animate them in the browser (Plotly frames, no redraw), on fixed axes so
    that points can be followed from frame to frame; the slider shows the label of the frame
    shown. Point i is test image i: its customdata, for selections. `hover` is each
    point's hover text; `drawing` is (xy, label) of one more point drawn large (the playground's
    digit among the test digits)."""
    last = frames[-1][1]
    masks = [(c, labels == c) for c in range(len(classes)) if (labels == c).any()]
    traces = [_class_points(last, labels, mask, c, classes, hover) for c, mask in masks]
    if drawing is not None:
        (x, y), label = drawing
        traces.append(dict(type="scatter", x=[x], y=[y], mode="markers+text", name=label, text=[label],
                           textposition="top center", hoverinfo="name",
                           marker=dict(symbol="star", size=22, color="#111827", line=dict(color="white", width=2))))
    every = np.concatenate([coords for _, coords in frames] + ([np.asarray([drawing[0]])] if drawing else []))
    pad = 0.05 * (every.max(0) - every.min(0) + 1e-6)
    axes = [dict(showticklabels=False, zeroline=False, range=[float(lo), float(hi)])
            for lo, hi in zip(every.min(0) - pad, every.max(0) + pad, strict=True)]
    layout = dict(showlegend=False, dragmode="select")  # each point is its own label; drag to select
    animation = []
    if len(frames) > 1:
        animation = [dict(name=name, data=[dict(x=coords[mask, 0], y=coords[mask, 1]) for _, mask in masks],
                          traces=list(range(len(masks)))) for name, coords in frames]
        still = dict(frame=dict(duration=0, redraw=False), transition=dict(duration=0), mode="immediate")
        layout["updatemenus"] = [dict(type="buttons", direction="left", x=0, y=0, xanchor="left", yanchor="top",
                                      showactive=False, pad=dict(t=40, r=10), buttons=[
            dict(label=play, method="animate", args=[None, dict(frame=dict(duration=700, redraw=False),
                                                                transition=dict(duration=500), fromcurrent=False)]),
            dict(label=pause, method="animate", args=[[None], still]),
        ])]
        layout["sliders"] = [dict(active=len(frames) - 1, x=0.25, len=0.75, y=0, yanchor="top", pad=dict(t=30),
                                  currentvalue=dict(xanchor="right", font=dict(size=12)),
                                  steps=[dict(label=name, method="animate", args=[[name], still])
                                         for name, _ in frames])]
    return _figure(traces, title=title, height=height, xaxis=axes[0], yaxis=axes[1], frames=animation, **layout)


BRAILLE_BASE = 0x2800
BRAILLE_DOTS = ((0, 0, 0x01), (1, 0, 0x02), (2, 0, 0x04), (3, 0, 0x40),  # (row, column, bit) in a 4x2 cell
                (0, 1, 0x08), (1, 1, 0x10), (2, 1, 0x20), (3, 1, 0x80))


def digit_art(image: np.ndarray, threshold: float = 0.35) -> str:
    """A (28, 28) image in [0, 1] (or uint8) as at most 7 lines of 14 Braille characters: each one a
    2x4 block of dots, cropped to the lines and columns with ink (an embedding's hover texts are most
    of its bytes). Plotly's hover box shows text, not pictures, and this lets a student see which
    digit a point is by pointing at it."""
    ink = np.asarray(image, dtype=np.float32)
    ink = (ink / 255 if ink.max() > 1 else ink) > threshold
    rows, columns = ink.shape
    ink = np.pad(ink, ((0, -rows % 4), (0, -columns % 2)))
    codes = np.full((ink.shape[0] // 4, ink.shape[1] // 2), BRAILLE_BASE)
    for r, c, bit in BRAILLE_DOTS:
        codes += ink[r::4, c::2] * bit
    inked = codes != BRAILLE_BASE
    lines, cells = np.flatnonzero(inked.any(1)), np.flatnonzero(inked.any(0))
    if len(lines):
        codes = codes[lines[0]:lines[-1] + 1, cells[0]:cells[-1] + 1]
    return "<br>".join("".join(map(chr, line)) for line in codes)


def _class_points(coords: np.ndarray, labels: np.ndarray, mask: np.ndarray, c: int, classes: Sequence[str],
                  hover: Sequence[str] | None) -> dict:
    name = classes[c]
    count = int(mask.sum())
    return dict(type="scatter", x=coords[mask, 0], y=coords[mask, 1], mode="text", name=name,
                text=[name[:1] if len(classes) == 10 and name.isdigit() else str(c)] * count,
                textfont=dict(color=CLASS_COLOURS[c % len(CLASS_COLOURS)], size=12),
                customdata=np.flatnonzero(mask), hoverinfo="text",
                hovertext=[hover[i] for i in np.flatnonzero(mask)] if hover is not None else [name] * count,
                hoverlabel=dict(font=dict(family="monospace")))


def confusion_figure(matrix: np.ndarray, classes: Sequence[str], *, title: str, x_title: str,
                     y_title: str, selected: tuple[int, int] | None = None, height: int = 420) -> go.Figure:
    """Rows are true classes, columns predictions; each cell shows its count. An invisible point on
    every cell makes cells clickable (a heatmap itself cannot be selected); its customdata is the
    cell's number, true * C + predicted. `selected` (true, predicted) outlines one cell."""
    labels = list(classes)
    n = len(labels)
    true, predicted = np.divmod(np.arange(n * n), n)
    cells = dict(type="scatter", x=[labels[p] for p in predicted], y=[labels[t] for t in true], mode="markers",
                 marker=dict(size=28, opacity=0.01, color="#000000"), customdata=np.arange(n * n),
                 text=matrix.reshape(-1),
                 hovertemplate=f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>%{{text}}<extra></extra>")
    outline = [] if selected is None else [dict(
        type="rect", xref="x", yref="y", x0=selected[1] - 0.5, x1=selected[1] + 0.5, y0=selected[0] - 0.5,
        y1=selected[0] + 0.5, line=dict(color=MARKER_COLOUR, width=3))]
    return _figure([dict(type="heatmap", z=matrix, x=labels, y=labels, colorscale="Blues", showscale=False,
                         texttemplate="%{z}", hoverinfo="skip"), cells],
                   title=title, x_title=x_title, y_title=y_title, height=height, showlegend=False,
                   shapes=outline, clickmode="event+select",
                   xaxis=dict(type="category", side="bottom"), yaxis=dict(autorange="reversed", type="category"))


def image_figure(image: np.ndarray, *, title: str = "", height: int = 240, shapes: Sequence[dict] = ()) -> go.Figure:
    """A greyscale image (H, W) as a heatmap with square pixels; `shapes` are drawn over it."""
    return go.Figure(
        data=[dict(type="heatmap", z=image, colorscale="gray", showscale=False, hoverinfo="skip")],
        layout=dict(title=dict(text=title), height=height, margin={**MARGIN, "t": 40 if title else 10},
                    yaxis=dict(autorange="reversed", scaleanchor="x", showticklabels=False),
                    xaxis=dict(showticklabels=False, constrain="domain"), shapes=list(shapes)))


TARGET_COLOUR, SIGNAL_COLOUR = "#d62728", "#1f77b4"  # the tutorial's red target and blue input / prediction
MUTED_COLOUR = "#9ca3af"  # a grey for context lines


def signals_figure(series: Sequence[tuple[str, np.ndarray, np.ndarray, str]], *, title: str, x_title: str,
                   y_title: str, highlight: tuple[float, float] | None = None, height: int = 320) -> go.Figure:
    """Named (x, y, colour) lines, e.g. a target and a prediction along the time axis;
    `highlight` shades one span of x (the newest window while training)."""
    shapes = [] if highlight is None else [dict(
        type="rect", xref="x", yref="paper", x0=highlight[0], x1=highlight[1], y0=0, y1=1,
        fillcolor="#fde68a", opacity=0.4, line=dict(width=0), layer="below")]
    return _figure([_line(x, y, name, line=dict(color=colour, width=2)) for name, x, y, colour in series],
                   title=title, x_title=x_title, y_title=y_title, height=height, shapes=shapes)


def heatmap_figure(z: np.ndarray, x: np.ndarray, *, title: str, x_title: str, y_title: str,
                   height: int = 320) -> go.Figure:
    """Rows of values over x (e.g. each hidden unit over time), blue below zero and red above."""
    return _figure([dict(type="heatmap", z=z, x=x, colorscale="RdBu", reversescale=True, zmid=0,
                         colorbar=dict(thickness=10))],
                   title=title, x_title=x_title, y_title=y_title, height=height)


def row_heatmap_figure(z: np.ndarray, *, title: str, x_title: str, y_title: str, row: int | None = None,
                       x_labels: Sequence[str] | None = None, colorscale: str = "Blues",
                       zmid: float | None = None, height: int = 420) -> go.Figure:
    """A (T, K) matrix with one line per time step, top to bottom; `row` (0-based) is outlined."""
    steps = np.arange(1, len(z) + 1)
    shapes = [] if row is None else [dict(type="rect", xref="x domain", x0=0, x1=1, y0=row + 0.5, y1=row + 1.5,
                                          line=dict(color="#e15759", width=2))]
    return _figure([dict(
        type="heatmap", z=z, x=list(x_labels) if x_labels is not None else None, y=steps, colorscale=colorscale,
        zmid=zmid, hovertemplate=f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>%{{z:.3f}}<extra></extra>",
    )], title=title, x_title=x_title, y_title=y_title, height=height, yaxis=dict(autorange="reversed"),
        xaxis=dict(type="category") if x_labels is not None else None, shapes=shapes)


def image_row_figure(image: np.ndarray, row: int, *, title: str = "", height: int = 320) -> go.Figure:
    """A greyscale image with row `row` (0-based) outlined and the rows not read yet veiled."""
    width = image.shape[1]
    shapes = [dict(type="rect", x0=-0.5, x1=width - 0.5, y0=row - 0.5, y1=row + 0.5,
                   line=dict(color="#e15759", width=2))]
    if row + 1 < image.shape[0]:  # rows not read yet are dimmed
        shapes.append(dict(type="rect", x0=-0.5, x1=width - 0.5, y0=row + 0.5, y1=image.shape[0] - 0.5,
                           fillcolor="rgba(255,255,255,0.35)", line=dict(width=0)))
    return image_figure(image, title=title, height=height, shapes=shapes)


def probability_figure(probs: np.ndarray, classes: Sequence[str], *, title: str, x_title: str,
                       height: int = 300) -> go.Figure:
    """One horizontal bar per class, first class on top; the most likely one in colour."""
    top = int(np.argmax(probs))
    colours = [CLASS_COLOURS[0] if c == top else "#cbd5e1" for c in range(len(classes))]
    return _figure([dict(
        type="bar", x=probs, y=list(classes), orientation="h", marker=dict(color=colours),
        text=[f"{p:.0%}" for p in probs], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.1%}<extra></extra>",
    )], title=title, x_title=x_title, height=height, xaxis=dict(range=(0, 1.15), tickformat=".0%"),
        yaxis=dict(type="category", autorange="reversed"))


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
    rows = -(-n // columns)
    return go.Figure(data=[dict(
        type="heatmap", z=grid, customdata=index, showscale=False, colorscale="RdBu_r" if signed else "gray",
        zmin=-1 if signed else 0, zmax=1, hovertemplate=f"{item} %{{customdata:.0f}}<extra></extra>",
    )], layout=dict(title=dict(text=title), height=height or 60 + 60 * rows * max(1, round(h / w)), margin=MARGIN,
                    plot_bgcolor="rgba(0,0,0,0)", yaxis=dict(autorange="reversed", scaleanchor="x", **HIDDEN_AXIS),
                    xaxis=dict(constrain="domain", **HIDDEN_AXIS)))


def saliency_figure(image: np.ndarray, saliency: np.ndarray, *, title: str, height: int = 300) -> go.Figure:
    """The image in dim greys with the saliency (H, W) in [0, 1] laid over it in red."""
    grey = 0.35 * np.clip(image, 0, 1)
    rgb = np.stack([np.maximum(grey, saliency), grey * (1 - saliency), grey * (1 - saliency)], axis=-1)
    return go.Figure(data=[dict(type="image", z=(rgb * 255).round().astype(np.uint8), hoverinfo="skip")],
                     layout=dict(title=dict(text=title), height=height, margin=MARGIN,
                                 xaxis=dict(showticklabels=False, showgrid=False),
                                 yaxis=dict(showticklabels=False, showgrid=False)))


def experiment_figure(groups: Sequence[tuple[str, Sequence, Sequence[float], Sequence[str], Sequence[str]]], *,
                      title: str, x_title: str, y_title: str, log_x: bool = False, categories: Sequence = (),
                      y_range: tuple[float, float] | None = None, height: int = 420) -> go.Figure:
    """The class experiment: one point per run, a setting (x) against the run's figure (y). `groups`:
    (name, xs, ys, hover texts, run ids), one colour each; a point's customdata is its run id, for a
    click. `categories` orders a setting whose values are names (an optimizer, a cell)."""
    traces = [dict(type="scatter", mode="markers", name=name, x=list(xs), y=list(ys), text=list(texts),
                   customdata=list(ids), hovertemplate="%{text}<extra></extra>",
                   marker=dict(size=12, color=CLASS_COLOURS[i % len(CLASS_COLOURS)], line=dict(width=1, color="#fff")))
              for i, (name, xs, ys, texts, ids) in enumerate(groups)]
    xaxis = {}
    if log_x:
        xaxis = dict(type="log")
    elif categories:
        xaxis = dict(type="category", categoryorder="array", categoryarray=list(categories))
    return _figure(traces, title=title, x_title=x_title, y_title=y_title, height=height, xaxis=xaxis,
                   yaxis=dict(range=y_range) if y_range else None, clickmode="event+select")


def class_curves_figure(curves: Sequence[tuple[str, np.ndarray, np.ndarray]], median: tuple[np.ndarray, np.ndarray],
                        *, title: str, x_title: str, y_title: str, median_name: str, log_y: bool = False,
                        height: int = 380) -> go.Figure:
    """Every run's smoothed loss, thin and pale, with the class's median drawn bold over them, and a dot
    at each run's latest step that names it on hover. The runs are one trace, a gap between two runs,
    in single precision: a board of 30 runs redrawn every few seconds validates and sends three traces,
    not 31, and no name per point."""
    traces = []
    if curves:
        gap = np.array([np.nan])  # where one run's curve ends and the next begins
        x = np.concatenate([part for _, steps, _ in curves for part in (steps, gap)]).astype(np.float32)
        y = np.concatenate([part for _, _, values in curves for part in (values, gap)]).astype(np.float32)
        traces.append(_line(x, y, "", line=dict(width=1, color="#9ca3af"), opacity=0.6, showlegend=False,
                            hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
        latest = [(name, int(steps[-1]), float(values[-1])) for name, steps, values in curves if len(steps)]
        traces.append(_line([step for _, step, _ in latest], [value for _, _, value in latest], "", mode="markers",
                            marker=dict(size=6, color="#6b7280"), showlegend=False,
                            text=[name for name, _, _ in latest],
                            hovertemplate="%{text}<br>%{x}: %{y:.3f}<extra></extra>"))
    if len(median[0]):
        traces.append(_line(median[0], median[1], median_name, line=dict(width=3, color="#08519c")))
    return _figure(traces, title=title, x_title=x_title, y_title=y_title, height=height,
                   yaxis=dict(type="log", exponentformat="power") if log_y else None)
