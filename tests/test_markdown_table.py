"""ui.markdown_table: small static tables as Markdown, their cells read back as written."""

from tests.conftest import markdown_rows
from ui.markdown_table import markdown_table


def test_a_table_reads_back_cell_for_cell_with_markdown_characters_escaped():
    rows = [["conv1.0", "a|b", "**bold** _x_ `code` <b>"], ["line\nbreak", "[link](x)", "1,234"]]
    text = markdown_table(["layer", "type", "parameters"], rows, right=[2])
    assert text.splitlines()[1] == "|---|---|---:|"
    assert "**bold**" not in text and "<b>" not in text  # no formatting, no HTML: the cells are text
    assert markdown_rows(text) == [["layer", "type", "parameters"], *[[cell.replace("\n", " ") for cell in row]
                                                                      for row in rows]]
