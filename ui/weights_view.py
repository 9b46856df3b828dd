"""Weights in and out: a run's downloads (its weights file and its metrics as CSV), and a weights
file uploaded to the playground or to a page, read safely by core/weights.py. A file that cannot
be used gets a message a student understands, and changes nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection

import streamlit as st

from core.base import MAX_UPLOAD_BYTES
from core.data import ImageData
from core.presets import NOT_SETTINGS
from core.run import Run
from core.weights import Weights, WeightsError, load, to_bytes
from ui import controls, session_runs
from ui.i18n import dataset_label, t
from ui.page_specs import BY_NETWORK, PageSpec

LIMIT_MB = MAX_UPLOAD_BYTES // 2**20
# No download button in the app passes Streamlit a callable (a file made only when clicked). Streamlit
# keeps the file it makes on the click referenced by no session, and the end of every script run of
# every session (each live chart's redraw) sweeps such files: while others train, the file can be
# deleted before the browser fetches it, and the download fails ("canceled"). A file handed over with
# its button stays referenced while the button is shown. bench/downloads.py counts the downloads that
# arrive (README, "Keep, compare and take home").


def network_label(network: str) -> str:
    return t(f"history.networks.{network}")


def downloads(key: str, file_stem: str, weights: Weights | None, csv: str, no_weights: str) -> None:
    """Two buttons: the weights file (`no_weights` says why there is none: the run trains, or it
    diverged) and the metrics as CSV. Both files are made at each redraw of the open runs expander, not
    when clicked (see above); bench/downloads.py prints what making them costs."""
    left, right = st.columns(2)
    left.download_button(
        t("history.download_weights"), data=to_bytes(weights) if weights else b"",
        file_name=f"{file_stem}.pt", mime="application/octet-stream", key=f"{key}.weights", icon="⬇️",
        on_click="ignore", disabled=weights is None, help=None if weights else no_weights,
        width="stretch")
    right.download_button(
        t("history.download_metrics"), data=csv, file_name=f"{file_stem}-metrics.csv", mime="text/csv",
        key=f"{key}.metrics", icon="⬇️", on_click="ignore", width="stretch")
    if weights is not None and weights.nbytes > MAX_UPLOAD_BYTES:
        st.caption(t("history.too_large_to_upload", size=f"{weights.nbytes / 2**20:.1f}", limit=LIMIT_MB))


def read_upload(key: str, networks: Collection[str], num_classes: int | None = None) -> tuple[Weights, str] | None:
    """The uploader; the file's weights and name once they check out, else None (and why, on screen)."""
    upload = st.file_uploader(t("history.upload_label", limit=LIMIT_MB), type=["pt", "pth"], key=key)
    checked_key = f"{key}.checked"  # (what was checked, its weights or why not): read once, not at every rerun
    if upload is None:
        st.session_state.pop(checked_key, None)
        return None
    checked, asked = st.session_state.get(checked_key), (upload.file_id, tuple(networks), num_classes)
    if checked is None or checked[0] != asked:
        try:
            checked = asked, load(upload.getvalue(), networks, num_classes)
        except WeightsError as error:
            checked = asked, error
        st.session_state[checked_key] = checked
    weights = checked[1]
    if isinstance(weights, WeightsError):
        st.error(explain(weights, networks), icon="🚫")
        return None
    st.success(describe(weights, upload.name), icon="📦")
    return weights, upload.name


def explain(error: WeightsError, networks: Collection[str]) -> str:
    detail = dict(error.detail)
    if "found" in detail and error.reason == "wrong_network":
        detail["found"] = network_label(detail["found"])
    if "size" in detail:
        detail["size"] = f"{detail['size'] / 2**20:.1f}"
    return t(f"history.errors.{error.reason}", **{
        "accepted": t("history.or").join(network_label(network) for network in networks), "limit": LIMIT_MB, **detail})


def describe(weights: Weights, name: str) -> str:
    """The network a file holds, in the words of its page's sidebar."""
    page = BY_NETWORK[weights.spec.name]
    shape = ", ".join(f"{t(f'{page.key}.controls.{control.name}')} {controls.shown(page.key, control, value)}"
                      for control, value in network_settings(page, weights).items())
    values = dict(name=name, network=network_label(weights.spec.name), shape=shape, steps=f"{weights.steps:,}")
    if weights.dataset is None:
        return t("history.file_ok", **values)
    return t("history.file_ok_on", dataset=dataset_label(weights.dataset), **values)


def network_settings(page: PageSpec, weights: Weights) -> dict[controls.Control, object]:
    """The file's network as the page's sidebar settings (its shape: cell, channels, sizes)."""
    fields = {name: value for name, value in dataclasses.asdict(weights.spec).items() if name not in NOT_SETTINGS}
    return {control: fields[control.name] for control in page.controls if control.name in fields}


def continue_from_file(page: PageSpec, start: Callable[..., Run], data: ImageData | None = None) -> None:
    """Upload a weights file of the page's network and train a new run from it: the network's shape
    goes into the sidebar (the file's), the training settings stay the sidebar's."""
    st.markdown(f"**{t('history.continue_title')}**")
    st.caption(t("history.continue_help", network=network_label(page.network)))
    found = read_upload(f"{page.key}.weights_upload", (page.network,), len(data.classes) if data is not None else None)
    if found is None:
        return
    weights, name = found
    shape = network_settings(page, weights)
    outside = [f"{control.name}={value}" for control, value in shape.items() if not _offered(control, value)]
    if outside:
        st.error(t("history.errors.not_offered", settings=", ".join(outside)), icon="🚫")
        return
    if data is not None and weights.dataset not in (None, data.name):
        st.info(t("history.other_dataset", dataset=dataset_label(data.name)), icon="ℹ️")
    current = session_runs.get(page.key)
    training = current is not None and current.job.running
    if st.button(t("history.train_from_file"), type="primary", key=f"{page.key}.btn.train_from_file",
                 disabled=training, help=t("history.stop_first_to_train") if training else None,
                 on_click=controls.restore, args=(page.key, page.controls, {c.name: v for c, v in shape.items()})):
        session_runs.begin(page.key, lambda: start(weights=weights.state_dict, weights_from=name))
        st.rerun()  # the page's run above is the new one


def _offered(control: controls.Control, value: object) -> bool:
    """Whether the sidebar can show `value` (the file's spec may use sizes the sidebar does not offer)."""
    try:
        return control.parse(str(value)) == value
    except ValueError:
        return False
