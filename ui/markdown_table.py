"""Small static tables written as Markdown. A page draws them with the Markdown renderer it has already
loaded; Streamlit's table and dataframe elements would first make a newcomer's browser load and run
their Arrow code (about a megabyte of JavaScript), which held a CNN page's first drawing back by
seconds on a busy server (README, "A class on one link"). For tables a student only reads."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SPECIAL = re.compile(r"([\\`*_|<>\[\]])")  # what Markdown would read as formatting, a link or a cell's end


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()) -> str:
    """A GitHub-style Markdown table: `header` names the columns, each row gives a cell per column (written
    with str(), Markdown's special characters escaped), and the columns numbered in `right` align right."""
    def line(cells: Iterable[object]) -> str:
        return "| " + " | ".join(_SPECIAL.sub(r"\\\1", str(cell)).replace("\n", " ") for cell in cells) + " |"
    rule = "|" + "|".join("---:" if column in right else "---" for column in range(len(header))) + "|"
    return "\n".join([line(header), rule, *map(line, rows)])

