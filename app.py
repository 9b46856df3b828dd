"""Live Lab: train CNNs and RNNs live in the browser. Start with `streamlit run app.py`."""

import streamlit as st

from ui import app_sidebar
from ui.i18n import t

st.set_page_config(page_title="Live Lab", page_icon="🧪", layout="wide")
app_sidebar.draw()  # language first: the page titles below are translated
home = st.Page("app_pages/home.py", title=t("home.nav"), icon="🏠", default=True)
page = st.navigation([
    home,
    st.Page("app_pages/cnn.py", title=t("cnn.nav"), icon="🧱", url_path="cnn"),
    st.Page("app_pages/rnn_classifier.py", title=t("rnn_classifier.nav"), icon="🔁", url_path="rnn-classifier"),
    st.Page("app_pages/rnn_regression.py", title=t("rnn_regression.nav"), icon="📈", url_path="rnn-regression"),
    st.Page("app_pages/playground.py", title=t("playground.nav"), icon="✏️", url_path="playground"),
])
if page.url_path != home.url_path:  # the home page needs no torch: it draws first, while torch loads
    app_sidebar.use_torch_here()
page.run()
app_sidebar.start_preload()  # once per server process
