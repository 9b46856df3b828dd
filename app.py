"""Live Lab: train CNNs and RNNs live in the browser. Start with `streamlit run app.py`."""

import streamlit as st

from ui import app_sidebar, chart_code, student, tcp_nodelay
from ui.i18n import t
from ui.navigation import HOME, PAGES

tcp_nodelay.apply()  # before the next visitor connects: Streamlit's own socket left Nagle on (ui/tcp_nodelay.py)
st.set_page_config(page_title="Live Lab", page_icon="🧪", layout="wide")
student.attach()  # whose tab this is: their runs, kept runs, name and settings, after a reload too
app_sidebar.draw()  # language first: the page titles below are translated
pages = [st.Page(p.script, title=t(f"{p.key}.nav"), icon=p.icon, default=True) if p is HOME else
         st.Page(p.script, title=t(f"{p.key}.nav"), icon=p.icon, url_path=p.url_path) for p in PAGES]
page = st.navigation(pages)
on_home = page.url_path == pages[PAGES.index(HOME)].url_path
if not on_home:  # the home page needs no torch: it draws first
    app_sidebar.use_torch_here()
try:
    page.run()
finally:
    student.keep()  # what this run changed, for the student's other tabs and their next reload
if not on_home:
    chart_code.load_in_background()  # Plotly's code, once the page is drawn: the first Train click need not wait
student.welcome()  # a browser new to the server is given its identity (an empty element, last in the sidebar)
app_sidebar.start_preload()  # once per server process
