"""The sidebar's "Download as a PyTorch script": the page's current settings and seed as one
standalone script (core/export.py), handed over with the button (ui/weights_view.py says why no
download is made only when clicked)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from core import catalog, export
from ui import app_sidebar
from ui.i18n import t
from ui.page_specs import PageSpec


def script_download(page: PageSpec, settings: Mapping[str, Any], dataset: str | None = None) -> None:
    """The button; `dataset` is the one the page trains on (None for the regression, which needs none).
    A script loads its data with torchvision, so the bundled digits become MNIST (the catalog's default),
    and the caption says so."""
    spec, config = page.split(settings, **app_sidebar.fixed())
    loads = dataset if dataset is None or dataset in export.loadable() else catalog.DEFAULT
    st.sidebar.download_button(
        t("common.download_script"), data=export.script(spec, config, loads or catalog.DEFAULT),
        file_name=export.file_name(spec, config, loads or catalog.DEFAULT), mime="text/x-python", icon="🐍",
        key=f"{page.key}.btn.script", on_click="ignore", width="stretch", help=t("common.download_script_help"))
    if loads != dataset:
        st.sidebar.caption(t("common.script_on_mnist"))
