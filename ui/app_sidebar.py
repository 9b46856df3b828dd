"""The app-wide sidebar settings (language, dataset, device) and the dataset each page trains on.

Nothing here imports torch: the home page draws before torch has finished loading in the
background (ui/preload.py). Pages that train call `use_torch_here()` first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from core import catalog, environment
from core.names import MAX_NAME
from ui import preload
from ui.i18n import dataset_label, dataset_labeller, language_selector, t

if TYPE_CHECKING:
    from core.data import ImageData

DATASET_KEY, DEVICE_KEY = "dataset", "device"  # in session state; a share link carries the dataset too
NAME_KEY = "student.name"  # what the student typed for the class board (plain text)
QUERY_READ_KEY = "dataset.query_read"  # set once this tab has read the URL's dataset


def draw() -> None:
    language_selector()
    if not st.session_state.get(QUERY_READ_KEY):  # a shared link names its dataset: it wins when a tab opens it
        st.session_state[QUERY_READ_KEY] = True
        if st.query_params.get(DATASET_KEY) in catalog.names():
            st.session_state[DATASET_KEY] = st.query_params[DATASET_KEY]
    st.sidebar.selectbox(t("common.dataset"), catalog.names(), key=DATASET_KEY, format_func=dataset_labeller())
    devices, auto = _devices()
    if st.session_state.get(DEVICE_KEY) not in devices:
        st.session_state[DEVICE_KEY] = "auto"
    st.sidebar.selectbox(t("common.device"), devices, key=DEVICE_KEY,
                         format_func=lambda name: auto if name == "auto" else name)
    st.sidebar.text_input(t("common.your_name"), key=NAME_KEY, max_chars=MAX_NAME, help=t("common.your_name_help"),
                          placeholder=t("common.your_name_placeholder"))


def start_preload() -> None:
    """Warm torch and the default dataset up in the background (once per server process)."""
    preload.start(download=_download())


def _devices() -> tuple[list[str], str]:
    """The devices to offer and the label of "auto". Until torch has loaded only the CPU is known."""
    if not preload.torch_ready():
        return ["auto", "cpu"], t("common.device_auto", device="…")
    import torch

    from core.base import pick_device

    devices = ["auto", "cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        devices.append("mps")
    return devices, t("common.device_auto", device=pick_device().type)


def use_torch_here() -> None:
    """This script run does torch work: wait for the warm-up to import torch and the rest (see
    ui/preload.py), and give this thread one torch thread, so that training keeps the cores
    (core/threads.py)."""
    start_preload()
    preload.wait_for_imports()
    from core import threads

    threads.use_for_page()


def max_steps() -> int | None:
    """The step cap of a run started now: the server's (LIVELAB_MAX_STEPS) or the teacher's, the lower."""
    from core import classroom  # imports torch: only a page that trains asks

    caps = [cap for cap in (environment.current().max_steps, classroom.server().step_cap) if cap]
    return min(caps) if caps else None


def fixed() -> dict[str, Any]:
    """What the server and the sidebar fix for every run, whatever the page: the step cap and the
    device, as PageSpec.split's keywords."""
    return {"max_steps": max_steps(), "device": device()}


def device() -> str:
    return st.session_state.get(DEVICE_KEY, "auto")


def _download() -> bool:
    return environment.current().download  # LIVELAB_DOWNLOAD


def dataset() -> ImageData:
    """The dataset chosen in the sidebar; says so on screen when a fallback was used."""
    name = st.session_state.get(DATASET_KEY, catalog.DEFAULT)
    with st.spinner(t("common.loading_dataset", name=dataset_label(name))):
        data = preload.dataset(name, _download())
    if data.note:
        st.warning(t("common.fallback", wanted=dataset_label(name), reason=data.note), icon="⚠️")
    return data
