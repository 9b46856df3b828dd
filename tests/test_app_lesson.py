"""AppTest: a lesson link on the CNN page. Locked settings are drawn disabled and held, hidden ones
are not drawn and still used, the teacher's task is shown as Markdown without HTML, and a link
changed after the teacher signed it gets a notice and the lesson's own settings."""

from urllib.parse import parse_qsl

from streamlit.testing.v1 import AppTest

from core.lesson import Lesson
from core.models import CNNSpec
from core.run import classifier_run
from core.training import ClassifierConfig
from tests.conftest import ROOT_APP, train
from ui.page_specs import CNN

QUICK = ClassifierConfig(max_steps=6, eval_every=3, embed_method="none", test_size=50)

SCRIPT, IMAGE = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
LESSON = Lesson("lesson01", "cnn", {"lr": "0.01", "epochs": "2", "seed": "7", "optimizer": "adam"},
                locked=("epochs", "optimizer", "seed"), hidden=("seed",),
                task=f"Change **only** the learning rate. {SCRIPT} {IMAGE}")


def open_link(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(ROOT_APP, default_timeout=120)
    for name, value in {**query, "dataset": "digits"}.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("app_pages/cnn.py").run()
    assert not at.exception
    return at


def lesson_link(this_class, **changes) -> dict[str, str]:
    this_class.store.save_lesson(LESSON)
    return {**LESSON.values, **LESSON.params(this_class.lesson_secret().key), **changes}


def test_a_hand_written_lock_holds_its_settings_and_a_hidden_one_is_still_used(this_class):
    at = open_link({"lr": "0.003", "epochs": "2", "seed": "7", "lock": "lr,epochs", "hide": "seed"})
    lr, epochs = at.select_slider(key="widget.cnn.lr"), at.slider(key="widget.cnn.epochs")
    assert lr.disabled and lr.value == 0.003 and epochs.disabled and epochs.value == 2
    assert not at.select_slider(key="widget.cnn.batch_size").disabled
    assert "widget.cnn.seed" not in [widget.key for widget in at.number_input]  # hidden
    assert sum("Set by your teacher" in caption.value for caption in at.sidebar.caption) == 2
    at.session_state["cnn.setting.lr"] = 0.1  # what another tab of the student's would bring in
    at.run()
    assert at.select_slider(key="widget.cnn.lr").value == 0.003
    run = train(at, "cnn")
    assert run.config.seed == 7 and run.config.lr == 0.003 and run.settings["seed"] == 7
    (row,) = this_class.registry.snapshot().runs
    assert row.lesson_id == ""  # a hand-written lock is no lesson


def test_a_lessons_link_shows_its_task_as_inert_markdown_and_its_runs_carry_its_id(this_class):
    at = open_link(lesson_link(this_class))
    assert not at.warning and at.selectbox(key="widget.cnn.optimizer").disabled
    (task,) = [block for block in at.markdown if "only** the learning rate" in block.value]
    assert SCRIPT in task.value and IMAGE in task.value and not task.proto.allow_html
    assert not at.main.get("html")  # (the sidebar's one element of HTML is the identity cookie's script)
    assert all(SCRIPT not in element.proto.body for element in at.get("html"))
    train(at, "cnn")
    (row,) = this_class.registry.snapshot().runs
    assert row.lesson_id == LESSON.id and row.settings["epochs"] == 2


def test_a_changed_link_says_so_and_falls_back_to_the_lessons_settings(this_class):
    at = open_link(lesson_link(this_class, epochs="9", lock="optimizer"))  # a locked value edited, a lock dropped
    assert "was changed" in at.warning[0].value
    epochs = at.slider(key="widget.cnn.epochs")
    assert epochs.disabled and epochs.value == 2 and at.select_slider(key="widget.cnn.lr").value == 0.01

    unknown = open_link({"epochs": "9", "lock": "epochs", "lesson": "nobody-knows", "sig": "x"})
    assert "was changed" in unknown.warning[0].value
    epochs = unknown.slider(key="widget.cnn.epochs")
    assert not epochs.disabled and epochs.value == 9  # an unlocked page, as a plain share link


def test_a_signed_link_to_a_lesson_the_server_does_not_know_is_a_plain_share_link(this_class):
    unsaved = {**LESSON.values, **LESSON.params(this_class.lesson_secret().key)}  # never saved here
    at = open_link(unsaved)
    assert not at.warning and any("does not know" in caption.value for caption in at.caption)
    assert not at.slider(key="widget.cnn.epochs").disabled and at.slider(key="widget.cnn.epochs").value == 2
    assert not any("only** the learning rate" in block.value for block in at.markdown)


def test_the_teacher_creates_a_lesson_and_narrows_the_board_to_it(this_class, monkeypatch, tiny_digits):
    monkeypatch.setenv("LIVELAB_TEACHER_PASSWORD", "pw")
    at = AppTest.from_file(ROOT_APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/class_board.py").run()
    at.text_input(key="board.password").input("pw")
    at.button[0].click().run()
    at.select_slider(key="widget.lesson.builder.cnn.lr").set_value(0.03)
    at.multiselect(key="lesson.builder.cnn.open").set_value(["lr", "batch_size"])
    at.multiselect(key="lesson.builder.cnn.hidden").set_value(["seed"])
    at.text_area(key="lesson.builder.task").input("Try **three** learning rates.")
    at.button(key="lesson.builder.create").click().run()
    assert not at.exception
    link = next(block.value for block in at.code if "lesson=" in block.value)
    query = dict(parse_qsl(link.partition("?")[2]))
    assert link.partition("?")[0].endswith("/cnn") and query["lr"] == "0.03" and query["hide"] == "seed"
    assert set(query["lock"].split(",")) == {c.name for c in CNN.controls} - {"lr", "batch_size"}
    lesson = this_class.store.lesson(query["lesson"])
    assert lesson.task == "Try **three** learning rates." and lesson.values["lr"] == "0.03"
    assert at.get("image")[0].proto.imgs[0].caption == "Scan to open the lesson"  # the QR code
    assert "cnn.setting.lr" not in at.session_state  # the teacher's own CNN page is left as it was

    student_run = classifier_run(CNNSpec(), QUICK, tiny_digits, settings={"lr": 0.03, "batch_size": 64})
    this_class.track("s1", "cnn", student_run, lesson.id)
    this_class.track("s2", "cnn", classifier_run(CNNSpec(), QUICK, tiny_digits, settings={"epochs": 2}))
    list(student_run.train())
    at.run()
    at.selectbox(key="board.lesson_filter").set_value(lesson.id).run()
    assert sorted(at.selectbox(key="board.experiment.x").options) == ["Batch size", "Learning rate"]
    assert len(at.dataframe[0].value) == 1


def test_a_lesson_made_while_the_database_keeps_no_key_is_said_to_end_with_the_server_and_checks_here(
        this_class, monkeypatch):
    monkeypatch.setenv("LIVELAB_TEACHER_PASSWORD", "pw")
    monkeypatch.delenv("LIVELAB_LESSON_SECRET", raising=False)
    monkeypatch.setattr(this_class.store, "lesson_secret", lambda make: None)  # it keeps lessons, not the key
    at = AppTest.from_file(ROOT_APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/class_board.py").run()
    at.text_input(key="board.password").input("pw")
    at.button[0].click().run()
    at.button(key="lesson.builder.create").click().run()
    assert not at.exception and "stops working when the server restarts" in at.warning[0].value
    link = next(block.value for block in at.code if "lesson=" in block.value)
    student = open_link(dict(parse_qsl(link.partition("?")[2])))
    assert not student.warning and student.slider(key="widget.cnn.epochs").disabled  # signed by this process


def test_a_locked_network_is_its_link_text_disabled_and_the_run_builds_it(this_class):
    at = open_link({"blocks": "8c3-p,16c3-bn-p", "fc": "32", "lock": "blocks,fc"})
    blocks, hidden = at.text_input(key="widget.cnn.blocks"), at.text_input(key="widget.cnn.fc")
    assert blocks.disabled and blocks.value == "8c3-p,16c3-bn-p" and hidden.disabled and hidden.value == "32"
    assert not [button for button in at.sidebar.button if "widget.cnn.blocks" in (button.key or "")]  # no editor
    run = train(at, "cnn")
    assert run.settings["blocks"] == "8c3-p,16c3-bn-p" and run.settings["fc"] == "32"


def test_unknown_names_in_a_lock_or_hide_list_are_ignored_with_the_usual_notice(this_class):
    at = open_link({"epochs": "2", "lock": "epochs,wings", "hide": "colour"})
    assert at.slider(key="widget.cnn.epochs").disabled
    (notice,) = [toast.value for toast in at.toast]
    assert "lock=wings" in notice and "hide=colour" in notice and "epochs" not in notice
