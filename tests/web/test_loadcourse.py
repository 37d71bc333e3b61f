"""`manage.py loadcourse`: validate everything, write all or nothing, keep progress."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from course.lab.models import ScenarioPreset
from course.models import Lesson, LessonProgress, Module
from quizzes.models import Choice, Question, Quiz
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[2] / "content"
LESSONS = "lambda-best-practices/lessons"


@pytest.fixture
def content(tmp_path):
    """A private copy of the real content folder that a test may break."""
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


def load(path: Path) -> str:
    out = StringIO()
    call_command("loadcourse", str(path), stdout=out)
    return out.getvalue()


def course_rows() -> dict[str, list[dict[str, object]]]:
    """Every row a course load writes, without `updated_at` stamps and choice ids (a load
    replaces a question's choices)."""
    tables = {
        model: model.objects.order_by("pk").values()
        for model in (Module, Lesson, ScenarioPreset, Question, Quiz)
    } | {Choice: Choice.objects.order_by("question", "key").values()}
    return {
        model.__name__: [
            {name: value for name, value in row.items() if name != "updated_at"}
            | ({"id": None} if model is Choice else {})
            for row in rows
        ]
        for model, rows in tables.items()
    }


def test_loading_the_course_reports_what_it_wrote(content):
    report = load(content)
    assert "13 lessons" in report
    assert Lesson.objects.filter(is_active=True).count() == 13
    assert Question.objects.filter(is_active=True).count() >= 60
    assert ScenarioPreset.objects.count() >= 15


def test_loading_twice_changes_nothing(content):
    load(content)
    before = list(Lesson.objects.values_list("pk", "slug", "html", "checksum"))
    load(content)
    assert list(Lesson.objects.values_list("pk", "slug", "html", "checksum")) == before


def test_the_course_content_fixture_holds_exactly_what_a_load_writes(course_content, content):
    before = course_rows()
    report = load(content)
    assert course_rows() == before
    assert str(course_content) in report


def test_a_broken_file_is_reported_with_file_and_line_and_changes_nothing(course_content, content):
    before = list(Lesson.objects.values_list("pk", "title", "html"))
    lesson = content / LESSONS / "03-function-code.md"
    text = lesson.read_text()
    lesson.write_text(text.replace("::: analogy oven", "::: analogy microwave", 1))
    other = content / LESSONS / "01-execution-environment-lifecycle.md"
    other.write_text(other.read_text().replace("title:", "titel:", 1))
    line = text.splitlines().index("::: analogy oven") + 1
    with pytest.raises(CommandError) as error:
        load(content)
    message = str(error.value)
    assert f"{LESSONS}/03-function-code.md:{line}:" in message
    assert "microwave" in message
    assert f"{LESSONS}/01-execution-environment-lifecycle.md:" in message
    assert "titel" in message
    assert list(Lesson.objects.values_list("pk", "title", "html")) == before


def test_a_changed_lesson_updates_in_place(course_content, content):
    lesson = Lesson.objects.get(slug="streams")
    path = content / LESSONS / "11-streams.md"
    path.write_text(path.read_text() + "\n\nA brand new closing paragraph.\n")
    load(content)
    updated = Lesson.objects.get(slug="streams")
    assert updated.pk == lesson.pk
    assert "A brand new closing paragraph." in updated.html


def test_a_removed_lesson_stops_showing_and_progress_elsewhere_is_kept(
    course_content, content, client
):
    user = make_user()
    kept = Lesson.objects.get(slug="function-code")
    removed = Lesson.objects.get(slug="developing-with-kiro")
    for lesson in (kept, removed):
        LessonProgress.objects.create(
            user=user, lesson=lesson, first_seen_at=kept.updated_at, last_seen_at=kept.updated_at
        )
    (content / LESSONS / "12-developing-with-kiro.md").unlink()
    # The summary lesson and the Kiro questions refer to the removed lesson: drop them too.
    shutil.rmtree(content / "lambda-best-practices/questions")
    (content / "lambda-best-practices/questions").mkdir()
    quizzes = content / "lambda-best-practices/quizzes.yaml"
    if quizzes.exists():
        quizzes.unlink()
    # Without quizzes.yaml, the summary's link to the module quiz would lead nowhere.
    summary = content / LESSONS / "13-module-summary.md"
    summary.write_text(summary.read_text().replace("/module-quiz/)", "/)"))
    report = load(content)
    assert "lesson developing-with-kiro" in report
    assert client.get(removed.get_absolute_url()).status_code == 404
    assert LessonProgress.objects.filter(user=user).count() == 2
    assert Lesson.objects.get(pk=kept.pk).is_active


def test_check_only_validates_without_writing(content):
    out = StringIO()
    call_command("loadcourse", str(content), "--check", stdout=out)
    assert "Content is valid" in out.getvalue()
    assert not Module.objects.exists()


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        load(tmp_path / "nope")


def test_without_a_folder_it_loads_the_course_content_dir_setting(content, settings):
    lesson = content / "lambda-best-practices" / "lessons" / "02-function-configuration.md"
    assert lesson.exists()
    lesson.write_text(lesson.read_text().replace('title: "', 'title: "Renamed — ', 1))
    settings.COURSE_CONTENT_DIR = str(content)
    out = StringIO()
    call_command("loadcourse", stdout=out)
    assert "Loaded 1 module(s)" in out.getvalue()
    assert Lesson.objects.filter(title__startswith="Renamed —").count() == 1


def small_course(root: Path) -> Path:
    """A content folder with one small module, `other`, and nothing of the shipped course."""
    lessons = root / "other" / "lessons"
    lessons.mkdir(parents=True)
    (root / "other" / "module.md").write_text(
        "---\ntitle: Other\nsummary: Another service.\norder: 2\n---\nHello.\n"
    )
    (lessons / "01-intro.md").write_text(
        "---\nslug: intro\ntitle: Intro\norder: 1\nminutes: 5\nobjectives: [Read]\n---\nText.\n"
    )
    return root


def test_a_load_that_would_retire_a_module_is_refused_with_its_name(course_content, tmp_path):
    with pytest.raises(CommandError) as caught:
        load(small_course(tmp_path / "content"))
    message = str(caught.value)
    assert "lambda-best-practices (13 lessons)" in message
    assert "--prune" in message
    assert Module.objects.get(slug="lambda-best-practices").is_published
    assert not Module.objects.filter(slug="other").exists()


def test_with_prune_the_missing_module_is_retired(course_content, tmp_path):
    out = StringIO()
    call_command("loadcourse", str(small_course(tmp_path / "content")), "--prune", stdout=out)
    assert "Retired (kept for history, no longer shown): module lambda-best-practices" in (
        out.getvalue()
    )
    assert not Module.objects.get(slug="lambda-best-practices").is_published
    assert Module.objects.get(slug="other").is_published


def test_check_on_a_module_folder_names_the_folder_it_expected(content):
    with pytest.raises(CommandError) as caught:
        call_command("loadcourse", str(content / "lambda-best-practices"), "--check")
    message = str(caught.value)
    assert message.count("\n") == 1  # one problem, not one per subfolder
    assert f"expected `{content}/` (the parent of `lambda-best-practices`)" in message
