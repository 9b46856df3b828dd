"""Every user-facing word comes from the translation tables, in both languages."""

import ast
import re
import string
from pathlib import Path

import pytest

from ui.i18n import LANGUAGES, table

ROOT = Path(__file__).resolve().parent.parent
UI_SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "app_pages").glob("*.py"))]
# Streamlit calls whose first argument (or label=/body=) is shown to the user.
DISPLAY_CALLS = {
    "title", "header", "subheader", "markdown", "caption", "text", "write", "info", "warning", "error",
    "success", "toast", "button", "slider", "select_slider", "selectbox", "radio", "number_input",
    "text_input", "checkbox", "toggle", "expander", "tabs", "metric", "page_link", "file_uploader",
    "download_button", "spinner", "progress", "segmented_control", "pills", "multiselect", "popover", "Page",
}
BILINGUAL_BY_DESIGN = {"Language / 语言"}  # the language switch must be readable before choosing


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys():
    english, chinese = table("en"), table("zh")
    assert set(LANGUAGES) == {"en", "zh"}
    assert sorted(set(english) - set(chinese)) == [], "missing in zh"
    assert sorted(set(chinese) - set(english)) == [], "missing in en"


def test_translations_are_filled_and_keep_their_placeholders():
    english, chinese = table("en"), table("zh")
    for key, text in english.items():
        assert text.strip() and chinese[key].strip(), key
        assert placeholders(text) == placeholders(chinese[key]), key


def test_chinese_table_is_really_chinese():
    chinese = table("zh")
    with_han = [key for key, text in chinese.items() if re.search(r"[\u4e00-\u9fff]", text)]
    assert len(with_han) > 0.8 * len(chinese)


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            yield node


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@pytest.mark.parametrize("path", UI_SOURCES, ids=lambda p: p.name)
def test_every_literal_key_exists(path):
    english = table("en")
    prefixes = {key.rsplit(".", 1)[0] for key in english}
    for call in _calls(path):
        if _name(call) in ("t", "labeller", "has") and call.args and isinstance(call.args[0], ast.Constant):
            key = call.args[0].value
            assert key in english or _name(call) == "has" or key in prefixes, f"{path.name}: unknown key {key!r}"


@pytest.mark.parametrize("path", UI_SOURCES, ids=lambda p: p.name)
def test_no_hard_coded_user_facing_strings(path):
    for call in _calls(path):
        if _name(call) not in DISPLAY_CALLS:
            continue
        shown = list(call.args[:1]) + [kw.value for kw in call.keywords if kw.arg in ("label", "body", "title", "text")]
        for node in shown:
            literal = isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip()
            formatted = isinstance(node, ast.JoinedStr) and any(
                isinstance(part, ast.Constant) and re.search(r"[A-Za-z]{2,}", part.value) for part in node.values)
            if literal and node.value in BILINGUAL_BY_DESIGN:
                continue
            if literal and node.value.endswith(".py"):  # st.Page / st.page_link take a script path
                continue
            assert not (literal and re.search(r"[A-Za-z]{2,}", node.value)) and not formatted, (
                f"{path.name}:{call.lineno}: user-facing text must come from t(): {ast.unparse(node)}")
