"""The rules of the house that a test can check (docs/architecture.md)."""

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "ui")


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function: `from core import x` names
    core.x when that is a module of ours."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def import_graph() -> dict[str, set[str]]:
    """Our modules in core/ and ui/ -> the modules of ours each imports."""
    ours = {module_name(path): path for path in python_files(*PACKAGES) if path.name != "__init__.py"}
    return {name: {m for m in imported_modules(path) if m in ours and m != name} for name, path in ours.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}  # "open" while on the path, "done" after

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_core_never_imports_streamlit():
    for path in python_files("core"):
        names = imported_modules(path)
        assert not any(n.split(".")[0] == "streamlit" for n in names), f"{path.name} imports streamlit"


def test_core_never_imports_the_ui():
    for path in python_files("core"):
        assert not any(n.split(".")[0] == "ui" for n in imported_modules(path)), f"{path.name} imports ui"


def test_no_import_cycle_in_core_or_ui():
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()))


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_getattr_tricks():
    for path in python_files(*PACKAGES):
        tree = ast.parse(path.read_text())
        assert not any(isinstance(node, ast.FunctionDef) and node.name == "__getattr__" for node in tree.body), path


def test_no_bare_except_anywhere():
    for path in ROOT.rglob("*.py"):
        if any(part.startswith(".") for part in path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            assert not (isinstance(node, ast.ExceptHandler) and node.type is None), f"bare except in {path}"


def plotly_calls_without_a_key(source: str) -> list[int]:
    """Line numbers of `.plotly_chart(...)` calls that pass no `key`."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "plotly_chart" and not any(k.arg == "key" for k in node.keywords)]


@pytest.mark.parametrize("path", python_files("app_pages", "ui"), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_plotly_chart_has_its_own_key(path):
    # Two identical figures without keys get the same element ID, and Streamlit refuses the second
    # (StreamlitDuplicateElementId): e.g. carry and reset before their networks part ways.
    assert plotly_calls_without_a_key(path.read_text()) == []


def test_the_key_rule_sees_a_missing_key():
    assert plotly_calls_without_a_key("st.plotly_chart(fig)\nplace.plotly_chart(fig, key='k')\n") == [1]


@pytest.mark.parametrize("path", python_files("app_pages"), ids=lambda p: p.name)
def test_pages_stay_thin(path):
    assert len(path.read_text().splitlines()) <= 60, "views belong in ui/, logic in core/"


def test_the_server_watches_no_files():
    """Streamlit's file watcher made every new session walk every loaded module (torch's thousands): a
    class opening the link at once waited a minute (bench/file_watcher.py). Developers turn it on
    with a command-line flag (README)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
