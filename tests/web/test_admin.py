"""The admin cannot plant a script in rendered content nor rewrite learners' records."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from course.models import LessonProgress
from quizzes.models import AttemptEvent
from quizzes.services import start_attempt
from tests.factories import make_instructor, make_lesson, make_user
from tests.quizzes_factories import make_bank, make_exam

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(document.cookie)</script>"


@pytest.fixture
def staff_instructor(client):
    instructor = make_instructor(is_staff=True)
    client.force_login(instructor)
    return instructor


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def test_lesson_html_is_shown_read_only_and_a_forged_post_changes_nothing(client, staff_instructor):
    lesson = make_lesson()
    page = client.get(change_url(lesson)).content.decode()
    assert 'name="html"' not in page
    assert 'name="is_active"' in page  # the publishing switch stays editable
    client.post(change_url(lesson), {"html": SCRIPT, "is_active": "on", "_save": "Save"})
    lesson.refresh_from_db()
    assert SCRIPT not in lesson.html
    assert lesson.html.startswith("<p>Body of lesson")


def test_module_intro_html_is_read_only(client, staff_instructor):
    module = make_lesson().module
    page = client.get(change_url(module)).content.decode()
    assert 'name="intro_html"' not in page
    client.post(change_url(module), {"intro_html": SCRIPT, "is_published": "on"})
    module.refresh_from_db()
    assert SCRIPT not in module.intro_html


def test_learners_progress_is_view_only_to_instructors(client, staff_instructor):
    now = timezone.now()
    progress = LessonProgress.objects.create(
        user=make_user(), lesson=make_lesson(), first_seen_at=now, last_seen_at=now
    )
    assert client.get(change_url(progress)).status_code == 200  # they may look
    delete = reverse("admin:course_lessonprogress_delete", args=[progress.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert LessonProgress.objects.filter(pk=progress.pk).exists()


def test_the_attempt_log_cannot_be_deleted_even_by_a_superuser(client):
    module, _, _ = make_bank(questions=3)
    attempt = start_attempt(quiz=make_exam(module), user=make_user(), now=timezone.now())
    events = AttemptEvent.objects.filter(attempt=attempt).count()
    assert events >= 1
    client.force_login(make_user(is_staff=True, is_superuser=True))
    delete = reverse("admin:quizzes_attempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AttemptEvent.objects.filter(attempt=attempt).count() == events


def test_instructors_hold_no_write_permission_on_learners_records():
    instructor = make_instructor()
    for model in ("course.lessonprogress", "lab.challengecompletion", "quizzes.attempt"):
        app, name = model.split(".")
        assert instructor.has_perm(f"{app}.view_{name}")
        assert not instructor.has_perm(f"{app}.change_{name}")
        assert not instructor.has_perm(f"{app}.delete_{name}")
    assert not instructor.has_perm("quizzes.delete_attemptevent")
    assert instructor.has_perm("course.change_lesson")
