"""The app-wide sidebar settings (dataset, device, language) and the dataset cache.

Datasets are loaded once per server process and shared read-only by every session."""

from __future__ import annotations

import os
import threading

import streamlit as st
import torch

from core.data import DATASETS, ImageData, load_images
from core.training import pick_device, warm_up
from ui.i18n import labeller, language_selector, t

DATASET_KEY, DEVICE_KEY = "dataset", "device"
MAX_STEPS_ENV = "LIVELAB_MAX_STEPS"  # caps every training run (tests, slow demo machines)
DOWNLOAD_ENV = "LIVELAB_DOWNLOAD"  # "0": never try the network (offline classrooms, tests)


def draw() -> None:
    warm_up_torch()
    language_selector()
    if DATASET_KEY not in st.session_state and st.query_params.get(DATASET_KEY) in DATASETS:
        st.session_state[DATASET_KEY] = st.query_params[DATASET_KEY]  # a shared link names its dataset
    st.sidebar.selectbox(t("common.dataset"), DATASETS, key=DATASET_KEY, format_func=labeller("common.datasets"))
    auto = t("common.device_auto", device=pick_device().type)
    st.sidebar.selectbox(t("common.device"), available_devices(), key=DEVICE_KEY,
                         format_func=lambda name: auto if name == "auto" else name)


@st.cache_resource(show_spinner=False)
def warm_up_torch() -> threading.Thread:
    """Once per server process, in the background: pay torch's first-step import cost before
    any student presses Train."""
    thread = threading.Thread(target=warm_up, name="livelab-warm-up", daemon=True)
    thread.start()
    return thread


def available_devices() -> list[str]:
    devices = ["auto", "cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        devices.append("mps")
    return devices


def device() -> str:
    return st.session_state.get(DEVICE_KEY, "auto")


@st.cache_resource(show_spinner=False)
def _load(name: str) -> ImageData:
    return load_images(name, download=os.environ.get(DOWNLOAD_ENV, "1") != "0")


def dataset() -> ImageData:
    """The dataset chosen in the sidebar; says so on screen when a fallback was used."""
    name = st.session_state.get(DATASET_KEY, DATASETS[0])
    with st.spinner(t("common.loading_dataset", name=t(f"common.datasets.{name}"))):
        data = _load(name)
    if data.note:
        st.warning(t("common.fallback", wanted=t(f"common.datasets.{name}"), reason=data.note), icon="⚠️")
    return data


def max_steps() -> int | None:
    """The step cap from the environment, if any."""
    value = os.environ.get(MAX_STEPS_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else None
