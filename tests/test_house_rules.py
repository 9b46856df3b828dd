"""The rules of the house that a test can check (DESIGN.md §3)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_never_imports_streamlit():
    for path in (ROOT / "core").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "streamlit" for n in names), f"{path.name} imports streamlit"


def test_no_bare_except_anywhere():
    for path in ROOT.rglob("*.py"):
        if any(part.startswith(".") for part in path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            assert not (isinstance(node, ast.ExceptHandler) and node.type is None), f"bare except in {path}"
