"""One translation table per language, read from locales/<lang>/*.toml.

A file `locales/en/cnn.toml` with `title = "..."` provides the key "cnn.title"; nested
tables add dotted parts ("cnn.controls.lr"). Every language must have every key (a test
checks), so a missing key shows up as "[key]" in development, never as a crash. A dataset's label is
not here but in its entry in core/catalog.py, with the rest of what describes it (`dataset_labeller`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

import streamlit as st

from core import catalog

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_KEY = "lang"  # in session state and in a share link's query
QUERY_READ_KEY = "lang.query_read"  # set once this tab has read the URL's language


@cache
def table(lang: str) -> dict[str, str]:
    """The flattened translation table of one language."""
    entries: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        with path.open("rb") as handle:
            _flatten(tomllib.load(handle), path.stem, entries)
    return entries


def _flatten(node: dict, prefix: str, out: dict[str, str]) -> None:
    for key, value in node.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(value, name, out)
        else:
            out[name] = str(value)


def language() -> str:
    lang = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values) -> str:
    """The text for `key` in the session's language, with {placeholders} filled in."""
    return translate(language(), key, **values)


def translate(lang: str, key: str, **values) -> str:
    text = table(lang).get(key)
    if text is None:
        return f"[{key}]"
    return text.format(**values) if values else text


def labeller(prefix: str) -> Callable[[object], str]:
    """A widget's format_func: option -> the text at "<prefix>.<option>". The language is fixed
    now, because Streamlit may call format_func later, outside this script run."""
    lang = language()
    return lambda option: translate(lang, f"{prefix}.{option}")


def dataset_labeller() -> Callable[[str], str]:
    """A dataset's label in the session's language, from its entry in core/catalog.py (a widget's
    format_func, so the language is fixed now, like `labeller`'s); a name the catalog does not have (an
    uploaded file's) as it is."""
    lang = language()
    return lambda name: catalog.BY_NAME[name].labels[lang] if name in catalog.BY_NAME else name


def dataset_label(name: str) -> str:
    """The dataset's label in the session's language (see `dataset_labeller`)."""
    return dataset_labeller()(name)


def has(key: str) -> bool:
    return key in table(language())


def language_selector() -> None:
    """The sidebar's language switch; `?lang=zh` in the URL sets it when a tab opens the app (over the
    language the student had chosen before: the link says so)."""
    if not st.session_state.get(QUERY_READ_KEY):
        st.session_state[QUERY_READ_KEY] = True
        wanted = st.query_params.get(LANGUAGE_KEY)
        if wanted in LANGUAGES:
            st.session_state[LANGUAGE_KEY] = wanted
    if st.session_state.get(LANGUAGE_KEY) not in LANGUAGES:
        st.session_state[LANGUAGE_KEY] = DEFAULT_LANGUAGE
    st.sidebar.radio(
        "Language / 语言", list(LANGUAGES), key=LANGUAGE_KEY, horizontal=True,
        format_func=LANGUAGES.get,
    )
