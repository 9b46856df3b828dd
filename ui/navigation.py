"""The app's pages and their addresses, in the navigation's order: app.py builds st.navigation from
this table, and a link to a training page (a share link from the Class page) takes its address here.
No torch: the home page is drawn before torch has loaded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str  # its texts' prefix in locales/ ("<key>.nav" is its title); a training page's PageSpec key
    script: str
    icon: str
    url_path: str  # its address: /<url_path> ("" for the home page)


HOME = Page(key="home", script="app_pages/home.py", icon="🏠", url_path="")
PAGES = (
    HOME,
    Page(key="cnn", script="app_pages/cnn.py", icon="🧱", url_path="cnn"),
    Page(key="rnn_classifier", script="app_pages/rnn_classifier.py", icon="🔁", url_path="rnn-classifier"),
    Page(key="rnn_regression", script="app_pages/rnn_regression.py", icon="📈", url_path="rnn-regression"),
    Page(key="playground", script="app_pages/playground.py", icon="✏️", url_path="playground"),
    Page(key="board", script="app_pages/class_board.py", icon="🧑‍🏫", url_path="class"),
)
URL_PATHS = {page.key: page.url_path for page in PAGES}
