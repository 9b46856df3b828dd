"""The welcome page: what Live Lab is and where to start."""

import streamlit as st

from ui.i18n import t

st.title(t("home.title"))
st.markdown(t("home.intro"))
st.page_link("pages/cnn.py", label=t("home.start_cnn"), icon="🧱")
st.markdown(t("home.how"))
