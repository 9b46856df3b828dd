"""RNN on MNIST: an LSTM (or GRU, or plain RNN) reads each image as 28 rows of 28 pixels and
classifies it from the last row's output. Train it live, race the three cells, watch one image
being read row by row, and see how far back each cell's gradient reaches."""

import numpy as np
import streamlit as st

from core import figures, history, rnn_analysis
from core.models import RNNClassifier
from core.runner import BackgroundRun
from core.training import LR_SCHEDULES, seeded, total_steps, train_classifier
from ui import app_sidebar, runs
from ui.classifier_view import ClassifierCharts, show_before_training, whole_test_set
from ui.controls import Control, sidebar
from ui.i18n import t

PAGE, COMPARE = "rnn_classifier", "rnn_classifier.compare"
DEFAULTS = rnn_analysis.PAGE_CONFIG
# The tutorial's settings, its learning rate decaying linearly (hidden size 128 was tried as a default:
# on MNIST +0.3%, at twice the time per step).
CONTROLS = (
    Control("cell", "lstm", options=("lstm", "gru", "rnn")),
    Control("hidden_size", rnn_analysis.SEED_HIDDEN_SIZE, 16, 256, 16),
    Control("num_layers", 1, 1, 3),
    Control("epochs", DEFAULTS.epochs, 1, 10),
    Control("batch_size", DEFAULTS.batch_size, options=(16, 32, 64, 128, 256, 512)),
    Control("lr", DEFAULTS.lr, options=(0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)),
    Control("lr_schedule", DEFAULTS.lr_schedule, options=LR_SCHEDULES),
    Control("eval_every", DEFAULTS.eval_every, 10, 500, 10),
    Control("seed", 1, 0, 2**31 - 1),
)
MODEL_FIELDS = ("cell", "hidden_size", "num_layers")
GRADIENT_BATCH = 64  # test images behind the gradient-flow chart

st.title(t("rnn_classifier.title"))
st.caption(t("rnn_classifier.intro"))
data = app_sidebar.dataset()
settings = sidebar(PAGE, CONTROLS)
config = DEFAULTS.replace(
    **{k: v for k, v in settings.items() if k not in MODEL_FIELDS},
    embed_every=200, embed_points=300,  # a t-SNE frame per 200 steps keeps the live page cheap
    max_steps=app_sidebar.max_steps(), device=app_sidebar.device(),
)
with st.expander(t("rnn_classifier.notes_title")):
    st.markdown(t("rnn_classifier.notes"))


def cell_name(cell: str) -> str:
    return t(f"rnn_classifier.options.cell.{cell}")


def new_model() -> RNNClassifier:
    return seeded(lambda: RNNClassifier(settings["cell"], settings["hidden_size"], settings["num_layers"],
                                        num_classes=len(data.classes)), config.seed)


def start() -> runs.TrainingSession:
    model = new_model()
    return runs.TrainingSession(
        run=BackgroundRun(train_classifier(model, data, config), total_steps(len(data.train_y), config)),
        config=config, model=model, samples_per_step=config.batch_size, extra={"data": data, "settings": settings},
    )


def start_compare() -> runs.TrainingSession:
    models = rnn_analysis.cell_models(hidden_size=settings["hidden_size"], num_layers=settings["num_layers"],
                                      num_classes=len(data.classes), seed=config.seed)
    quiet = config.replace(embed_method="none", gallery_size=0)
    return runs.TrainingSession(
        run=BackgroundRun(rnn_analysis.compare_cells(models, data, quiet),
                          len(models) * total_steps(len(data.train_y), quiet)),
        config=quiet, samples_per_step=quiet.batch_size, extra={"data": data, "settings": settings, "models": models},
    )


def cell_progress(cell: str, records) -> str:
    last, accuracy = records[-1], history.latest(records, "accuracy")
    if accuracy is None:
        return t("rnn_classifier.compare.cell_progress", cell=cell_name(cell), done=last.step, total=last.total_steps)
    return t("rnn_classifier.compare.cell_progress_accuracy", cell=cell_name(cell), done=last.step,
             total=last.total_steps, accuracy=f"{accuracy:.1%}")


class CompareCharts:
    """One progress bar per cell, and every cell's loss and accuracy on shared charts."""

    def __init__(self):
        self._bars = st.empty()
        left, right = st.columns(2)
        self._loss, self._accuracy = left.empty(), right.empty()
        self._drawn_evaluations = None  # redraw the accuracy chart only when a cell was evaluated

    def draw(self, tagged) -> None:
        by_cell = {cell: [r.record for r in tagged if r.cell == cell] for cell in rnn_analysis.CELLS}
        with self._bars.container():
            for column, (cell, records) in zip(st.columns(len(by_cell)), by_cell.items(), strict=True):
                if records:
                    column.progress(records[-1].step / records[-1].total_steps, text=cell_progress(cell, records))
        losses = [(cell_name(c), steps, smoothed) for c, r in by_cell.items() if r
                  for steps, _, smoothed in [history.loss_curve(r)]]
        self._loss.plotly_chart(figures.curves_figure(
            losses, title=t("rnn_classifier.compare.loss_title"), x_title=t("charts.step"), y_title=t("charts.loss")))
        accuracies = [(cell_name(c), *history.accuracy_curve(r)) for c, r in by_cell.items() if r]
        evaluations = tuple(len(steps) for _, steps, _ in accuracies)
        if evaluations == self._drawn_evaluations:
            return
        self._drawn_evaluations = evaluations
        self._accuracy.plotly_chart(figures.curves_figure(
            accuracies, title=t("rnn_classifier.compare.accuracy_title"), x_title=t("charts.step"),
            y_title=t("charts.accuracy"), y_range=(0, 1), markers=True))


def show_next_mistake(model, images, labels, index_key: str) -> None:
    """Button callback: jump to the next test image the network gets wrong."""
    found = rnn_analysis.next_mistake(rnn_analysis.mistakes(model, images, labels), st.session_state[index_key])
    st.session_state[f"{PAGE}.reading.none_wrong"] = found is None
    if found is not None:
        st.session_state[index_key] = found


def reading_view(session: runs.TrainingSession | None) -> None:
    if session is None or not session.run.history:
        st.info(t("rnn_classifier.reading.need_model"))
        return
    run_data, model = session.extra["data"], rnn_analysis.snapshot(session.model)
    st.caption(t("rnn_classifier.reading.snapshot", step=len(session.run.history)))
    index_key, n = f"{PAGE}.reading.index", len(run_data.test_y)
    if st.session_state.get(index_key, 0) >= n:
        st.session_state[index_key] = 0
    pick, jump = st.columns([3, 1], vertical_alignment="bottom")
    index = pick.number_input(t("rnn_classifier.reading.index"), 0, n - 1, key=index_key)
    tested = slice(0, session.config.test_size)
    jump.button(t("rnn_classifier.reading.next_mistake"), key=f"{PAGE}.reading.next", width="stretch",
                on_click=show_next_mistake, args=(model, run_data.test_x[tested], run_data.test_y[tested], index_key))
    if st.session_state.get(f"{PAGE}.reading.none_wrong"):
        st.info(t("rnn_classifier.reading.no_mistakes"))
    row = st.slider(t("rnn_classifier.reading.row"), 1, 28, 28, key=f"{PAGE}.reading.row") - 1
    image = run_data.test_x[index]
    reading, classes = rnn_analysis.read_rows(model, image), run_data.classes
    guess = int(reading.probabilities[row].argmax())
    st.markdown(t("rnn_classifier.reading.verdict", row=row + 1, pred=classes[guess],
                  p=f"{reading.probabilities[row, guess]:.0%}", true=classes[int(run_data.test_y[index])],
                  final=classes[reading.prediction]))
    left, middle, right = st.columns([2, 3, 4])
    left.plotly_chart(figures.image_row_figure(image.numpy(), row, title=t("rnn_classifier.reading.image_title",
                                                                           row=row + 1)))
    middle.plotly_chart(figures.row_heatmap_figure(
        reading.probabilities, row=row, x_labels=classes, title=t("rnn_classifier.reading.probs_title"),
        x_title=t("rnn_classifier.reading.class_axis"), y_title=t("rnn_classifier.reading.row_axis")))
    right.plotly_chart(figures.row_heatmap_figure(
        reading.hidden, row=row, colorscale="RdBu", zmid=0.0, title=t("rnn_classifier.reading.hidden_title"),
        x_title=t("rnn_classifier.reading.unit_axis"), y_title=t("rnn_classifier.reading.row_axis")))


def gradient_view(compare: runs.TrainingSession | None) -> None:
    st.caption(t("rnn_classifier.gradients.intro"))
    if compare is not None and compare.run.history:
        models, run_data = compare.extra["models"], compare.extra["data"]
        st.caption(t("rnn_classifier.gradients.trained", step=compare.run.history[-1].record.step))
    else:
        models, run_data = rnn_analysis.cell_models(hidden_size=settings["hidden_size"],
                                                    num_layers=settings["num_layers"],
                                                    num_classes=len(data.classes), seed=config.seed), data
        st.caption(t("rnn_classifier.gradients.untrained"))
    x, y = run_data.test_x[:GRADIENT_BATCH], run_data.test_y[:GRADIENT_BATCH]
    rows = np.arange(1, 29)
    series = [(cell_name(cell), rows, rnn_analysis.step_gradients(rnn_analysis.snapshot(model), x, y))
              for cell, model in models.items()]
    st.plotly_chart(figures.curves_figure(series, title=t("rnn_classifier.gradients.title"),
                                          x_title=t("rnn_classifier.gradients.x_title"),
                                          y_title=t("rnn_classifier.gradients.y_title"), markers=True, log_y=True))


train_tab, compare_tab, reading_tab, gradient_tab = st.tabs([
    t("rnn_classifier.tab_train"), t("rnn_classifier.tab_compare"),
    t("rnn_classifier.tab_reading"), t("rnn_classifier.tab_gradients")])
followers = []  # (tab, session, draw): followed after every tab is laid out
with train_tab:
    with st.expander(t("rnn_classifier.before_training"), expanded=runs.get(PAGE) is None):
        st.caption(t("rnn_classifier.seed_defaults"))
        show_before_training(data, new_model())
    session = runs.panel(PAGE, start, settings, data)
    if session is not None:
        whole_test_set(session, PAGE)
        followers.append((train_tab, session, ClassifierCharts(session.extra["data"]).draw))
with compare_tab:
    st.caption(t("rnn_classifier.compare.intro"))
    compare = runs.panel(COMPARE, start_compare, settings, data, hint_key="rnn_classifier.compare.press_train")
    if compare is not None:
        followers.append((compare_tab, compare, CompareCharts().draw))
with reading_tab:
    reading_view(session)
with gradient_tab:
    gradient_view(compare)
runs.follow_all(followers)
