"""Every page of the app renders in both languages, and in Chinese shows no English text
from the translation tables."""

import re
from pathlib import Path

import pytest

from tests.conftest import open_page
from ui import navigation
from ui.i18n import table

ROOT = Path(__file__).resolve().parent.parent
PAGES = [page.script for page in navigation.PAGES]
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "toast", "expander", "tabs")
LABELLED_WIDGETS = ("button", "slider", "select_slider", "selectbox", "radio", "number_input", "checkbox",
                    "toggle", "file_uploader", "text_input")


def visible_texts(at) -> list[str]:
    texts = []
    for kind in TEXT_ELEMENTS:
        for element in getattr(at, kind):
            texts.append(str(getattr(element, "label", None) or getattr(element, "value", "")))
    for kind in LABELLED_WIDGETS:
        for widget in getattr(at, kind):
            texts.append(widget.label)
            texts.extend(str(option) for option in getattr(widget, "options", []) or [])
    return texts


def english_only_sentences() -> list[str]:
    english, chinese = table("en"), table("zh")
    in_chinese = "\n".join(chinese.values())  # names like "Fashion-MNIST" stay English in both
    return [text for text in english.values()
            if text not in in_chinese and len(re.findall(r"[A-Za-z]{3,}", text)) >= 2 and "{" not in text]


def test_the_navigation_lists_every_page_once_home_first():
    assert PAGES[0] == "app_pages/home.py"
    assert sorted(PAGES) == sorted(f"app_pages/{path.name}" for path in (ROOT / "app_pages").glob("*.py"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).stem)
def test_every_page_renders_in_both_languages(app_env, page, lang):
    at = open_page(page, lang=lang)
    assert not at.exception
    assert at.radio(key="lang").value == lang  # the app-wide sidebar is there, set to this language
    texts = visible_texts(at)
    assert texts
    missing = [text for text in texts if re.search(r"\[[a-z_]+\.[a-z_.]+\]", text)]  # t() marks unknown keys
    assert missing == []
    if lang == "zh":
        leaked = [sentence for sentence in english_only_sentences() if any(sentence in text for text in texts)]
        assert leaked == []
