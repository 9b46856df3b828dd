"""CNN on MNIST: the seed's two conv blocks, trained live; watch the loss fall, accuracy rise
and the last hidden layer's t-SNE sort itself into clusters."""

import streamlit as st

from core.models import CNN
from core.runner import BackgroundRun
from core.training import ClassifierConfig, seeded, total_steps, train_classifier
from ui import app_sidebar, runs
from ui.classifier_view import ClassifierCharts, show_before_training
from ui.controls import Control, sidebar
from ui.i18n import t

PAGE = "cnn"
# Defaults are the seed's, except evaluation and embedding, which the seed ran so often that
# they took most of the time; these keep the live charts under half the cost of training.
CONTROLS = (
    Control("epochs", 1, 1, 10),
    Control("batch_size", 50, options=(16, 32, 50, 64, 128, 256, 512)),
    Control("lr", 0.001, options=(0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)),
    Control("optimizer", "adam", options=("adam", "sgd")),
    Control("conv1_channels", 16, 4, 64, 4),
    Control("conv2_channels", 32, 4, 64, 4),
    Control("kernel_size", 5, options=(3, 5, 7)),
    Control("eval_every", 100, 10, 500, 10),
    Control("test_size", 1000, 100, 5000, 100),
    Control("embed_method", "tsne", options=("tsne", "pca", "none")),
    Control("embed_every", 100, 50, 1000, 50),
    Control("embed_points", 300, 100, 1000, 50),
    Control("seed", 1, 0, 2**31 - 1),
)
MODEL_FIELDS = ("conv1_channels", "conv2_channels", "kernel_size")

st.title(t("cnn.title"))
st.caption(t("cnn.intro"))
data = app_sidebar.dataset()
settings = sidebar(PAGE, CONTROLS)
config = ClassifierConfig(
    **{k: v for k, v in settings.items() if k not in MODEL_FIELDS},
    max_steps=app_sidebar.max_steps(), device=app_sidebar.device(),
)


def new_model() -> CNN:
    return seeded(lambda: CNN((settings["conv1_channels"], settings["conv2_channels"]),
                              settings["kernel_size"], len(data.classes)), config.seed)


def start() -> runs.TrainingSession:
    model = new_model()
    return runs.TrainingSession(
        run=BackgroundRun(train_classifier(model, data, config), total_steps(len(data.train_y), config)),
        config=config, model=model, samples_per_step=config.batch_size,
        extra={"data": data, "settings": settings},
    )


with st.expander(t("cnn.before_training"), expanded=runs.get(PAGE) is None):
    show_before_training(data, new_model())

session = runs.buttons(PAGE, start)
if session is None:
    st.info(t("common.press_train"))
else:
    if session.extra["settings"] != settings or session.extra["data"] is not data:
        st.caption(t("common.settings_changed"))
    st.caption(t("common.running_on", device=config.device if config.device != "auto" else
                 str(next(session.model.parameters()).device)))
    charts = ClassifierCharts(session.extra["data"])
    runs.follow(session, charts.draw)
