"""The README's notebook example runs as written (on the bundled digits: tests have no MNIST), and the
same call gives the same run."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def notebook_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("`core/` is importable from a notebook"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_notebook_example_trains_the_same_run_twice(capsys):
    code = notebook_example()
    assert 'load_images("mnist")' in code
    code = code.replace('load_images("mnist")', 'load_images("digits")')
    outputs = []
    for _ in range(2):
        exec(compile(code, str(README), "exec"), {})
        outputs.append(capsys.readouterr().out)
    lines = outputs[0].splitlines()
    assert lines and lines[-1].startswith("200 ")  # evaluated at the last step, printed as step, loss, accuracy
    assert outputs[0] == outputs[1]
