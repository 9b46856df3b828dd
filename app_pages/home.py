"""The welcome page: what Live Lab is and where to start."""

import streamlit as st

from ui.i18n import t

st.title(t("home.title"))
st.markdown(t("home.intro"))
st.page_link("app_pages/cnn.py", label=t("home.start_cnn"), icon="🧱")
st.page_link("app_pages/rnn_classifier.py", label=t("rnn_classifier.home_link"), icon="🔁")
st.page_link("app_pages/rnn_regression.py", label=t("rnn_regression.home_link"), icon="📈")
st.page_link("app_pages/playground.py", label=t("playground.home_link"), icon="✏️")
st.markdown(t("home.how"))
with st.expander(t("home.notes_title")):
    st.markdown(t("home.notes"))
