"""Live Lab: train CNNs and RNNs live in the browser. Start with `streamlit run app.py`."""

import streamlit as st

from ui import app_sidebar
from ui.i18n import t

st.set_page_config(page_title="Live Lab", page_icon="🧪", layout="wide")
app_sidebar.draw()  # language first: the page titles below are translated
page = st.navigation([
    st.Page("pages/home.py", title=t("home.nav"), icon="🏠", default=True),
    st.Page("pages/cnn.py", title=t("cnn.nav"), icon="🧱", url_path="cnn"),
])
page.run()
