"""The environment's settings: read in one place (core/environment.py), each with its default and
bound, a bad value logged once with the default used, and the README's table in step with the code."""

import ast
import logging
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from core import environment
from core.environment import DEFAULTS, VARIABLES, Environment

ROOT = Path(__file__).resolve().parent.parent
NAMES = [variable.name for variable in VARIABLES]
HARNESS_ONLY = {"LIVELAB_CHROMIUM"}  # the browser tests' own variable (tests/browser/harness.py), not the app's


@pytest.fixture(autouse=True)
def unset(monkeypatch, fresh_environment):
    """Every test starts from an environment that sets none of the variables, with an empty cache."""
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_each_setting_has_one_variable_in_the_order_of_its_field():
    assert [variable.field for variable in VARIABLES] == [field.name for field in fields(Environment)]
    assert len(set(NAMES)) == len(NAMES) and all(name.startswith("LIVELAB_") for name in NAMES)


def test_unset_variables_give_the_defaults():
    assert environment.current() == DEFAULTS == Environment(
        data_dir=Path("data"), download=True, max_steps=None, training_slots=None, training_threads=None)


@pytest.mark.parametrize("name,value,field,expected", [
    ("LIVELAB_DATA_DIR", "/srv/mnist", "data_dir", Path("/srv/mnist")),
    ("LIVELAB_DOWNLOAD", "0", "download", False),
    ("LIVELAB_DOWNLOAD", "1", "download", True),
    ("LIVELAB_MAX_STEPS", "12", "max_steps", 12),
    ("LIVELAB_MAX_STEPS", " 60 ", "max_steps", 60),
    ("LIVELAB_MAX_STEPS", "1000000", "max_steps", 1_000_000),
    ("LIVELAB_TRAINING_SLOTS", "3", "training_slots", 3),
    ("LIVELAB_TRAINING_THREADS", "1", "training_threads", 1),
    ("LIVELAB_DATABASE_URL", "postgresql+psycopg://lab@db/class", "database_url", "postgresql+psycopg://lab@db/class"),
    ("LIVELAB_TEACHER_PASSWORD", " s3cret word ", "teacher_password", "s3cret word"),
    ("LIVELAB_LESSON_SECRET", "k3y", "lesson_secret", "k3y"),
])
def test_a_good_value_is_used(monkeypatch, caplog, name, value, field, expected):
    monkeypatch.setenv(name, value)
    with caplog.at_level(logging.WARNING):
        assert getattr(environment.current(), field) == expected
    assert caplog.records == []


@pytest.mark.parametrize("name,value", [
    ("LIVELAB_DOWNLOAD", "no"), ("LIVELAB_DOWNLOAD", "false"), ("LIVELAB_DOWNLOAD", "2"),
    ("LIVELAB_MAX_STEPS", "0"), ("LIVELAB_MAX_STEPS", "-5"), ("LIVELAB_MAX_STEPS", "ten"),
    ("LIVELAB_MAX_STEPS", "1.5"), ("LIVELAB_MAX_STEPS", "1000001"), ("LIVELAB_MAX_STEPS", "²"),
    ("LIVELAB_TRAINING_SLOTS", "0"), ("LIVELAB_TRAINING_SLOTS", "-1"), ("LIVELAB_TRAINING_SLOTS", "inf"),
    ("LIVELAB_TRAINING_SLOTS", "65"),
    ("LIVELAB_TRAINING_THREADS", "0"), ("LIVELAB_TRAINING_THREADS", "many"), ("LIVELAB_TRAINING_THREADS", "257"),
])
def test_a_bad_value_is_logged_once_and_the_default_used(monkeypatch, caplog, name, value):
    monkeypatch.setenv(name, value)
    variable = VARIABLES[NAMES.index(name)]
    with caplog.at_level(logging.WARNING):
        for _ in range(3):  # a page reruns many times: one warning
            assert environment.current() == DEFAULTS
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert name in record.getMessage() and repr(value) in record.getMessage() and variable.unset in record.getMessage()


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_value_means_unset(monkeypatch, caplog, value):
    for name in NAMES:
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.WARNING):
        assert environment.current() == DEFAULTS
    assert caplog.records == []


def test_a_changed_environment_is_seen_and_a_bad_value_logged_once(monkeypatch, caplog):
    with caplog.at_level(logging.WARNING):
        monkeypatch.setenv("LIVELAB_MAX_STEPS", "5")
        assert environment.current().max_steps == 5
        monkeypatch.setenv("LIVELAB_MAX_STEPS", "0")
        assert environment.current().max_steps is None
        monkeypatch.setenv("LIVELAB_MAX_STEPS", "7")
        assert environment.current().max_steps == 7
        monkeypatch.setenv("LIVELAB_MAX_STEPS", "0")  # seen before: not logged again
        assert environment.current().max_steps is None
        monkeypatch.delenv("LIVELAB_MAX_STEPS")
        assert environment.current().max_steps is None
    assert len(caplog.records) == 1


def test_the_bounds_agree_with_what_uses_the_values():
    from core.regression import REGRESSION_BOUNDS
    from core.scheduler import MAX_DEFAULT_SLOTS
    from core.training import CLASSIFIER_BOUNDS

    by_field = {variable.field: variable for variable in VARIABLES}
    assert by_field["max_steps"].bounds == CLASSIFIER_BOUNDS["max_steps"] == REGRESSION_BOUNDS["max_steps"]
    assert by_field["training_slots"].unset.endswith(f"at most {MAX_DEFAULT_SLOTS}")


README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_table(text: str = README) -> list[list[str]]:
    """The rows of the README's table "Settings from the environment", without the code marks."""
    section = text[text.index("### Settings from the environment"):]
    table = re.search(r"^\|.*?(?=\n\n|\Z)", section, re.S | re.M).group(0).splitlines()
    assert table[0].replace(" ", "") == "|variable|default|values|meaning|"
    return [[cell.strip().replace("`", "") for cell in row.strip("|").split("|")] for row in table[2:]]


def test_the_readme_table_lists_every_variable_and_no_other():
    rows = readme_table()
    readme_names = [row[0] for row in rows]
    assert [name for name in NAMES if name not in readme_names] == [], "missing from the README's table"
    assert [name for name in readme_names if name not in NAMES] == [], "in the README but not in core/environment.py"


def test_the_readme_table_says_what_the_code_does():
    expected = [[v.name, v.unset, v.accepts, v.meaning] for v in VARIABLES]
    assert readme_table() == expected


def test_the_table_reader_sees_a_missing_row():
    without = re.sub(r"^\| `LIVELAB_MAX_STEPS`.*\n", "", README, flags=re.M)
    assert [row[0] for row in readme_table(without)] == [name for name in NAMES if name != "LIVELAB_MAX_STEPS"]


def test_every_livelab_name_anywhere_is_a_setting():
    """A name in the README, a benchmark or a test that the app does not read is a typo or a leftover."""
    files = [ROOT / "README.md", ROOT / "Makefile", *ROOT.glob(".ci/*"),
             *(path for path in ROOT.rglob("*.py") if not any(part.startswith(".") for part in path.parts))]
    found = {(name, path.relative_to(ROOT).as_posix()) for path in files if path.is_file()
             for name in re.findall(r"LIVELAB_[A-Z_]+", path.read_text(encoding="utf-8"))}
    assert sorted(item for item in found if item[0] not in {*NAMES, *HARNESS_ONLY}) == []


def reads_the_environment(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv"):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "os" and \
                any(alias.name in ("environ", "environb", "getenv") for alias in node.names):
            return True
    return False


def test_only_core_environment_reads_the_environment():
    app = [ROOT / "app.py", *(path for folder in ("core", "ui", "app_pages") for path in (ROOT / folder).rglob("*.py"))]
    readers = [path.relative_to(ROOT).as_posix() for path in app if reads_the_environment(path.read_text())]
    assert readers == ["core/environment.py"]


def test_the_reading_check_sees_a_read():
    assert reads_the_environment("import os\nos.environ.get('X')")
    assert reads_the_environment("from os import getenv\ngetenv('X')")
    assert not reads_the_environment("import os\nos.replace('a', 'b')")


def test_the_sidebar_reads_the_environment_without_torch():
    # The home page draws before torch has loaded (ui/app_sidebar.py), and the sidebar reads the environment.
    code = "import sys, core.environment, ui.app_sidebar; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
